"""A page per ticket, shown at the door from a phone or on paper.

    Ticket                                   +-----------+
    Movie title, wrapped to                  |  QR code  |
    three lines at most                      | (secret)  |
    Showtime     2026-11-25 19:30            +-----------+
    Hall         Hall 1
    Seat         C7
    Ticket type  Adult
    Booking      1042

The QR code holds only the ticket's secret: the door scanner looks it up, so
nothing on the page (booking number, seat) is enough to forge a ticket.
"""

from __future__ import annotations

from fpdf import FPDF

from domain.invoices import Invoice, InvoiceLine, Ticket
from infrastructure.pdf.page import INK, MARGIN, MUTED, RIGHT, ink
from infrastructure.pdf.qr import draw_qr
from infrastructure.pdf.text import DATE_TIME, Pen, local

QR_SIZE = 62.0  # mm including the quiet zone: 2 mm modules for a 25-module code
TEXT_W = RIGHT - QR_SIZE - MARGIN - 8
LABEL_W = 32.0


def draw_ticket_page(pdf: FPDF, invoice: Invoice, line: InvoiceLine, ticket: Ticket, labels: dict[str, str]) -> None:
    pen = Pen(pdf)
    pdf.add_page()
    ink(pdf, INK)
    pen.font(20, bold=True)
    pen.fit(MARGIN, 26, labels["ticket-title"], TEXT_W)
    pen.font(15, bold=True)
    y = 37.0
    for text in pen.wrap(line.movie, TEXT_W, max_lines=3):
        pen.write(MARGIN, y, text)
        y += 7.0
    y += 4.0
    rows = (
        ("showtime", local(line.starts_at, invoice.timezone).strftime(DATE_TIME)),
        ("hall", line.hall),
        ("seat", ticket.seat),
        ("ticket-type", ticket.ticket_type),
        ("booking", str(ticket.booking_id)),
    )
    for key, value in rows:
        ink(pdf, MUTED)
        pen.font(10)
        pen.fit(MARGIN, y, labels[key], LABEL_W - 2)
        ink(pdf, INK)
        pen.font(12, bold=True)
        pen.fit(MARGIN + LABEL_W, y, value, TEXT_W - LABEL_W)
        y += 7.0
    draw_qr(pdf, ticket.secret, RIGHT - QR_SIZE, 18.0, QR_SIZE)
