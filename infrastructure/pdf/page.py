"""The page both layouts share: A4 portrait, millimetres, one font family."""

from __future__ import annotations

from fpdf import FPDF

PAGE_W = 210.0
PAGE_H = 297.0
MARGIN = 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
RIGHT = PAGE_W - MARGIN
BOTTOM = PAGE_H - MARGIN

INK = (20, 20, 24)
MUTED = (110, 114, 124)  # labels beside values
RULE = (170, 174, 182)  # table lines


def new_pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    # Every position is computed by the layouts, which start a page themselves
    # when a table runs long; fpdf2's automatic break would only get in the way.
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_line_width(0.2)
    return pdf


def ink(pdf: FPDF, colour: tuple[int, int, int]) -> None:
    pdf.set_text_color(*colour)
