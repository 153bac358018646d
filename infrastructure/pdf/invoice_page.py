"""Page 1: the invoice (or cancellation invoice) itself.

    Title                                    (bold, 18 pt)
    No.      CB-2026-000001
    Date     25 Nov 2026
    cancels No. CB-2026-000001               (cancellation only)

    SELLER                   BUYER
    name, address lines,     name, address lines,
    VAT ID                   VAT ID

    Movie     the title, wrapped            (once per showtime the lines are for)
    Showtime  Fri 27 Nov, 19:00 MSK
    Hall      the hall's name, wrapped
    Seat | Ticket type | Price | Discount | Total
    ... a row per seat; a long table continues on the next page under its header

    Promo code KINO10          Discount       -2,00 €
                               Net            21,01 €
                               VAT 19 %        3,99 €
                               Total          25,00 € (bold)
    Prices include VAT.

Movie, showtime and hall stand above the table rather than in columns of it: a
booking is for one showtime, and a column narrow enough for six of them had to
cut "Saal 1 · Palast (IMAX)" to "Saal 1 ·…". Values wrap; nothing is cut.
"""

from __future__ import annotations

from itertools import groupby
from zoneinfo import ZoneInfo

from fpdf import FPDF

from domain.formats import document_day, moment_text, money_text, percent_text
from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party
from domain.money import Money
from infrastructure.pdf.labels import Wording
from infrastructure.pdf.page import BOTTOM, CONTENT_W, INK, MARGIN, MUTED, RIGHT, RULE, ink
from infrastructure.pdf.text import Pen, as_utc
from domain.hall import seat_name

# (label key, width mm, align); the widths add up to CONTENT_W (180 mm). Words
# wrap in their column; amounts shrink (to 6 pt), so a sum of seven digits shows whole.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("seat", 24.0, "L"),
    ("ticket-type", 66.0, "L"),
    ("price", 30.0, "R"),
    ("discount", 30.0, "R"),
    ("total", 30.0, "R"),
)
ROW_H = 6.0  # a one-line row
TABLE_LEAD = 4.0  # between the lines of a wrapped cell
CELL_PAD = 1.0
TABLE_SIZE = 8.5
PARTY_W = 85.0
LABEL_W = 28.0  # the label column beside number, date, movie, showtime and hall
VALUE_W = CONTENT_W - LABEL_W
TOTALS_X = 115.0
SHOWING = ("movie", "showtime", "hall")


def draw_invoice_page(pdf: FPDF, invoice: Invoice, words: Wording) -> None:
    pen = Pen(pdf)
    pdf.add_page()
    y = _heading(pen, invoice, words)
    y = _parties(pen, invoice, words, y + 8)
    y = _table(pen, invoice, words, y + 10)
    _totals(pen, invoice, words, y + 6)


def _heading(pen: Pen, invoice: Invoice, words: Wording) -> float:
    cancellation = invoice.kind is InvoiceKind.CANCELLATION
    ink(pen.pdf, INK)
    pen.font(18, bold=True)
    pen.fit(MARGIN, 24, words["cancellation-title" if cancellation else "invoice-title"], CONTENT_W)
    y = 33.0
    issued = document_day(as_utc(invoice.issued_at), words.locale, ZoneInfo(invoice.timezone))
    for key, value in (("number", invoice.number), ("date", issued)):
        pen.font(10)
        ink(pen.pdf, MUTED)
        pen.fit(MARGIN, y, words[key], LABEL_W - 2)
        ink(pen.pdf, INK)
        pen.font(10, bold=True)
        pen.write(MARGIN + LABEL_W, y, value)
        y += 5.5
    if cancellation and invoice.cancels:
        pen.font(10, bold=True)
        pen.fit(MARGIN, y, f"{words['cancels']} {invoice.cancels}", CONTENT_W)
        y += 5.5
    return y


def _parties(pen: Pen, invoice: Invoice, words: Wording, top: float) -> float:
    left = _party(pen, words["seller"], invoice.seller, words, MARGIN, top)
    right = _party(pen, words["buyer"], invoice.buyer, words, MARGIN + CONTENT_W - PARTY_W, top)
    return max(left, right)


def _party(pen: Pen, heading: str, party: Party, words: Wording, x: float, top: float) -> float:
    ink(pen.pdf, MUTED)
    pen.font(8, bold=True)
    pen.fit(x, top, heading.upper(), PARTY_W)
    ink(pen.pdf, INK)
    pen.font(10, bold=True)
    y = pen.block(x, top + 5.5, pen.lines(party.name, PARTY_W), 4.8)
    pen.font(9)
    if party.address:
        y = pen.block(x, y + 4.5, pen.lines(party.address, PARTY_W), 4.5)
    if party.vat_id:
        y = pen.block(x, y + 4.5, pen.lines(f"{words['vat-id']} {party.vat_id}", PARTY_W), 4.5)
    return y


