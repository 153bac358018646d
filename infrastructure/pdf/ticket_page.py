"""A page per ticket, shown at the door from a phone or on paper.

    Ticket                                   +-----------+
    Movie title, wrapped (smaller            |  QR code  |
    from the fourth line on)                 | (secret)  |
    Showtime     Fri 27 Nov, 19:00 MSK       +-----------+
    Hall         Saal 1 · Palast (IMAX),
                 wrapped
    Seat         C7
    Ticket type  Adult
    Booking      1042

The QR code holds only the ticket's secret: the door scanner looks it up, so
nothing on the page (booking number, seat) is enough to forge a ticket. Values
wrap below the code's square; none is cut.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fpdf import FPDF

from domain.formats import moment_text
from domain.invoices import Invoice, InvoiceLine, Ticket
from infrastructure.pdf.labels import Wording
from infrastructure.pdf.page import INK, MARGIN, MUTED, RIGHT, ink
from infrastructure.pdf.qr import draw_qr
from infrastructure.pdf.text import Pen, as_utc
from domain.hall import seat_name

QR_SIZE = 62.0  # mm including the quiet zone: 2 mm modules for a 25-module code
TEXT_W = RIGHT - QR_SIZE - MARGIN - 8
LABEL_W = 32.0
TITLE_LINES = 3  # at 15 pt; a longer title gets smaller, down to 11 pt, then more lines
MM_PER_PT = 25.4 / 72
TITLE_LEADING = 1.33  # line distance of the title, in its font sizes


def draw_ticket_page(pdf: FPDF, invoice: Invoice, line: InvoiceLine, ticket: Ticket, words: Wording) -> None:
    pen = Pen(pdf)
    pdf.add_page()
    ink(pdf, INK)
    pen.font(20, bold=True)
    pen.fit(MARGIN, 26, words["ticket-title"], TEXT_W)
    pen.font(15, bold=True)
    title = pen.shrink_to(line.movie, TEXT_W, TITLE_LINES, min_size=11)
    y = pen.block(MARGIN, 37.0, title, pen.size * MM_PER_PT * TITLE_LEADING) + 11.0
    rows = (
        ("showtime", moment_text(as_utc(line.starts_at), ZoneInfo(invoice.timezone), words.locale, True)),
        ("hall", line.hall),
        ("seat", seat_name(ticket.seat)),
        ("ticket-type", words.ticket_type(ticket.ticket_type)),
        ("booking", str(ticket.booking_id)),
    )
    for key, value in rows:
        ink(pdf, MUTED)
        pen.font(10)
        pen.fit(MARGIN, y, words[key], LABEL_W - 2)
        ink(pdf, INK)
        pen.font(12, bold=True)
        y = pen.block(MARGIN + LABEL_W, y, pen.lines(value, TEXT_W - LABEL_W), 5.5) + 7.0
    draw_qr(pdf, ticket.secret, RIGHT - QR_SIZE, 18.0, QR_SIZE)
