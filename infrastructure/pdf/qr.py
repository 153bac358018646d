"""A ticket's QR code drawn as vector rectangles from segno's module matrix.

Vectors stay sharp at any zoom and print size, and cost less than a PNG, which
fpdf2 would decode with Pillow and re-encode per document (bench/invoices_render.py
measures both). Dark modules are merged into rectangles: runs along a row, and a
run repeated on the rows below grows downwards, so a 25x25 code takes about a
hundred rectangles instead of three hundred squares.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from fpdf import FPDF
from fpdf.enums import RenderStyle

ERROR_LEVEL = "m"  # 15% of the code may be damaged (a scratched phone screen, a crease)
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# A fixed data mask instead of segno trying all eight and scoring each (ISO 18004
# 7.8.3), which is 80% of making the code: 1.2 ms a ticket. The search pays off for
# regular data (long runs of equal bytes); a secret is 128 random bits, and over
# 300 random secrets mask 4 scored on average within 5% of the best mask's
# penalty (measured for docs/invoices.md). Any mask is valid for every reader.
MASK = 4

Rect = tuple[int, int, int, int]  # column, row, width, height in modules


def ticket_matrix(secret: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules (True = dark) encoding ``secret``, rows from the top."""
    code = segno.make(secret, error=ERROR_LEVEL, micro=False, boost_error=False, mask=MASK)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def module_rects(matrix: Sequence[Sequence[bool]]) -> list[Rect]:
    """Dark modules as rectangles that cover them exactly, without overlap."""
    done: list[Rect] = []
    open_runs: dict[tuple[int, int], Rect] = {}  # (start, end) of a run -> the rect it extends
    for y, row in enumerate(matrix):
        runs = _runs(row)
        still_open: dict[tuple[int, int], Rect] = {}
        for start, end in runs:
            above = open_runs.pop((start, end), None)
            if above is None:
                still_open[(start, end)] = (start, y, end - start, 1)
            else:
                still_open[(start, end)] = (above[0], above[1], above[2], above[3] + 1)
        done.extend(open_runs.values())  # runs that stopped at this row
        open_runs = still_open
    done.extend(open_runs.values())
    done.sort(key=lambda r: (r[1], r[0]))  # a stable drawing order: same bytes every time
    return done


def _runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = None
    for x, dark in enumerate(row):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x))
            start = None
    if start is not None:
        runs.append((start, len(row)))
    return runs


def draw_qr(pdf: FPDF, secret: str, x: float, y: float, size: float) -> None:
    """Draw the code for ``secret`` in the square (x, y, size), quiet zone included."""
    matrix = ticket_matrix(secret)
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    left, top = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    pdf.set_fill_color(0, 0, 0)
    # The enum, not "F": fpdf2 coerces a style string on every call (via the
    # enum's value lookup), which was 40% of drawing a code; the operator written is the same.
    fill = RenderStyle.F
    for col, row, width, height in module_rects(matrix):
        pdf.rect(left + col * module, top + row * module, width * module, height * module, style=fill)
