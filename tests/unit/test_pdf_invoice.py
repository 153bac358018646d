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
        "promo-code": "Promo code",
    }


TYPES = {"adult": "Adult", "child": "Child"}  # ticket type names by code, as the translations give them


def sample_invoice(tickets: int = 4, movie: str = "Сталкер", **changes: object) -> Invoice:
    """A paid booking of ``tickets`` seats in row C of a Moscow cinema, 20% VAT."""
    lines = tuple(
        InvoiceLine(
            movie=movie,
            starts_at=SHOW,
            hall="Зал 2",
            seat=f"C{n}",
            ticket_type="adult" if n % 2 else "child",
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
    """Words one space apart: line breaks, and the no-break spaces of "1 450,00 ₽", read as spaces."""
    return " ".join(text.split())


def _render(invoice: Invoice, tickets: list[Ticket], labels: dict[str, str], **options: object) -> list[str]:
    return _pages(render_invoice(invoice, tickets, labels, ticket_types=TYPES, **options))  # type: ignore[arg-type]


@pytest.fixture
def labels() -> dict[str, str]:
    return english_labels()


def test_an_invoice_has_a_page_for_itself_and_one_per_ticket(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=4)
    pages = _render(invoice, sample_tickets(invoice), labels)
    assert len(pages) == 5
    assert pages[0].startswith("Invoice") and "Booking" not in pages[0]
    assert all(page.startswith("Ticket") for page in pages[1:])


def test_the_invoice_page_carries_number_parties_lines_and_totals(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=4)
    text = _flat(_render(invoice, sample_tickets(invoice), labels)[0])

    assert "No. CB-2026-000042" in text
    # The issue date in the cinema's zone (not UTC's 25th), written as the invoice's language writes it.
    assert "Date 26 нояб. 2026" in text
    assert "ООО «Кинотеатр Луч»" in text and "VAT ID 7707083893" in text and "125009 Москва" in text
    assert "Анна Смирнова" in text
    # Once for the booking's one showtime, in Moscow time with the zone named.
    assert text.count("Movie Сталкер Showtime пт 27 нояб., 19:00 MSK Hall Зал 2") == 1
    assert "C1 Adult 450,00 ₽ 50,00 ₽ 400,00 ₽" in text
    assert "C2 Child 300,00 ₽ 0,00 ₽ 300,00 ₽" in text
    # 4 tickets: 450 + 300 + 450 + 300 - 50 = 1450.00; VAT inside at 20% = 241.67.
    assert invoice.total == Money(145000, "RUB") and invoice.vat == Money(24167, "RUB")
    assert "Discount 50,00 ₽" in text
    assert "Net 1 208,33 ₽" in text
    assert "VAT 20 % 241,67 ₽" in text
    assert "Total 1 450,00 ₽" in text
    assert "All prices include VAT." in text
    assert "Promo code" not in text  # no code was used


def test_money_dates_and_rates_follow_the_locale_asked_for(labels: dict[str, str]) -> None:
    base = sample_invoice(tickets=1, vat_basis_points=1925, currency="EUR")
    line = replace(base.lines[0], price=Money(1200, "EUR"), discount=Money(600, "EUR"))
    invoice = replace(base, lines=(line,))
    english = _flat(_render(invoice, sample_tickets(invoice), labels, locale="en")[0])
    assert "Date 26 Nov 2026" in english and "Showtime Fri 27 Nov, 19:00 MSK" in english
    assert "C1 Adult €12.00 €6.00 €6.00" in english and "VAT 19.25% €0.97" in english
    russian = _flat(_render(invoice, sample_tickets(invoice), labels)[0])  # the invoice's own language
    assert "C1 Adult 12,00 € 6,00 € 6,00 €" in russian and "VAT 19,25 % 0,97 €" in russian


def test_a_ticket_page_shows_its_seat_showtime_and_booking(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    tickets = sample_tickets(invoice)
    pages = _render(invoice, tickets, labels)
    second = _flat(pages[2])
    assert "Сталкер" in second
    assert "Showtime пт 27 нояб., 19:00 MSK" in second
    assert "Hall Зал 2" in second and "Seat C2" in second and "Ticket type Child" in second
    assert "Booking 1042" in second
    assert tickets[1].secret not in second  # only in the QR code, not as readable text


def test_tickets_are_paired_with_their_seats_line(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=3)
    shuffled = list(reversed(sample_tickets(invoice)))  # C3, C2, C1
    pages = [_flat(page) for page in _render(invoice, shuffled, labels)[1:]]
    assert [page.split("Seat ")[1].split()[0] for page in pages] == ["C3", "C2", "C1"]


def test_a_ticket_for_a_seat_not_on_the_invoice_is_refused(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=2)
    stray = Ticket(invoice.booking_id, "Z9", "adult", "whatever")
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
    pages = _render(cancellation, sample_tickets(original), labels)
    assert len(pages) == 1
    text = _flat(pages[0])
    assert text.startswith("Cancellation invoice")
    assert "No. CB-2026-000043" in text
    assert "cancels No. CB-2026-000042" in text
    assert "C1 Adult -450,00 ₽ -50,00 ₽ -400,00 ₽" in text
    assert "Total -700,00 ₽" in text
    assert "VAT 20 % -116,67 ₽" in text and "Net -583,33 ₽" in text


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
    invoice = sample_invoice(tickets=1, promo_code="KINO10")
    pages = [_flat(page) for page in _pages(render_invoice(invoice, sample_tickets(invoice), shouted))]
    everything = " ".join(pages)
    for key in LABEL_KEYS:
        if key not in ("cancellation-title", "cancels"):
            assert f"<{key.upper()}>" in everything, key
    assert not any(word in everything for word in ("Invoice", "Ticket", "Total", "Seat"))
    assert "<TICKET-TYPE> adult" in everything  # a type without a name is shown by its code


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


LONG_TITLE = "Тот самый Мюнхгаузен: полная реставрированная версия в двух сериях с антрактом и прологом"
LONG_HALL = "Saal 1 · Palast (IMAX) mit Dolby Atmos, Liegesesseln und Bar im Foyer der Großen Galerie"


def test_long_titles_halls_and_seller_lines_reach_every_page_whole(labels: dict[str, str]) -> None:
    base = sample_invoice(tickets=2, movie=LONG_TITLE)
    seller = Party(
        "Lichtspieltheater am Prenzlauer Berg Betriebsgesellschaft mit beschränkter Haftung & Co. KG",
        "Schönhauser Allee 123, Hinterhaus, Aufgang C, 3. Obergeschoss\n10437 Berlin-Prenzlauer Berg",
        "DE123456789",
    )
    invoice = replace(base, seller=seller, lines=tuple(replace(line, hall=LONG_HALL) for line in base.lines))
    pages = [_flat(page) for page in _render(invoice, sample_tickets(invoice), labels)]
    assert "\u2026" not in " ".join(pages)  # nothing was cut
    assert f"Movie {LONG_TITLE} Showtime" in pages[0] and f"Hall {LONG_HALL} Seat" in pages[0]
    assert seller.name in pages[0] and _flat(seller.address) in pages[0] and "VAT ID DE123456789" in pages[0]
    for ticket_page in pages[1:]:
        assert ticket_page.startswith(f"Ticket {LONG_TITLE} Showtime") and f"Hall {LONG_HALL} Seat" in ticket_page


def test_a_word_wider_than_its_column_is_broken_not_cut(labels: dict[str, str]) -> None:
    hall = "Großer-Kinosaal-im-Erdgeschoss-links-neben-der-Garderobe-und-dem-Kassenbereich"
    base = sample_invoice(tickets=1)
    invoice = replace(base, lines=(replace(base.lines[0], hall=hall),))
    pages = _render(invoice, sample_tickets(invoice), labels)
    # Broken over lines (pypdf reads each as its own), but every character is there.
    assert all(hall in "".join(page.split()) for page in pages)


def test_the_promo_code_is_named_beside_the_discount(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=1, promo_code="KINO10")
    text = _flat(_render(invoice, sample_tickets(invoice), labels)[0])
    assert "Promo code KINO10 Discount 50,00 ₽" in text


def test_large_amounts_are_shown_whole(labels: dict[str, str]) -> None:
    base = sample_invoice(tickets=1)
    # Far beyond a ticket's price: the columns shrink the figures rather than cut them.
    line = replace(base.lines[0], price=Money(-123456789, "RUB"), discount=Money(-123456700, "RUB"))
    invoice = replace(base, lines=(line,))
    text = _flat(_render(invoice, [], labels)[0])
    assert "-1 234 567,89 ₽ -1 234 567,00 ₽ -0,89 ₽" in text


def test_a_long_booking_continues_its_table_on_the_next_page(labels: dict[str, str]) -> None:
    invoice = sample_invoice(tickets=45)
    pages = _render(invoice, sample_tickets(invoice), labels)
    assert len(pages) == 2 + 45
    invoice_text = pages[0] + pages[1]
    assert all(f"C{n} " in invoice_text for n in range(1, 46))
    assert _flat(pages[1]).startswith("Seat Ticket type Price Discount Total")  # the header again
    # 23 adults at 450 + 22 children at 300 - 50 discount
    assert "Total 16 900,00 ₽" in _flat(pages[1]) and "16 900,00" not in _flat(pages[0])
    assert pages[2].startswith("Ticket")
