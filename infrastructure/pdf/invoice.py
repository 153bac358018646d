"""render_invoice: an invoice and its tickets as one PDF.

Page 1 is the invoice (``invoice_page``); a normal invoice then has a page per
ticket (``ticket_page``), a cancellation has none. Every word comes from the
caller's labels (``labels.LABEL_KEYS``) and ticket type names; money, dates and
rates are written as the invoice's language writes them (domain/formats.py).
The same input gives the same bytes: the PDF's dates are the invoice's issue
time, and nothing else varies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fpdf import FPDF

from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Ticket
from infrastructure.pdf import fonts
from infrastructure.pdf.invoice_page import draw_invoice_page
from infrastructure.pdf.labels import Wording, checked_labels
from infrastructure.pdf.page import new_pdf
from infrastructure.pdf.text import as_utc
from infrastructure.pdf.ticket_page import draw_ticket_page


def render_invoice(
    invoice: Invoice,
    tickets: Sequence[Ticket],
    labels: Mapping[str, str],
    *,
    locale: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
) -> bytes:
    """The PDF of ``invoice``; ``tickets`` are drawn a page each on a normal
    invoice and ignored on a cancellation (a cancelled ticket is not shown).
    ``locale``: how money and dates are written (the invoice's language unless
    given: the caller may know that the labels are of another); ``ticket_types``:
    names by code (a code without one is printed as it is).

    Raises MissingLabelsError when ``labels`` lacks a key of LABEL_KEYS, and
    ValueError when a ticket's seat is not on the invoice.
    """
    words = Wording(checked_labels(labels), locale or invoice.language, dict(ticket_types or {}))
    pages = _ticket_lines(invoice, tickets) if invoice.kind is InvoiceKind.INVOICE else []
    pdf = _draw(invoice, pages, words, fonts.LEAN)
    if fonts.missing_characters(pdf):
        # Some text is outside the lean faces (a Greek or Georgian title, say):
        # draw it all again with the complete font rather than drop characters.
        pdf = _draw(invoice, pages, words, fonts.FULL)
    return bytes(pdf.output())


def _draw(invoice: Invoice, pages: list[tuple[InvoiceLine, Ticket]], words: Wording, coverage: fonts.Coverage) -> FPDF:
    pdf = new_pdf()
    fonts.attach(pdf, coverage)
    title = words["cancellation-title" if invoice.kind is InvoiceKind.CANCELLATION else "invoice-title"]
    pdf.set_title(f"{title} {invoice.number}")
    pdf.set_author(invoice.seller.name)
    pdf.set_lang(words.locale)
    # The issue time, not the clock: a re-render (a lost file, a resend) gives the same bytes.
    pdf.set_creation_date(as_utc(invoice.issued_at))
    draw_invoice_page(pdf, invoice, words)
    for line, ticket in pages:
        draw_ticket_page(pdf, invoice, line, ticket, words)
    return pdf


def _ticket_lines(invoice: Invoice, tickets: Sequence[Ticket]) -> list[tuple[InvoiceLine, Ticket]]:
    """Each ticket with the invoice line of its seat (movie, showtime and hall
    come from there). Lines are taken in order, so a booking that lists a seat
    twice still pairs one line per ticket."""
    unused = list(invoice.lines)
    paired: list[tuple[InvoiceLine, Ticket]] = []
    for ticket in tickets:
        line = next((line for line in unused if line.seat == ticket.seat), None)
        if line is None:
            raise ValueError(f"ticket for seat {ticket.seat!r} has no line on invoice {invoice.number}")
        unused.remove(line)
        paired.append((line, ticket))
    return paired
