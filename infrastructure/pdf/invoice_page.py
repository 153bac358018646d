"""Page 1: the invoice (or cancellation invoice) itself.

    Title                                    (bold, 18 pt)
    No.      CB-2026-000001
    Date     2026-11-25
    cancels No. CB-2026-000001               (cancellation only)

    SELLER                   BUYER
    name, address lines,     name, address lines,
    VAT ID                   VAT ID

    Movie | Showtime | Hall | Seat | Ticket type | Price | Discount | Total
    ... a row per line; a long table continues on the next page under its header

                               Discount       -2.00 EUR
                               Net            21.01 EUR
                               VAT 19%         3.99 EUR
                               Total          25.00 EUR   (bold)
    Prices include VAT.
"""

from __future__ import annotations

from fpdf import FPDF

from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party
from infrastructure.pdf.page import BOTTOM, CONTENT_W, INK, MARGIN, MUTED, RIGHT, RULE, ink
from infrastructure.pdf.text import DATE, DATE_TIME, Pen, local, vat_rate

# (label key, width mm, align, smallest font size); the widths add up to
# CONTENT_W (180 mm). Words may shrink a little and are then cut with an
# ellipsis; amounts shrink further, so a sum of seven digits still shows whole.
COLUMNS: tuple[tuple[str, float, str, float], ...] = (
    ("movie", 42.0, "L", 7.5),
    ("showtime", 28.0, "L", 7.0),
    ("hall", 15.0, "L", 7.5),
    ("seat", 12.0, "L", 7.5),
    ("ticket-type", 20.0, "L", 7.5),
    ("price", 21.0, "R", 6.0),
    ("discount", 21.0, "R", 6.0),
    ("total", 21.0, "R", 6.0),
)
ROW_H = 6.0
CELL_PAD = 1.0
TABLE_SIZE = 8.5
PARTY_W = 85.0
LABEL_W = 28.0  # the label column beside number and date
TOTALS_X = 115.0


def draw_invoice_page(pdf: FPDF, invoice: Invoice, labels: dict[str, str]) -> None:
    pen = Pen(pdf)
    pdf.add_page()
    y = _heading(pen, invoice, labels)
    y = _parties(pen, invoice, labels, y + 8)
    y = _table(pen, invoice, labels, y + 10)
    _totals(pen, invoice, labels, y + 6)


def _heading(pen: Pen, invoice: Invoice, labels: dict[str, str]) -> float:
    cancellation = invoice.kind is InvoiceKind.CANCELLATION
    ink(pen.pdf, INK)
    pen.font(18, bold=True)
    pen.fit(MARGIN, 24, labels["cancellation-title" if cancellation else "invoice-title"], CONTENT_W)
    y = 33.0
    for key, value in (("number", invoice.number), ("date", local(invoice.issued_at, invoice.timezone).strftime(DATE))):
        pen.font(10)
        ink(pen.pdf, MUTED)
        pen.fit(MARGIN, y, labels[key], LABEL_W - 2)
        ink(pen.pdf, INK)
        pen.font(10, bold=True)
        pen.write(MARGIN + LABEL_W, y, value)
        y += 5.5
    if cancellation and invoice.cancels:
        pen.font(10, bold=True)
        pen.fit(MARGIN, y, f"{labels['cancels']} {invoice.cancels}", CONTENT_W)
        y += 5.5
    return y


def _parties(pen: Pen, invoice: Invoice, labels: dict[str, str], top: float) -> float:
    left = _party(pen, labels["seller"], invoice.seller, labels, MARGIN, top)
    right = _party(pen, labels["buyer"], invoice.buyer, labels, MARGIN + CONTENT_W - PARTY_W, top)
    return max(left, right)


def _party(pen: Pen, heading: str, party: Party, labels: dict[str, str], x: float, top: float) -> float:
    ink(pen.pdf, MUTED)
    pen.font(8, bold=True)
    pen.fit(x, top, heading.upper(), PARTY_W)
    ink(pen.pdf, INK)
    pen.font(10, bold=True)
    y = top + 5.5
    pen.fit(x, y, party.name, PARTY_W)
    pen.font(9)
    for line in pen.wrap(party.address, PARTY_W, max_lines=4) if party.address else []:
        y += 4.5
        pen.write(x, y, line)
    if party.vat_id:
        y += 4.5
        pen.fit(x, y, f"{labels['vat-id']} {party.vat_id}", PARTY_W)
    return y


def _table(pen: Pen, invoice: Invoice, labels: dict[str, str], top: float) -> float:
    y = _table_header(pen, labels, top)
    for line in invoice.lines:
        if y + ROW_H > BOTTOM:
            pen.pdf.add_page()
            y = _table_header(pen, labels, MARGIN + 5)
        _row(pen, _cells(line, invoice.timezone), y)
        pen.pdf.set_draw_color(*RULE)
        pen.pdf.line(MARGIN, y + 2.2, RIGHT, y + 2.2)
        y += ROW_H
    return y


def _table_header(pen: Pen, labels: dict[str, str], baseline: float) -> float:
    ink(pen.pdf, MUTED)
    pen.font(TABLE_SIZE, bold=True)
    _row(pen, [labels[key] for key, _, _, _ in COLUMNS], baseline)
    ink(pen.pdf, INK)
    pen.pdf.set_draw_color(*INK)
    pen.pdf.line(MARGIN, baseline + 2.2, RIGHT, baseline + 2.2)
    pen.font(TABLE_SIZE)
    return baseline + ROW_H + 0.5


def _cells(line: InvoiceLine, zone: str) -> list[str]:
    return [
        line.movie,
        local(line.starts_at, zone).strftime(DATE_TIME),
        line.hall,
        line.seat,
        line.ticket_type,
        line.price.format(),
        line.discount.format(),
        line.total.format(),
    ]


def _row(pen: Pen, texts: list[str], baseline: float) -> None:
    x = MARGIN
    for (_, width, align, min_size), text in zip(COLUMNS, texts, strict=True):
        pen.fit(x + CELL_PAD, baseline, text, width - 2 * CELL_PAD, align, min_size)
        x += width


def _totals(pen: Pen, invoice: Invoice, labels: dict[str, str], top: float) -> None:
    rows = (
        (labels["discount"], invoice.discount.format(), False),
        (labels["net"], invoice.net.format(), False),
        (f"{labels['vat']} {vat_rate(invoice.vat_basis_points)}", invoice.vat.format(), False),
        (labels["total"], invoice.total.format(), True),
    )
    height = 5.5 * len(rows) + 12
    if top + height > BOTTOM:
        pen.pdf.add_page()
        top = MARGIN + 5
    y = top
    width = RIGHT - TOTALS_X
    for label, amount, strong in rows:
        if strong:
            pen.pdf.set_draw_color(*INK)
            pen.pdf.line(TOTALS_X, y - 4.0, RIGHT, y - 4.0)
            y += 1.0
        pen.font(10, bold=strong)
        pen.fit(TOTALS_X, y, label, width - 35)
        pen.write(TOTALS_X, y, amount, "R", width)
        y += 5.5
    ink(pen.pdf, MUTED)
    pen.font(8.5)
    pen.fit(MARGIN, y + 4, labels["prices-include-vat"], CONTENT_W)
    ink(pen.pdf, INK)
