"""The pay pages speak the customer's language: PaymentService with the bot's
translated texts, the real Stripe and PayPal adapters, and the playground's
sandboxes over HTTP. A Russian customer's Checkout Session and PayPal order carry
Russian line names, the locale, and the booking's deadline with the cinema's zone;
the sandboxes' pages show them as the providers would."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import stripe

from domain.customer import Customer
from domain.payments import PaymentProvider
from domain.services.checkout import CheckoutService
from domain.services.deps import BookingPolicy, Deps
from domain.services.payments import PaymentService, ReturnLinks
from domain.services.seats import SeatService
from infrastructure.holds.memory import MemoryHoldStore
from infrastructure.i18n import Translator
from infrastructure.i18n.checkout_texts import TranslatedCheckoutTexts
from infrastructure.payments.paypal_gateway import PayPalGateway
from infrastructure.payments.stripe_gateway import StripeGateway
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.fakes import FakeClock
from tests.integration.seed import seed_cinema, tomorrow

STRIPE, PAYPAL = PaymentProvider.STRIPE, PaymentProvider.PAYPAL
KEY = "sk_test_cinebooker"
ZONE = "Europe/Berlin"
LINKS = ReturnLinks(lambda b: f"https://t.me/x?start=paid_{b}", lambda b: f"https://t.me/x?start=unpaid_{b}")
TITLE = "Дюна: Часть вторая"  # the seed's title


@pytest.fixture
async def world(uow_factory):
    # The sandboxes check expiry against the wall clock, so the booking is made now.
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    deps = Deps(uow_factory, MemoryHoldStore(clock=lambda: clock.now().timestamp()), clock,
                BookingPolicy(timezone=ZONE))
    cinema = await seed_cinema(uow_factory, starts_at=tomorrow())
    async with serve(create_payments_app()) as url, PaymentsClient(url) as control:
        gateways = {
            STRIPE: StripeGateway(KEY, url),
            PAYPAL: PayPalGateway("client-id", "client-secret", url, "WH-1", backoff=0.01),
        }
        service = PaymentService(deps, gateways, LINKS, TranslatedCheckoutTexts(Translator()))
        http = stripe.AIOHTTPClient()
        sdk = stripe.StripeClient(KEY, base_addresses={"api": url}, http_client=http, max_network_retries=0)
        yield {"deps": deps, "cinema": cinema, "service": service, "control": control, "sdk": sdk}
        await http.close_async()
        for gateway in gateways.values():
            await gateway.close()


async def _book(world, customer: Customer):
    deps, show = world["deps"], world["cinema"].show
    owner = f"c{customer.telegram_id}"
    await SeatService(deps).hold(show.id, ["E-5", "E-6"], owner)
    return await CheckoutService(deps).checkout(show.id, owner, customer, ticket_types={"E-6": "student"})


def _deadline(booking) -> str:
    """The booking's deadline as a Berliner's clock shows it, zone named ("13:15 CET")."""
    return booking.expires_at.astimezone(ZoneInfo(ZONE)).strftime("%H:%M %Z")


async def test_a_russian_customers_checkout_session_speaks_russian_and_names_the_deadline(world):
    booking = await _book(world, Customer(7, "Анна", "ru"))
    payment = await world["service"].start(booking.id, 7, STRIPE)
    [session] = await world["control"].stripe_sessions()
    assert session["id"] == payment.provider_ref and session["locale"] == "ru"
    assert session["custom_text"]["submit"] == {"message": f"Оплатите до {_deadline(booking)}"}
    items = await world["sdk"].v1.checkout.sessions.line_items.list_async(payment.provider_ref)
    assert [item.description for item in items.data] == [
        f"{TITLE} — E-5 (Взрослый)", f"{TITLE} — E-6 (Студенческий)",
    ]

    page = await world["control"].stripe_page(payment.provider_ref)
    assert '<html lang="ru">' in page and ">Оплатить<" in page and ">Итого<" in page
    assert f"Оплатите до {_deadline(booking)}" in page
    assert "12,00\xa0€" in page and "22,00\xa0€" in page  # 12 + 10 (a student pays 2 less)
    assert "UTC" not in page  # the session's own expiry (31 minutes later, in UTC) is not shown


async def test_a_russian_customers_paypal_order_speaks_russian_and_names_the_deadline(world):
    booking = await _book(world, Customer(8, "Борис", "ru"))
    payment = await world["service"].start(booking.id, 8, PAYPAL)
    [order] = await world["control"].paypal_orders()
    unit = order["purchase_units"][0]
    assert [item["name"] for item in unit["items"]] == [f"{TITLE} — E-5 (Взрослый)", f"{TITLE} — E-6 (Студенческий)"]
    assert unit["description"] == f"Оплатите до {_deadline(booking)} · {TITLE}, бронь №{booking.id}"

    page = await world["control"].paypal_page(payment.provider_ref)
    assert '<html lang="ru">' in page and ">Подтвердить<" in page and ">Итого<" in page
    assert f"Оплатите до {_deadline(booking)}" in page and f"{TITLE} — E-6 (Студенческий) × 1" in page
    assert "10,00\xa0€" in page and "22,00\xa0€" in page


async def test_an_english_customer_gets_english_pages(world):
    booking = await _book(world, Customer(9, "Ann", "en"))
    stripe_payment = await world["service"].start(booking.id, 9, STRIPE)
    [session] = await world["control"].stripe_sessions()
    assert session["locale"] == "en" and session["custom_text"]["submit"]["message"] == f"Pay by {_deadline(booking)}"
    page = await world["control"].stripe_page(stripe_payment.provider_ref)
    assert f"{TITLE} — E-5 (Adult) × 1" in page and "€22.00" in page and ">Pay<" in page
    await world["service"].start(booking.id, 9, PAYPAL)
    [order] = await world["control"].paypal_orders()
    assert order["purchase_units"][0]["items"][1]["name"] == f"{TITLE} — E-6 (Student)"
