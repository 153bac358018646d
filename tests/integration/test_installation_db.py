"""The rows of one on SQLite and Postgres: the installation key (the prefix of
idempotency keys) is made once however many processes ask together; the cinema
row is where the zone and currency live; refund and dispute events find their
payment by its references."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from domain.catalog import CinemaInfo
from domain.money import Money
from domain.payments import Payment, PaymentProvider, PaymentStatus
from domain.customer import Customer
from domain.services.checkout import CheckoutService
from domain.services.deps import Deps
from domain.services.seats import SeatService
from infrastructure.holds.memory import MemoryHoldStore
from tests.fakes import FakeClock
from tests.integration.seed import NOW, seed_cinema

AT = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


async def test_the_installation_key_is_made_once(uow_factory):
    async def ask(proposed: str) -> str:
        async with uow_factory() as uow:
            key = await uow.installation.key(proposed, AT)
            await uow.commit()
            return key

    keys = await asyncio.gather(*(ask(f"key{i}") for i in range(8)))
    assert len(set(keys)) == 1 and keys[0].startswith("key")
    assert await ask("another") == keys[0]


async def test_the_cinema_row(uow_factory):
    async with uow_factory() as uow:
        assert await uow.cinema.get() is None
        await uow.cinema.put(CinemaInfo("Kino", "Str. 1", "Europe/Berlin", "EUR"), AT)
        await uow.cinema.put(CinemaInfo("Kino am Markt", "Str. 1", "Europe/Berlin", "EUR"), AT)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.cinema.get() == CinemaInfo("Kino am Markt", "Str. 1", "Europe/Berlin", "EUR")


async def test_payments_by_paid_and_refund_reference(uow_factory):
    cinema = await seed_cinema(uow_factory)
    clock = FakeClock(NOW)
    deps = Deps(uow_factory, MemoryHoldStore(clock=lambda: clock.now().timestamp()), clock)
    await SeatService(deps).hold(cinema.show.id, ["C-1"], "o")
    booking = await CheckoutService(deps).checkout(cinema.show.id, "o", Customer(7, "Ann"))
    payment = Payment(None, booking.id, PaymentProvider.STRIPE, "cs_1", PaymentStatus.REFUND_PENDING,
                      Money(1200, "EUR"), "https://pay", AT, AT, paid_ref="pi_1", refund_ref="re_1",
                      problem="paid 1.00 EUR, due 12.00 EUR: refunded in full")
    async with uow_factory() as uow:
        await uow.payments.add(payment)
        await uow.commit()
    async with uow_factory() as uow:
        by_paid = await uow.payments.get_by_paid_ref(PaymentProvider.STRIPE, "pi_1")
        by_refund = await uow.payments.get_by_refund_ref(PaymentProvider.STRIPE, "re_1")
        assert by_paid == by_refund and by_paid.problem.startswith("paid 1.00 EUR")
        assert await uow.payments.get_by_paid_ref(PaymentProvider.PAYPAL, "pi_1") is None
