"""Payments and provider events on SQLite and Postgres: links, duplicate and
concurrent deliveries, late payments refunded exactly once."""

from __future__ import annotations

import asyncio

from domain.booking import BookingStatus
from domain.customer import Customer
from domain.payments import PaymentProvider, PaymentStatus
from domain.services.bookings import BookingService
from domain.services.checkout import CheckoutService
from domain.services.deps import Deps
from domain.services.payments import PaymentService, ReturnLinks, SettleOutcome
from domain.services.seats import SeatService
from infrastructure.holds.memory import MemoryHoldStore
from tests.fakes import FakeClock, FakeGateway
from tests.integration.seed import NOW, seed_cinema

STRIPE = PaymentProvider.STRIPE
LINKS = ReturnLinks(lambda b: f"https://t.me/x?start=paid_{b}", lambda b: f"https://t.me/x?start=unpaid_{b}")


async def _setup(uow_factory):
    cinema = await seed_cinema(uow_factory)
    clock = FakeClock(NOW)
    deps = Deps(uow_factory, MemoryHoldStore(clock=lambda: clock.now().timestamp()), clock)
    gateway = FakeGateway(STRIPE)
    return cinema, clock, deps, gateway, PaymentService(deps, {STRIPE: gateway}, LINKS)


async def _book(deps, cinema, seats, customer_id):
    owner = f"c{customer_id}"
    await SeatService(deps).hold(cinema.show.id, seats, owner)
    return await CheckoutService(deps).checkout(cinema.show.id, owner, Customer(customer_id, "c"))


async def test_concurrent_duplicate_deliveries_pay_once(uow_factory):
    cinema, _, deps, gateway, service = await _setup(uow_factory)
    booking = await _book(deps, cinema, ["B-1", "B-2"], 1)
    payment = await service.start(booking.id, 1, STRIPE)
    assert (await service.start(booking.id, 1, STRIPE)).id == payment.id
    gateway.pay(payment.provider_ref)
    results = await asyncio.gather(
        *(service.handle_event(STRIPE, "evt_1", "checkout.session.completed", payment.provider_ref) for _ in range(5))
    )
    outcomes = sorted(r.outcome for r in results)
    # Exactly one delivery pays; the others are duplicates or find it paid already.
    assert outcomes.count(SettleOutcome.PAID) == 1
    assert set(outcomes) <= {SettleOutcome.PAID, SettleOutcome.ALREADY_PAID, SettleOutcome.DUPLICATE}
    assert await service.handle_event(STRIPE, "evt_1", "x", payment.provider_ref) == results[0].__class__(
        SettleOutcome.DUPLICATE
    )
    async with uow_factory() as uow:
        stored = await uow.bookings.get(booking.id)
        [record] = await uow.payments.for_booking(booking.id)
        assert await uow.provider_events.processed(STRIPE, "evt_1")
    assert stored.status is BookingStatus.PAID and stored.payment_ref == f"pi-{payment.provider_ref}"
    assert record.status is PaymentStatus.PAID and gateway.refunds == {}


async def test_late_payment_for_resold_seats_is_refunded_once(uow_factory):
    cinema, clock, deps, gateway, service = await _setup(uow_factory)
    booking = await _book(deps, cinema, ["C-1"], 1)
    payment = await service.start(booking.id, 1, STRIPE)
    clock.advance(minutes=16)
    lapsed = await BookingService(deps).expire_overdue()
    await _book(deps, cinema, ["C-1"], 2)
    gateway.pay(payment.provider_ref)
    first = await service.handle_event(STRIPE, "evt_a", "checkout.session.completed", payment.provider_ref)
    second = await service.handle_event(STRIPE, "evt_b", "payment_intent.succeeded", payment.provider_ref)
    assert lapsed == [booking.id]
    # The second event finds it settled for good: no second refund, no second notice.
    assert (first.outcome, second.outcome) == (SettleOutcome.REFUNDED, SettleOutcome.UNCHANGED)
    assert len(gateway.refunds) == 1
    async with uow_factory() as uow:
        assert (await uow.bookings.get(booking.id)).status is BookingStatus.REFUNDED
        [record] = await uow.payments.for_booking(booking.id)
        assert record.status is PaymentStatus.REFUNDED and record.refund_ref == "re-1"
        assert (await uow.bookings.sold_seats(cinema.show.id)) == {"C-1": 2}
