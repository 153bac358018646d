"""DejaVu for fpdf2, parsed once per process instead of once per document.

fpdf2's ``add_font`` reads the TTF and walks its whole character map for every
new document (about 45 ms for DejaVu Sans and Bold), and at output it subsets the
font with fontTools, whose cost grows with the size of the font it starts from.
So, lazily and once:

1. the bundled fonts are cut down to the characters an invoice is likely to hold
   (Latin, Cyrillic, common punctuation and currency signs): the *lean* faces;
2. each face is parsed into an fpdf2 ``TTFFont`` that serves as a template.

A document gets a clone of the template that shares what fpdf2 only reads (the
character map, glyph ids) and owns what fpdf2 changes while writing one
document: the fontTools object (subset in place at output, then closed), the
font descriptor (becomes a PDF object of that document), the widths (a
defaultdict that grows on lookups), the subset map and the missing glyphs.
fpdf2 2.8's own ``TTFFont.__deepcopy__`` (for its recorder) shares the read-only
part the same way. This leans on TTFFont's attributes, which are not a public
API: ``tests/unit/test_pdf_fonts.py`` pins them, so an fpdf2 upgrade that adds
per-document state fails there first.

A document whose text has a character outside the lean faces is drawn again with
the full faces (``FULL``): slower, never wrong.
"""

from __future__ import annotations

import copy
import io
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from infrastructure.fonts import SANS, SANS_BOLD

FAMILY = "dejavu"
Coverage = Literal["lean", "full"]
LEAN: Coverage = "lean"
FULL: Coverage = "full"

# What the lean faces keep: ASCII, Latin-1 and Latin Extended-A (names and titles
# of most European languages), basic Cyrillic, dashes, quotes, ellipsis, bullets,
# the euro, rouble and hryvnia signs, "№" and "™". Each extra block costs render
# time on every document (see docs/invoices.md), so rare scripts take the slow path.
LEAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x0400, 0x045F),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AC, 0x20AC),
    (0x20B4, 0x20B4),
    (0x20BD, 0x20BD),
    (0x2116, 0x2116),
    (0x2122, 0x2122),
)

_STYLES = {"": SANS, "B": SANS_BOLD}


# Tables a document's copy of a face goes without. fpdf2 reads the font's name
# once, from the template; a PDF needs neither the name nor the grid-fitting
# table (PDF 32000-1, 9.9), and each table costs per-document subsetting time
# (together a third of it).
_UNEMBEDDED = ("name", "gasp")


@dataclass(frozen=True, slots=True)
class _Face:
    data: bytes  # the TTF program a document's fontTools object is read from
    template: TTFFont  # parsed once; never written to after it is built


_lock = threading.Lock()
_faces: dict[tuple[Coverage, str], _Face] = {}


def warm_up() -> None:
    """Build the lean faces now (say, when a worker starts), so that the first
    invoice of the process does not pay for it (about 0.2 s)."""
    for style in _STYLES:
        _face(LEAN, style)


def attach(pdf: FPDF, coverage: Coverage = LEAN) -> None:
    """Make ``FAMILY`` (regular and "B") usable in ``pdf`` with ``set_font``."""
    for style in _STYLES:
        face = _face(coverage, style)
        fontkey = FAMILY + style
        pdf.fonts[fontkey] = _clone(face, index=len(pdf.fonts) + 1)


def missing_characters(pdf: FPDF) -> list[int]:
    """Code points drawn so far that our faces in ``pdf`` have no glyph for
    (fpdf2 drops them from the text, so the document is incomplete)."""
    missing: list[int] = []
    for style in _STYLES:
        font = pdf.fonts.get(FAMILY + style)
        if isinstance(font, TTFFont):
            missing.extend(font.missing_glyphs)
    return missing


def _face(coverage: Coverage, style: str) -> _Face:
    key = (coverage, style)
    face = _faces.get(key)
    if face is None:
        with _lock:  # two first documents at once parse the font once, not twice
            face = _faces.get(key)
            if face is None:
                face = _faces[key] = _build(coverage, style)
    return face


def _build(coverage: Coverage, style: str) -> _Face:
    path = _STYLES[style]
    program = path.read_bytes() if coverage == FULL else _lean_program(path, _code_points(LEAN_RANGES))
    # TTFFont wants an FPDF only to number the font and to ask about colour fonts;
    # a scratch instance keeps the template apart from any real document.
    template = TTFFont(FPDF(), io.BytesIO(program), FAMILY + style, style)
    return _Face(data=_without(program, _UNEMBEDDED), template=template)


def _without(program: bytes, tags: Iterable[str]) -> bytes:
    """The font program less some tables; glyph order and names stay as they are,
    so the template's glyph names still find their glyphs."""
    font = TTFont(io.BytesIO(program), recalcTimestamp=False, recalcBBoxes=False)
    for tag in tags:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _lean_program(path: Path, code_points: Iterable[int]) -> bytes:
    # recalcTimestamp=False keeps the "modified" date of the original: the
    # subset is then the same bytes in every process, and so are the PDFs.
    font = TTFont(path, recalcTimestamp=False)
    options = ftsubset.Options()
    options.notdef_outline = True  # fpdf2 draws a box for a missing glyph with it
    options.recommended_glyphs = True
    options.glyph_names = True  # fpdf2 keys glyphs by name; keeping names avoids re-deriving them per document
    options.hinting = False  # screen hinting is no use in a PDF and costs per-document subsetting time
    options.layout_features = []  # fpdf2 drops GSUB/GPOS at output anyway; text shaping is off
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "FFTM", "MATH"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=list(code_points))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _code_points(ranges: Iterable[tuple[int, int]]) -> list[int]:
    return [cp for low, high in ranges for cp in range(low, high + 1)]


def _clone(face: _Face, index: int) -> TTFFont:
    template = face.template
    font = copy.copy(template)  # shares cmap, glyph_ids, name, metrics: read-only in fpdf2
    font.i = index
    # lazy=True: tables are decoded only when the output's subsetter asks for them.
    # recalcBBoxes=False: on save fontTools would otherwise decode every kept glyph
    # to recompute bounding boxes and encode it again (half of the output time);
    # each glyph keeps its own box anyway, only the font-wide maxima in "head"
    # stay those of the lean face, which a PDF reader does not depend on.
    font.ttfont = TTFont(io.BytesIO(face.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.desc = copy.copy(template.desc)
    font.cw = defaultdict(template.cw.default_factory, template.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    return font
