"""The DejaVu faces shared between documents (infrastructure/pdf/fonts.py).

A face is parsed once and cloned per document; these tests pin what makes that
safe: documents do not leak into each other or into the template, concurrent
renders give the bytes a lone render gives, and the fpdf2 font object still has
the attributes the clone was written against.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from infrastructure.fonts import SANS
from infrastructure.pdf import fonts, render_invoice
from infrastructure.pdf.page import new_pdf
from tests.unit.test_pdf_invoice import english_labels, sample_invoice, sample_tickets

ROOT = Path(__file__).resolve().parents[2]

# TTFFont's attributes as of fpdf2 2.8.x, split as fonts._clone treats them. A new
# attribute in a later fpdf2 may be per-document state that the clone would
# share by mistake: decide which side it is on in _clone, then add it here.
SHARED = {
    "type", "name", "glyph_ids", "sp", "ss", "up", "ut", "ttffile", "fontkey", "emphasis", "scale",
    "cmap", "color_font", "unicode_range", "palette_index", "is_compressed", "is_cff", "is_cid_keyed",
    "is_symbol", "cff_ros", "collection_font_number",
}
PER_DOCUMENT = {"i", "ttfont", "desc", "cw", "subset", "missing_glyphs", "biggest_size_pt", "_hbfont"}


def test_fpdf2_font_objects_have_the_attributes_the_clone_knows() -> None:
    assert set(TTFFont.__slots__) == SHARED | PER_DOCUMENT


def test_a_clone_owns_every_per_document_attribute() -> None:
    first, second = new_pdf(), new_pdf()
    fonts.attach(first)
    fonts.attach(second)
    a, b = first.fonts["dejavu"], second.fonts["dejavu"]
    for name in PER_DOCUMENT - {"i", "biggest_size_pt", "_hbfont"}:
        assert getattr(a, name) is not getattr(b, name), name
    assert (a.i, first.fonts["dejavuB"].i) == (1, 2)


def test_rendering_leaves_the_template_as_it_was() -> None:
    invoice = sample_invoice(tickets=2)
    render_invoice(invoice, sample_tickets(invoice), english_labels())
    template = fonts._face(fonts.LEAN, "").template
    assert len(template.subset) <= 2  # only the reserved .notdef and space
    assert template.missing_glyphs == []
    assert template.desc._id is None and template.desc.font_name is None
    assert template.ttfont["head"].unitsPerEm == 2048  # not closed by a document's output


def test_documents_embed_only_their_own_glyphs() -> None:
    labels = english_labels()
    one = sample_invoice(tickets=1, movie="ЩЩЩ")
    render_invoice(one, sample_tickets(one), labels)
    two = sample_invoice(tickets=1, movie="Жук")
    pdf = render_invoice(two, sample_tickets(two), labels)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Жук" in text and "Щ" not in text
    assert _embedded_glyph_names(pdf).isdisjoint({"afii10059", "uni0429"})  # Щ's glyph, by either name


def _embedded_glyph_names(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor["/FontFile2"].get_data()
            names |= set(TTFont(io.BytesIO(program)).getGlyphOrder())
    return names


def test_concurrent_renders_give_the_bytes_of_lone_renders() -> None:
    labels = english_labels()
    invoices = [sample_invoice(tickets=n % 3 + 1, movie=title) for n, title in enumerate(["Сталкер", "Brazil", "Солярис", "Amélie"] * 3)]
    alone = [render_invoice(inv, sample_tickets(inv), labels) for inv in invoices]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda inv: render_invoice(inv, sample_tickets(inv), labels), invoices))
    assert together == alone


def test_the_lean_faces_hold_every_promised_character_dejavu_has() -> None:
    full = TTFont(SANS, lazy=True).getBestCmap()
    lean = fonts._face(fonts.LEAN, "").template.cmap
    promised = {cp for low, high in fonts.LEAN_RANGES for cp in range(low, high + 1) if cp in full}
    assert promised <= set(lean)
    assert ord("Ж") in lean and ord("€") in lean and ord("№") in lean
    assert ord("Ω") not in lean  # Greek takes the full path


def test_the_lean_program_keeps_the_original_dates_so_every_process_embeds_the_same_bytes() -> None:
    original = TTFont(SANS, lazy=True)["head"]
    lean = TTFont(io.BytesIO(fonts._face(fonts.LEAN, "").data))["head"]
    assert (lean.created, lean.modified) == (original.created, original.modified)



def test_fonts_are_parsed_on_first_use_not_on_import() -> None:
    probe = (
        "import infrastructure.pdf as pdf, infrastructure.pdf.fonts as f; print(len(f._faces)); "
        "pdf.warm_up(); print(sorted(f._faces))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["0", "[('lean', ''), ('lean', 'B')]"]


def test_another_process_renders_the_same_bytes() -> None:
    """The lean faces are built per process: they must come out the same every
    time (and whatever the hash seed), or re-rendered invoices would differ."""
    probe = (
        "import hashlib, sys; from tests.unit.test_pdf_invoice import english_labels, sample_invoice, sample_tickets; "
        "from infrastructure.pdf import render_invoice; i = sample_invoice(tickets=2); "
        "sys.stdout.write(hashlib.sha256(render_invoice(i, sample_tickets(i), english_labels())).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    invoice = sample_invoice(tickets=2)
    here = hashlib.sha256(render_invoice(invoice, sample_tickets(invoice), english_labels())).hexdigest()
    assert done.stdout == here
