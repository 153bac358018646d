"""render_invoice: what a customer and a tax office read in the PDF.

Checked through pypdf (pages, extractable text) and the page's own drawing
operators (the QR modules), not through fpdf2's internals.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import segno
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream

from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party, Ticket, cancellation_of
from domain.money import Money
from infrastructure.pdf import LABEL_KEYS, MissingLabelsError, render_invoice

ISSUED = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)  # already the 26th in Moscow
SHOW = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 19:00 in Moscow


def english_labels() -> dict[str, str]:
    """English texts for LABEL_KEYS, for tests and benchmarks; the bot's own come
    from the Fluent files."""
    return {
        "invoice-title": "Invoice",
        "cancellation-title": "Cancellation invoice",
        "cancels": "cancels No.",
        "number": "No.",
        "date": "Date",
        "seller": "Seller",
        "buyer": "Buyer",
        "vat-id": "VAT ID",
        "movie": "Movie",
        "showtime": "Showtime",
        "hall": "Hall",
        "seat": "Seat",
        "ticket-type": "Ticket type",
        "price": "Price",
        "discount": "Discount",
        "total": "Total",
        "net": "Net",
        "vat": "VAT",
        "prices-include-vat": "All prices include VAT.",
        "ticket-title": "Ticket",
        "booking": "Booking",
    }


def sample_invoice(tickets: int = 4, movie: str = "Сталкер", **changes: object) -> Invoice:
    """A paid booking of ``tickets`` seats in row C of a Moscow cinema, 20% VAT."""
    lines = tuple(
        InvoiceLine(
            movie=movie,
            starts_at=SHOW,
            hall="Зал 2",
            seat=f"C{n}",
            ticket_type="Adult" if n % 2 else "Child",
            price=Money(45000 if n % 2 else 30000, "RUB"),
            discount=Money(5000 if n == 1 else 0, "RUB"),
        )
        for n in range(1, tickets + 1)
    )
    fields: dict[str, object] = dict(
        id=7,
        kind=InvoiceKind.INVOICE,
        series="CB-2026",
        seq=42,
        booking_id=1042,
        issued_at=ISSUED,
        seller=Party("ООО «Кинотеатр Луч»", "ул. Тверская, 1\n125009 Москва", "7707083893"),
        buyer=Party("Анна Смирнова", "Ленинский пр., 10, Москва"),
        currency="RUB",
        vat_basis_points=2000,
        lines=lines,
        timezone="Europe/Moscow",
        language="ru",
    )
    fields.update(changes)
    return Invoice(**fields)  # type: ignore[arg-type]


def sample_tickets(invoice: Invoice) -> list[Ticket]:
    return [
        Ticket(invoice.booking_id, line.seat, line.ticket_type, f"s3cr3t-{line.seat}-Zq8xWk2mPv")
        for line in invoice.lines
    ]


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def labels() -> dict[str, str]:
    return english_labels()


def test_an_invoice_has_a_page_for_itself_and_one_per_ticket(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=4)
    pages = _pages(render_invoice(invoice, sample_tickets(invoice), labels))
    assert len(pages) == 5
    assert pages[0].startswith("Invoice") and "Booking" not in pages[0]
    assert all(page.startswith("Ticket") for page in pages[1:])


def test_the_invoice_page_carries_number_parties_lines_and_totals(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=4)
    text = _flat(_pages(render_invoice(invoice, sample_tickets(invoice), labels))[0])

    assert "No. CB-2026-000042" in text
    assert "Date 2026-11-26" in text  # the issue date in the cinema's zone, not UTC's 25th
    assert "ООО «Кинотеатр Луч»" in text and "VAT ID 7707083893" in text and "125009 Москва" in text
    assert "Анна Смирнова" in text
    assert text.count("Сталкер 2026-11-27 19:00 Зал 2") == 4  # the showtime in Moscow time
    assert "C1 Adult 450.00 RUB 50.00 RUB 400.00 RUB" in text
    assert "C2 Child 300.00 RUB 0.00 RUB 300.00 RUB" in text
    # 4 tickets: 450 + 300 + 450 + 300 - 50 = 1450.00; VAT inside at 20% = 241.67.
    assert invoice.total == Money(145000, "RUB") and invoice.vat == Money(24167, "RUB")
    assert "Discount 50.00 RUB" in text
    assert "Net 1208.33 RUB" in text
    assert "VAT 20% 241.67 RUB" in text
    assert "Total 1450.00 RUB" in text
    assert "All prices include VAT." in text


def test_a_ticket_page_shows_its_seat_showtime_and_booking(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    tickets = sample_tickets(invoice)
    pages = _pages(render_invoice(invoice, tickets, labels))
    second = _flat(pages[2])
    assert "Сталкер" in second
    assert "Showtime 2026-11-27 19:00" in second
    assert "Hall Зал 2" in second and "Seat C2" in second and "Ticket type Child" in second
    assert "Booking 1042" in second
    assert tickets[1].secret not in second  # only in the QR code, not as readable text


def test_tickets_are_paired_with_their_seats_line(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=3)
    shuffled = list(reversed(sample_tickets(invoice)))  # C3, C2, C1
    pages = [_flat(page) for page in _pages(render_invoice(invoice, shuffled, labels))[1:]]
    assert [page.split("Seat ")[1].split()[0] for page in pages] == ["C3", "C2", "C1"]


def test_a_ticket_for_a_seat_not_on_the_invoice_is_refused(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    stray = Ticket(invoice.booking_id, "Z9", "Adult", "whatever")
    with pytest.raises(ValueError, match="Z9"):
        render_invoice(invoice, [stray], labels)


def test_each_ticket_page_draws_the_qr_code_of_its_secret(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    tickets = sample_tickets(invoice)
    reader = PdfReader(io.BytesIO(render_invoice(invoice, tickets, labels)))
    drawn = [_drawn_qr(reader, page) for page in reader.pages[1:]]
    assert _encodes(drawn[0], tickets[0].secret)
    assert _encodes(drawn[1], tickets[1].secret)
    assert not _encodes(drawn[0], tickets[1].secret)  # the check can tell codes apart


def _encodes(drawn: list[list[bool]], secret: str) -> bool:
    """Whether ``drawn`` is a standard QR code of ``secret``: segno, given the same
    text, makes exactly these modules at one of the error levels and data masks
    (the renderer's choice of both is its own business)."""
    for error in "lmqh":
        for mask in range(8):
            code = segno.make(secret, error=error, mask=mask, micro=False, boost_error=False)
            if [[bool(module) for module in row] for row in code.matrix] == drawn:
                return True
    return False


def _drawn_qr(reader: PdfReader, page: PageObject) -> list[list[bool]]:
    """The QR modules as the page paints them: every filled rectangle, snapped
    onto the grid of the smallest one (a module), top row first."""
    rects: list[tuple[Decimal, Decimal, Decimal, Decimal]] = []
    pending: list[tuple[Decimal, Decimal, Decimal, Decimal]] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"re":
            x, y, w, h = (Decimal(str(v)) for v in operands)
            # Normalise to a positive height: fpdf2 writes the top edge and a negative height.
            pending.append((x, y + h, w, -h) if h < 0 else (x, y, w, h))
        elif operator in (b"f", b"F", b"f*"):
            rects.extend(pending)
            pending = []
        elif operator in (b"S", b"n"):
            pending = []
    assert rects, "no filled rectangles on the ticket page"
    module = min(min(w, h) for _, _, w, h in rects)
    left = min(x for x, _, _, _ in rects)
    top = max(y + h for _, y, _, h in rects)
    size = round((max(x + w for x, _, w, _ in rects) - left) / module)
    grid = [[False] * size for _ in range(size)]
    for x, y, w, h in rects:
        col, row = round((x - left) / module), round((top - (y + h)) / module)
        for r in range(row, row + round(h / module)):
            for c in range(col, col + round(w / module)):
                assert not grid[r][c], "rectangles overlap"
                grid[r][c] = True
    return grid


def test_a_cancellation_negates_the_amounts_names_the_original_and_has_no_tickets(labels: dict[str, str]) -> None:
    original = sample_invoice(tickets=2)
    cancellation = cancellation_of(original, seq=43, series="CB-2026", issued_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    pages = _pages(render_invoice(cancellation, sample_tickets(original), labels))
    assert len(pages) == 1
    text = _flat(pages[0])
    assert text.startswith("Cancellation invoice")
    assert "No. CB-2026-000043" in text
    assert "cancels No. CB-2026-000042" in text
    assert "C1 Adult -450.00 RUB -50.00 RUB -400.00 RUB" in text
    assert "Total -700.00 RUB" in text
    assert "VAT 20% -116.67 RUB" in text and "Net -583.33 RUB" in text


def test_a_missing_label_is_named_in_the_error(labels: dict[str, str]) -> None:
    del labels["hall"]
    labels["booking"] = ""
    invoice = sample_invoice(tickets=1)
    with pytest.raises(MissingLabelsError) as raised:
        render_invoice(invoice, sample_tickets(invoice), labels)
    assert raised.value.missing == ["hall", "booking"]
    assert "hall, booking" in str(raised.value)


def test_english_labels_cover_label_keys_exactly() -> None:
    assert set(english_labels()) == set(LABEL_KEYS)
    assert len(LABEL_KEYS) == len(set(LABEL_KEYS))


def test_every_word_comes_from_the_labels() -> None:
    shouted = {key: f"<{key.upper()}>" for key in LABEL_KEYS}
    invoice = sample_invoice(tickets=1)
    pages = [_flat(page) for page in _pages(render_invoice(invoice, sample_tickets(invoice), shouted))]
    everything = " ".join(pages)
    for key in LABEL_KEYS:
        if key not in ("cancellation-title", "cancels"):
            assert f"<{key.upper()}>" in everything, key
    assert not any(word in everything for word in ("Invoice", "Ticket", "Total", "Seat"))


def test_the_same_invoice_renders_the_same_bytes(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    first = render_invoice(invoice, sample_tickets(invoice), labels)
    second = render_invoice(invoice, sample_tickets(invoice), labels)
    assert first == second
    later = render_invoice(sample_invoice(tickets=2, issued_at=datetime(2026, 11, 25, 22, 31, tzinfo=UTC)), sample_tickets(invoice), labels)
    assert later != first  # the dates inside do follow the invoice
    assert b"/CreationDate (D:20261125223000Z" in first


def test_a_title_outside_the_lean_font_is_drawn_with_the_full_one(labels: dict[str, str]) -> None:
    greek = "Ζορμπάς ο Έλλην"  # Greek is not in the lean faces, DejaVu has it
    invoice = sample_invoice(tickets=1, movie=greek)
    pages = _pages(render_invoice(invoice, sample_tickets(invoice), labels))
    assert greek in pages[0] and greek in pages[1]


def test_a_long_title_is_cut_in_the_table_and_wrapped_on_the_ticket(labels: dict[str, str]) -> None:
    title = "Тот самый Мюнхгаузен: полная реставрированная версия в двух сериях"
    invoice = sample_invoice(tickets=1, movie=title)
    pages = _pages(render_invoice(invoice, sample_tickets(invoice), labels))
    table_row = next(line for line in pages[0].splitlines() if "C1" in line)
    assert table_row.startswith("Тот самый") and "\u2026" in table_row and title not in table_row
    assert _flat(title) in _flat(pages[1])  # three lines on the ticket hold it whole


def test_large_amounts_are_shown_whole(labels: dict[str, str]) -> None:
    base = sample_invoice(tickets=1)
    # Far beyond a ticket's price: the columns shrink the figures rather than cut them.
    line = replace(base.lines[0], price=Money(-123456789, "RUB"), discount=Money(-123456700, "RUB"))
    invoice = replace(base, lines=(line,))
    text = _flat(_pages(render_invoice(invoice, [], labels))[0])
    assert "-1234567.89 RUB -1234567.00 RUB -0.89 RUB" in text


def test_a_long_booking_continues_its_table_on_the_next_page(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=45)
    pages = _pages(render_invoice(invoice, sample_tickets(invoice), labels))
    assert len(pages) == 2 + 45
    invoice_text = pages[0] + pages[1]
    assert all(f" C{n} " in invoice_text for n in range(1, 46))
    assert "Movie Showtime Hall Seat" in _flat(pages[1])  # the header again
    # 23 adults at 450 + 22 children at 300 - 50 discount
    assert "Total 16900.00 RUB" in _flat(pages[1]) and "16900.00" not in pages[0]
    assert pages[2].startswith("Ticket")
