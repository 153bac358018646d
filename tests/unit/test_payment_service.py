"""Paying bookings over fakes: links, provider events settled by asking again,
late payments, refunds, outages."""

from __future__ import annotations

import pytest

from domain.booking import BookingStatus
from domain.errors import NotFound, PaymentNotPossible, PaymentProviderDown
from domain.payments import PaymentProvider, PaymentStatus
from domain.services.payments import PaymentService, ReturnLinks, SettleOutcome
from tests.fakes import FakeGateway
from tests.unit.world import ANN, BOB, World

STRIPE, PAYPAL = PaymentProvider.STRIPE, PaymentProvider.PAYPAL


@pytest.fixture
def pay(w: World):
    gateways = {STRIPE: FakeGateway(STRIPE), PAYPAL: FakeGateway(PAYPAL)}
    links = ReturnLinks(lambda b: f"https://t.me/bot?start=paid_{b}", lambda b: f"https://t.me/bot?start=unpaid_{b}")
    return PaymentService(w.deps, gateways, links), gateways


async def _booking(w: World, seats=("A-1", "A-2"), who=ANN, owner="ann"):
    await w.seats.hold(w.show.id, list(seats), owner)
    return await w.checkout.checkout(w.show.id, owner, who)


async def test_a_link_once_and_the_same_link_again(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    first = await service.start(booking.id, ANN.telegram_id, STRIPE)
    again = await service.start(booking.id, ANN.telegram_id, STRIPE)
    assert first.provider_ref == again.provider_ref and first.url.startswith("https://pay.invalid/")
    request = gateways[STRIPE].checkouts[first.provider_ref]["request"]
    assert request.total == booking.total and request.expires_at == booking.expires_at
    assert sum(line.amount.amount for line in request.lines) == booking.total.amount
    with pytest.raises(NotFound):
        await service.start(booking.id, BOB.telegram_id, STRIPE)


async def test_provider_down_at_checkout_leaves_nothing_behind(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    gateways[STRIPE].down = True
    with pytest.raises(PaymentProviderDown):
        await service.start(booking.id, ANN.telegram_id, STRIPE)
    assert w.store.payments == {}
    # The booking still lapses at the end of its window: no seat is held forever.
    w.clock.advance(minutes=16)
    assert await w.bookings.expire_overdue() == [booking.id]


async def test_paid_once_whatever_the_number_of_deliveries(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    # An event before the payment: asking again shows nothing to do yet.
    early = await service.handle_event(STRIPE, "evt_0", "checkout.session.expired", payment.provider_ref)
    assert early.outcome is SettleOutcome.PENDING
    gateways[STRIPE].pay(payment.provider_ref)
    results = [
        await service.handle_event(STRIPE, "evt_1", "checkout.session.completed", payment.provider_ref)
        for _ in range(5)
    ]
    assert [r.outcome for r in results] == [SettleOutcome.PAID] + [SettleOutcome.DUPLICATE] * 4
    assert results[0].customer_id == ANN.telegram_id
    # Another event id about the same payment (out of order, or a second type).
    other = await service.handle_event(STRIPE, "evt_2", "payment_intent.succeeded", payment.provider_ref)
    assert other.outcome is SettleOutcome.ALREADY_PAID  # no second "payment received"
    stored = w.store.bookings[booking.id]
    assert stored.status is BookingStatus.PAID and stored.payment_ref == f"pi-{payment.provider_ref}"
    assert w.store.payments[payment.id].status is PaymentStatus.PAID
    assert gateways[STRIPE].refunds == {}


async def test_unknown_or_forged_references_change_nothing(w, pay):
    service, _ = pay
    result = await service.handle_event(STRIPE, "evt_x", "checkout.session.completed", "cs_not_ours")
    assert result.outcome is SettleOutcome.IGNORED and w.store.bookings == {}


async def test_paypal_approval_is_captured_then_paid(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, PAYPAL)
    gateways[PAYPAL].approve(payment.provider_ref)
    result = await service.settle(PAYPAL, payment.provider_ref)
    assert result.outcome is SettleOutcome.PAID
    assert w.store.bookings[booking.id].payment_ref == f"cap-{payment.provider_ref}"


async def test_paid_after_expiry_seats_free_is_confirmed(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    w.clock.advance(minutes=16)
    expired = await w.bookings.expire_overdue()
    gateways[STRIPE].pay(payment.provider_ref)  # "pay late" on the provider's page
    result = await service.handle_event(STRIPE, "evt_late", "checkout.session.completed", payment.provider_ref)
    assert expired == [booking.id] and result.outcome is SettleOutcome.LATE_PAID
    assert w.store.bookings[booking.id].status is BookingStatus.PAID


async def test_paid_after_expiry_seats_taken_is_refunded(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    w.clock.advance(minutes=16)
    await w.bookings.expire_overdue()
    await _booking(w, ("A-2",), BOB, "bob")
    gateways[STRIPE].pay(payment.provider_ref)
    result = await service.handle_event(STRIPE, "evt_late", "checkout.session.completed", payment.provider_ref)
    again = await service.settle(STRIPE, payment.provider_ref)
    # Asked again: settled for good, nothing more happens and nobody is told twice.
    assert result.outcome is SettleOutcome.REFUNDED and again.outcome is SettleOutcome.UNCHANGED
    assert len(gateways[STRIPE].refunds) == 1  # refunded once, whatever is asked again
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED
    assert w.store.payments[payment.id].status is PaymentStatus.REFUNDED


async def test_cancel_within_policy_refunds_through_the_provider(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay(payment.provider_ref)
    await service.settle(STRIPE, payment.provider_ref)
    cancelled = await w.bookings.cancel(booking.id, ANN.telegram_id)
    assert cancelled.refund_due
    assert (await service.refund_booking(booking.id)).refunded == 1
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED
    with pytest.raises(PaymentNotPossible):
        await service.start(booking.id, ANN.telegram_id, STRIPE)


async def test_lapsed_bookings_expire_their_links(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    w.clock.advance(minutes=16)
    lapsed = await w.bookings.expire_overdue()
    assert await service.expire_links(lapsed) == 1
    assert gateways[STRIPE].expired == [payment.provider_ref]
    assert w.store.payments[payment.id].status is PaymentStatus.EXPIRED
    result = await service.settle(STRIPE, payment.provider_ref)
    assert result.outcome is SettleOutcome.EXPIRED


async def test_reconcile_settles_what_webhooks_missed_and_twice_changes_nothing(w, pay):
    service, gateways = pay
    lost_webhook = await _booking(w, ("A-1",))
    lapsed = await _booking(w, ("A-2",), BOB, "bob")
    cancelled = await _booking(w, ("A-3",), ANN, "ann2")
    p1 = await service.start(lost_webhook.id, ANN.telegram_id, STRIPE)
    p2 = await service.start(lapsed.id, BOB.telegram_id, STRIPE)
    p3 = await service.start(cancelled.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay(p1.provider_ref)  # paid, but the webhook never came
    gateways[STRIPE].pay(p3.provider_ref)
    await service.settle(STRIPE, p3.provider_ref)
    await w.bookings.cancel(cancelled.id, ANN.telegram_id)  # refund owed, never made
    w.clock.advance(minutes=16)  # lapsed's window closes unpaid
    first = await service.reconcile()
    # Both unpaid-looking bookings lapse and their links are closed; asking the
    # provider then shows the lost payment, honoured as a late payment.
    assert (first.bookings_expired, first.links_expired, first.confirmed, first.refunded) == (2, 2, 1, 1)
    assert w.store.bookings[lost_webhook.id].status is BookingStatus.PAID
    assert w.store.bookings[lapsed.id].status is BookingStatus.EXPIRED
    assert w.store.bookings[cancelled.id].status is BookingStatus.REFUNDED
    assert gateways[STRIPE].expired == [p2.provider_ref]
    second = await service.reconcile()
    assert (second.bookings_expired, second.links_expired, second.confirmed, second.refunded) == (0, 0, 0, 0)
    assert len(gateways[STRIPE].refunds) == 1


async def test_a_late_paypal_approval_for_resold_seats_is_not_captured(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, PAYPAL)
    w.clock.advance(minutes=16)
    await w.bookings.expire_overdue()
    await _booking(w, ("A-1",), BOB, "bob")
    gateways[PAYPAL].approve(payment.provider_ref)
    result = await service.settle(PAYPAL, payment.provider_ref)
    assert result.outcome is SettleOutcome.EXPIRED
    assert gateways[PAYPAL].checkouts[payment.provider_ref]["paid_ref"] is None  # never captured
    assert gateways[PAYPAL].refunds == {} and w.store.bookings[booking.id].status is BookingStatus.EXPIRED


async def test_a_late_paypal_approval_with_free_seats_is_captured(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, PAYPAL)
    w.clock.advance(minutes=16)
    await w.bookings.expire_overdue()
    gateways[PAYPAL].approve(payment.provider_ref)
    result = await service.settle(PAYPAL, payment.provider_ref)
    assert result.outcome is SettleOutcome.LATE_PAID
    assert w.store.bookings[booking.id].status is BookingStatus.PAID
