"""The PDF a customer receives speaks their language throughout: the worker's
LabelledRenderer with the bot's own Fluent files, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from bot.worker import LabelledRenderer
from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party, Ticket, cancellation_of
from domain.money import Money
from infrastructure.i18n import Translator
from infrastructure.i18n.ticket_types import ticket_type_name

ISSUED = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
SHOW = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)  # 18:30 in Berlin (CET)
HALL = "Saal 1 · Palast (IMAX) mit Dolby Atmos und Liegesesseln in den ersten drei Reihen"
TITLE = "Дюна: Часть вторая — расширенная режиссёрская версия с прологом и антрактом"
SELLER = Party("Kino Lichtspiele GmbH", "Friedrichstraße 101, Hinterhaus\n10117 Berlin", "DE123456789")


def invoice(language: str, promo_code: str | None = "KINO50") -> Invoice:
    seats = (("E-5", "adult", 1200, 600), ("E-6", "student", 1000, 500), ("E-7", "vip-guest", 1200, 0))
    return Invoice(
        id=3, kind=InvoiceKind.INVOICE, series="CB-2026", seq=3, booking_id=77, issued_at=ISSUED,
        seller=SELLER, buyer=Party("Анна Смирнова"), currency="EUR", vat_basis_points=700,
        lines=tuple(
            InvoiceLine(TITLE, SHOW, HALL, seat, kind, Money(price, "EUR"), Money(off, "EUR"))
            for seat, kind, price, off in seats
        ),
        timezone="Europe/Berlin", language=language, promo_code=promo_code,
    )


def tickets(of: Invoice) -> list[Ticket]:
    return [Ticket(of.booking_id, line.seat, line.ticket_type, f"secret-{line.seat}-0123456789") for line in of.lines]


def text_of(pdf: bytes) -> list[str]:
    # No-break spaces ("6,00 €") and line breaks read as single spaces.
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def renderer() -> LabelledRenderer:
    return LabelledRenderer(Translator())


def test_a_russian_customers_invoice_and_tickets_are_russian_everywhere(renderer: LabelledRenderer) -> None:
    sold = invoice("ru")
    first, *ticket_pages = text_of(renderer.render(sold, tickets(sold)))
    assert first.startswith("Счёт") and "Дата 2 дек. 2026" in first
    assert "чт 3 дек., 18:30 CET" in first  # the show time in the cinema's zone, named
    assert "E5 Взрослый 12,00 € 6,00 € 6,00 €" in first
    assert "E6 Студенческий 10,00 € 5,00 € 5,00 €" in first
    assert "E7 vip-guest 12,00 € 0,00 € 12,00 €" in first  # a type without a translation: its code
    assert f"{TITLE} " in first and f"{HALL} " in first  # whole, not "Saal 1 ·…"
    assert "Friedrichstraße 101, Hinterhaus 10117 Berlin" in first and "DE123456789" in first
    assert "Промокод KINO50" in first
    assert "НДС 7 %" in first and "23,00 €" in first
    assert "adult" not in first and "student" not in first and "€6.00" not in first
    assert len(ticket_pages) == 3
    assert all(TITLE in page and HALL in page and "чт 3 дек., 18:30 CET" in page for page in ticket_pages)
    assert "Взрослый" in ticket_pages[0] and "Студенческий" in ticket_pages[1]


def test_an_english_customer_gets_english_money_and_dates(renderer: LabelledRenderer) -> None:
    sold = invoice("en", promo_code=None)
    first = text_of(renderer.render(sold, []))[0]
    assert "E5 Adult €12.00 €6.00 €6.00" in first and "Thu 3 Dec, 18:30 CET" in first
    assert "Promo code" not in first


def test_a_language_without_translations_falls_back_to_the_default_whole(renderer: LabelledRenderer) -> None:
    sold = invoice("xx")
    first = text_of(renderer.render(sold, []))[0]
    assert first.startswith("Invoice") and "€6.00" in first and "Adult" in first


def test_a_cancellation_names_the_promo_code_of_its_original(renderer: LabelledRenderer) -> None:
    original = invoice("ru")
    cancelled = cancellation_of(original, 4, "CB-2026", ISSUED)
    page = text_of(renderer.render(cancelled, tickets(original)))
    assert len(page) == 1 and "Промокод KINO50" in page[0] and "-6,00 €" in page[0]


def test_ticket_type_names_come_from_the_chats_messages() -> None:
    translator = Translator()
    assert ticket_type_name(translator, "ru", "adult") == translator.get("ru", "ticket-adult") == "Взрослый"
    assert ticket_type_name(translator, "ru", "loge") == "loge"