def _table(pen: Pen, invoice: Invoice, words: Wording, top: float) -> float:
    y = top
    zone = ZoneInfo(invoice.timezone)
    # One block per showtime, in the order of the lines (a booking has one).
    for (movie, starts_at, hall), group in groupby(invoice.lines, key=lambda l: (l.movie, l.starts_at, l.hall)):
        y = _showing(pen, words, (movie, moment_text(as_utc(starts_at), zone, words.locale, True), hall), y)
        y = _table_header(pen, words, y + 7)
        for line in group:
            cells = _cells(pen, line, words)
            height = (max(len(c) for c in cells) - 1) * TABLE_LEAD
            if y + height + 2.2 > BOTTOM:
                pen.pdf.add_page()
                y = _table_header(pen, words, MARGIN + 5)
            _row(pen, cells, y)
            pen.pdf.set_draw_color(*RULE)
            pen.pdf.line(MARGIN, y + height + 2.2, RIGHT, y + height + 2.2)
            y += height + ROW_H
        y += 4
    return y - 4


def _showing(pen: Pen, words: Wording, values: tuple[str, str, str], y: float) -> float:
    """Movie, showtime and hall as label and wrapped value; a new page first when
    they and the table's first rows would not fit."""
    blocks = []
    for key, value in zip(SHOWING, values, strict=True):
        pen.font(10, bold=key == "movie")
        blocks.append((key, pen.lines(value, VALUE_W)))
    height = sum(4.8 * len(lines) + 1 for _, lines in blocks) + 2 * ROW_H
    if y + height > BOTTOM:
        pen.pdf.add_page()
        y = MARGIN + 5
    for index, (key, lines) in enumerate(blocks):
        if index:
            y += 5.8
        ink(pen.pdf, MUTED)
        pen.font(9)
        pen.fit(MARGIN, y, words[key], LABEL_W - 2)
        ink(pen.pdf, INK)
        pen.font(10, bold=key == "movie")
        y = pen.block(MARGIN + LABEL_W, y, lines, 4.8)
    return y


def _table_header(pen: Pen, words: Wording, baseline: float) -> float:
    ink(pen.pdf, MUTED)
    pen.font(TABLE_SIZE, bold=True)
    x = MARGIN
    for key, width, align in COLUMNS:
        pen.fit(x + CELL_PAD, baseline, words[key], width - 2 * CELL_PAD, align)
        x += width
    ink(pen.pdf, INK)
    pen.pdf.set_draw_color(*INK)
    pen.pdf.line(MARGIN, baseline + 2.2, RIGHT, baseline + 2.2)
    pen.font(TABLE_SIZE)
    return baseline + ROW_H + 0.5


def _cells(pen: Pen, line: InvoiceLine, words: Wording) -> list[list[str]]:
    """Each column's lines: words wrapped to their column, an amount on one line."""
    pen.font(TABLE_SIZE)
    texts = [seat_name(line.seat), words.ticket_type(line.ticket_type)]
    wrapped = [pen.lines(text, width - 2 * CELL_PAD) for text, (_, width, _) in zip(texts, COLUMNS)]
    return wrapped + [[money_text(m, words.locale)] for m in (line.price, line.discount, line.total)]


def _row(pen: Pen, cells: list[list[str]], baseline: float) -> None:
    x = MARGIN
    for (_, width, align), lines in zip(COLUMNS, cells, strict=True):
        if align == "R":
            pen.fit(x + CELL_PAD, baseline, lines[0], width - 2 * CELL_PAD, align)
        else:
            pen.block(x + CELL_PAD, baseline, lines, TABLE_LEAD)
        x += width


def _totals(pen: Pen, invoice: Invoice, words: Wording, top: float) -> None:
    def amount(value: Money) -> str:
        return money_text(value, words.locale)

    rows = (
        (words["discount"], amount(invoice.discount), False),
        (words["net"], amount(invoice.net), False),
        (f"{words['vat']} {percent_text(invoice.vat_basis_points, words.locale)}", amount(invoice.vat), False),
        (words["total"], amount(invoice.total), True),
    )
    height = 5.5 * len(rows) + 12
    if top + height > BOTTOM:
        pen.pdf.add_page()
        top = MARGIN + 5
    if invoice.promo_code:
        # Beside the discount it explains, in the room left of the totals.
        pen.font(10)
        pen.block(MARGIN, top, pen.lines(f"{words['promo-code']} {invoice.promo_code}", TOTALS_X - MARGIN - 5), 4.8)
    y = top
    width = RIGHT - TOTALS_X
    for label, value, strong in rows:
        if strong:
            pen.pdf.set_draw_color(*INK)
            pen.pdf.line(TOTALS_X, y - 4.0, RIGHT, y - 4.0)
            y += 1.0
        pen.font(10, bold=strong)
        pen.fit(TOTALS_X, y, label, width - 35)
        pen.fit(RIGHT - 35, y, value, 35, "R")
        y += 5.5
    ink(pen.pdf, MUTED)
    pen.font(8.5)
    pen.fit(MARGIN, y + 4, words["prices-include-vat"], CONTENT_W)
    ink(pen.pdf, INK)
