"""What the customer is handed carries the movie's title in their language: the
invoice (a snapshot never edited afterwards) and the pay page's lines."""

from __future__ import annotations

from domain.payments import PaymentProvider
from domain.services.invoices import InvoiceService
from domain.services.payments import PaymentService, ReturnLinks
from tests.fakes import FakeGateway
from tests.unit.world import ANN, BOB, World


async def _booking(w: World, who, seat: str):
    w.store.movies[w.movie.id].titles = {"ru": "Дюна"}
    owner = f"tg{who.telegram_id}"
    await w.seats.hold(w.show.id, [seat], owner)
    return await w.checkout.checkout(w.show.id, owner, who)


async def test_the_invoice_keeps_the_title_in_the_customers_language(w: World) -> None:
    titles = {}
    for who, seat in ((BOB, "A-1"), (ANN, "A-2")):
        booking = await _booking(w, who, seat)
        await w.bookings.confirm_payment(booking.id, "stripe", f"pi_{seat}", booking.total.amount, "EUR")
        invoice = await InvoiceService(w.deps).issue(booking.id)
        titles[who.language] = {line.movie for line in invoice.lines}
    assert titles == {"ru": {"Дюна"}, "en": {"Dune"}}  # no English title: the default


async def test_the_pay_page_names_the_movie_in_the_customers_language(w: World) -> None:
    gateway = FakeGateway(PaymentProvider.STRIPE)
    links = ReturnLinks(lambda b: f"https://t.me/bot?start=paid_{b}", lambda b: f"https://t.me/bot?start=unpaid_{b}")
    service = PaymentService(w.deps, {PaymentProvider.STRIPE: gateway}, links)
    booking = await _booking(w, BOB, "A-1")
    payment = await service.start(booking.id, BOB.telegram_id, PaymentProvider.STRIPE)
    request = gateway.checkouts[payment.provider_ref]["request"]
    assert request.description.startswith("Дюна") and all(line.name.startswith("Дюна") for line in request.lines)
