"""Money that does not match, refunds that stay pending or fail, refunds made in a
dashboard, disputes, delayed methods, free bookings, idempotency keys and a
reconcile that carries on past a bad payment; over fakes."""

from __future__ import annotations

import pytest

from domain.booking import BookingStatus
from domain.errors import PaymentNotPossible, ProviderRefused
from domain.money import Money
from domain.payments import PaymentProvider, PaymentStatus, ProviderStatus, Refusal, RefundStatus
from domain.promo import PromoCode, PromoKind
from domain.services.payments import PaymentService, ReturnLinks, SettleOutcome
from domain.services.invoices import InvoiceService
from infrastructure.pdf import render_invoice
from tests.fakes import FakeGateway, FakeUnitOfWork, Store
from tests.unit.test_pdf_invoice import english_labels
from tests.unit.world import ANN, BOB, World

STRIPE, PAYPAL = PaymentProvider.STRIPE, PaymentProvider.PAYPAL
LINKS = ReturnLinks(lambda b: f"https://t.me/bot?start=paid_{b}", lambda b: f"https://t.me/bot?start=unpaid_{b}")


@pytest.fixture
def pay(w: World):
    gateways = {STRIPE: FakeGateway(STRIPE), PAYPAL: FakeGateway(PAYPAL)}
    return PaymentService(w.deps, gateways, LINKS), gateways


async def _booking(w: World, seats=("A-1", "A-2"), who=ANN, owner="ann", promo=None):
    await w.seats.hold(w.show.id, list(seats), owner)
    return await w.checkout.checkout(w.show.id, owner, who, promo_code=promo)


async def _paid(w, service, gateways, provider=STRIPE):
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, provider)
    gateways[provider].pay(payment.provider_ref)
    await service.settle(provider, payment.provider_ref)
    return booking, payment


async def test_a_stripe_payment_of_another_amount_is_refunded_once_and_the_booking_not_confirmed(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay(payment.provider_ref, Money(100, "EUR"))
    result = await service.handle_event(STRIPE, "evt_1", "checkout.session.completed", payment.provider_ref)
    assert result.outcome is SettleOutcome.MISMATCH_REFUNDED and result.customer_id == ANN.telegram_id
    assert (result.paid, result.due) == (Money(100, "EUR"), booking.total)
    assert w.store.bookings[booking.id].status is BookingStatus.AWAITING_PAYMENT  # not confirmed
    stored = w.store.payments[payment.id]
    assert stored.status is PaymentStatus.REFUNDED and "due 24.00 EUR" in stored.problem
    assert w.store.event_outcomes[(STRIPE, "evt_1")] == "mismatch_refunded"  # the event is recorded
    # Another event, a reconcile: nothing more is refunded, nobody is told twice.
    again = await service.handle_event(STRIPE, "evt_2", "checkout.session.async_payment_succeeded", payment.provider_ref)
    report = await service.reconcile()
    assert again.outcome is SettleOutcome.UNCHANGED and report.failures == []
    assert len(gateways[STRIPE].refunds) == 1


async def test_a_payment_in_another_currency_or_of_unknown_amount_is_not_kept(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay(payment.provider_ref, Money(2400, "USD"))  # the same digits, not the same money
    result = await service.settle(STRIPE, payment.provider_ref)
    assert result.outcome is SettleOutcome.MISMATCH_REFUNDED
    other = await _booking(w, ("A-3",), BOB, "bob")
    second = await service.start(other.id, BOB.telegram_id, STRIPE)
    gateways[STRIPE].pay(second.provider_ref)
    gateways[STRIPE].checkouts[second.provider_ref]["amount"] = None
    assert (await service.settle(STRIPE, second.provider_ref)).outcome is SettleOutcome.MISMATCH_REFUNDED


async def test_a_paypal_order_approved_for_another_amount_is_never_captured(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, PAYPAL)
    gateways[PAYPAL].approve(payment.provider_ref, Money(1, "EUR"))
    result = await service.settle(PAYPAL, payment.provider_ref)
    assert result.outcome is SettleOutcome.MISMATCH_REFUSED and result.paid == Money(1, "EUR")
    assert gateways[PAYPAL].checkouts[payment.provider_ref]["paid_ref"] is None  # not captured
    assert w.store.payments[payment.id].status is PaymentStatus.REFUSED
    assert w.store.bookings[booking.id].status is BookingStatus.AWAITING_PAYMENT
    # The customer can pay again: a fresh link, not the refused one.
    fresh = await service.start(booking.id, ANN.telegram_id, PAYPAL)
    assert fresh.provider_ref != payment.provider_ref
    assert (await service.settle(PAYPAL, payment.provider_ref)).outcome is SettleOutcome.UNCHANGED


async def test_a_delayed_method_is_processing_then_paid(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay_later(payment.provider_ref)
    first = await service.settle(STRIPE, payment.provider_ref)
    assert first.outcome is SettleOutcome.PROCESSING and first.customer_id == ANN.telegram_id
    assert (await service.settle(STRIPE, payment.provider_ref)).outcome is SettleOutcome.PENDING  # told once
    assert w.store.payments[payment.id].status is PaymentStatus.PROCESSING
    # No second link while a bank settles one: it could charge twice.
    with pytest.raises(PaymentNotPossible):
        await service.start(booking.id, ANN.telegram_id, PAYPAL)
    gateways[STRIPE].pay(payment.provider_ref)
    assert (await service.settle(STRIPE, payment.provider_ref)).outcome is SettleOutcome.PAID
    assert w.store.bookings[booking.id].status is BookingStatus.PAID


async def test_a_delayed_method_that_fails_is_told_and_the_booking_can_be_paid_again(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay_later(payment.provider_ref)
    await service.settle(STRIPE, payment.provider_ref)
    gateways[STRIPE].checkouts[payment.provider_ref]["status"] = ProviderStatus.FAILED
    failed = await service.settle(STRIPE, payment.provider_ref)
    assert failed.outcome is SettleOutcome.FAILED and failed.customer_id == ANN.telegram_id
    assert w.store.payments[payment.id].status is PaymentStatus.EXPIRED
    assert (await service.settle(STRIPE, payment.provider_ref)).outcome is SettleOutcome.EXPIRED  # told once
    again = await service.start(booking.id, ANN.telegram_id, STRIPE)
    assert again.provider_ref != payment.provider_ref


async def test_a_pending_refund_settles_later_and_a_failed_one_is_flagged_then_retried(w, pay):
    service, gateways = pay
    booking, payment = await _paid(w, service, gateways)
    gateways[STRIPE].refund_mode = RefundStatus.PENDING
    await w.bookings.cancel(booking.id, ANN.telegram_id)
    report = await service.refund_booking(booking.id)
    assert report.refunded == 1 and not report.needs_staff
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED
    stored = w.store.payments[payment.id]
    assert stored.status is PaymentStatus.REFUND_PENDING and stored.refund_ref == "re-1"
    # The provider gives up on it (a closed card): the customer is told, staff see it.
    gateways[STRIPE].settle_refund("re-1", RefundStatus.FAILED)
    failed = await service.handle_event(STRIPE, "evt_r", "refund.failed", "re-1", "refund")
    assert failed.outcome is SettleOutcome.REFUND_FAILED and failed.customer_id == ANN.telegram_id
    assert w.store.payments[payment.id].status is PaymentStatus.REFUND_FAILED
    assert "lost_or_stolen_card" in w.store.payments[payment.id].problem
    # Reconcile tries again under a new key (the old one would replay the failure).
    gateways[STRIPE].refund_mode = RefundStatus.SUCCEEDED
    again = await service.reconcile()
    assert again.refunded == 1 and again.failures == []
    assert len(gateways[STRIPE].refunds) == 2 and w.store.payments[payment.id].status is PaymentStatus.REFUNDED


async def test_a_refund_made_in_the_dashboard_counts_as_refunded(w, pay):
    service, gateways = pay
    booking, payment = await _paid(w, service, gateways)
    gateways[STRIPE].dashboard_refund(w.store.payments[payment.id].paid_ref)
    await w.bookings.cancel(booking.id, ANN.telegram_id)
    report = await service.refund_booking(booking.id)
    assert report.refunded == 1 and not report.needs_staff
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED
    stored = w.store.payments[payment.id]
    assert stored.status is PaymentStatus.REFUNDED and "outside CineBooker" in stored.problem
    assert (await service.reconcile()).failures == []


async def test_a_refusal_that_says_refunded_already_counts_as_refunded(w, pay):
    """PayPal answers a refund of a capture refunded elsewhere with REFUND_AMOUNT_EXCEEDED
    (Refusal.ALREADY_REFUNDED): the money is back, so the booking ends refunded."""
    service, gateways = pay
    booking, payment = await _paid(w, service, gateways, PAYPAL)
    gateways[PAYPAL].refusal = Refusal.ALREADY_REFUNDED
    await w.bookings.cancel(booking.id, ANN.telegram_id)
    report = await service.refund_booking(booking.id)
    assert report.refunded == 1 and not report.needs_staff
    assert w.store.payments[payment.id].status is PaymentStatus.REFUNDED
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED


async def test_a_disputed_payment_is_flagged_for_staff_not_refunded(w, pay):
    service, gateways = pay
    booking, payment = await _paid(w, service, gateways)
    paid_ref = w.store.payments[payment.id].paid_ref
    gateways[STRIPE].disputed.add(paid_ref)
    await w.bookings.cancel(booking.id, ANN.telegram_id)
    report = await service.refund_booking(booking.id)
    assert report.disputed == 1 and report.needs_staff
    assert w.store.payments[payment.id].status is PaymentStatus.DISPUTED
    assert w.store.bookings[booking.id].status is BookingStatus.CANCELLED
    flagged = await service.reconcile()
    assert flagged.failures == [] and len(flagged.needs_staff) == 1 and "disputed" in flagged.needs_staff[0]


async def test_a_dispute_event_flags_the_payment(w, pay):
    service, gateways = pay
    _, payment = await _paid(w, service, gateways)
    paid_ref = w.store.payments[payment.id].paid_ref
    result = await service.handle_event(STRIPE, "evt_d", "charge.dispute.created", paid_ref, "dispute")
    assert result.outcome is SettleOutcome.DISPUTED
    assert w.store.payments[payment.id].status is PaymentStatus.DISPUTED
    ignored = await service.handle_event(STRIPE, "evt_x", "charge.dispute.created", "pi_unknown", "dispute")
    assert ignored.outcome is SettleOutcome.IGNORED


async def test_reconcile_reports_each_payment_it_could_not_settle_and_carries_on(w, pay):
    service, gateways = pay
    broken = await _booking(w, ("A-1",))
    down = await _booking(w, ("A-2",), BOB, "bob")
    fine = await _booking(w, ("A-3",), ANN, "ann2")
    p_broken = await service.start(broken.id, ANN.telegram_id, STRIPE)
    p_down = await service.start(down.id, BOB.telegram_id, PAYPAL)
    p_fine = await service.start(fine.id, ANN.telegram_id, STRIPE)
    for provider, payment in ((STRIPE, p_broken), (PAYPAL, p_down), (STRIPE, p_fine)):
        gateways[provider].pay(payment.provider_ref)
    gateways[PAYPAL].down = True
    del gateways[STRIPE].checkouts[p_broken.provider_ref]  # a bug: the fake raises KeyError
    report = await service.reconcile()
    assert report.confirmed == 1 and w.store.bookings[fine.id].status is BookingStatus.PAID
    assert len(report.failures) == 2
    assert any(p_broken.provider_ref in f and "unexpected KeyError" in f for f in report.failures)
    assert any(p_down.provider_ref in f and "unavailable" in f for f in report.failures)


async def test_a_free_booking_is_paid_at_once_without_a_provider(w, pay):
    service, gateways = pay
    async with w.deps.uow() as uow:
        await uow.promos.add(PromoCode(None, "FREE", PromoKind.PERCENT, 10_000))
        await uow.commit()
    booking = await _booking(w, promo="FREE")
    assert booking.total == Money(0, "EUR") and booking.status is BookingStatus.PAID
    stored = w.store.bookings[booking.id]
    assert stored.status is BookingStatus.PAID and stored.payment_provider == "free" and stored.paid_amount == 0
    assert any(job["payload"] == {"booking_id": booking.id} for job in w.store.outbox.values())  # its invoice
    assert gateways[STRIPE].checkouts == {} and gateways[PAYPAL].checkouts == {}
    # Its invoice (of 0) and tickets come as for any paid booking, and render.
    invoice = await InvoiceService(w.deps).issue(booking.id)
    assert invoice.total == Money(0, "EUR") and len(await InvoiceService(w.deps).tickets(booking.id)) == 2
    pdf = render_invoice(invoice, await InvoiceService(w.deps).tickets(booking.id), english_labels())
    assert pdf.startswith(b"%PDF")
    # Cancelled in time, it ends refunded (a cancellation invoice follows) with nothing to give back.
    await w.bookings.cancel(booking.id, ANN.telegram_id)
    assert (await service.refund_booking(booking.id)).refunded == 0
    assert w.store.bookings[booking.id].status is BookingStatus.REFUNDED


async def test_a_total_below_the_providers_minimum_is_a_clear_refusal(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    gateways[STRIPE].minimum = Money(5000, "EUR")
    with pytest.raises(ProviderRefused) as refused:
        await service.start(booking.id, ANN.telegram_id, STRIPE)
    assert refused.value.reason == Refusal.AMOUNT_TOO_SMALL and refused.value.params["minimum"] == Money(5000, "EUR")
    assert w.store.payments == {}


async def test_idempotency_keys_carry_the_installation_and_follow_the_request(w, pay):
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    key = next(k for k, ref in gateways[STRIPE].by_key.items() if ref == payment.provider_ref)
    prefix = "cb-" + w.store.installation + "-"
    assert key.startswith(prefix + f"booking-{booking.id}-stripe-1-")
    # The same request again (after a failure left no payment) gets the same key...
    service_again = PaymentService(w.deps, gateways, LINKS)
    assert await service_again.key("x") == prefix + "x"
    # ...and another installation (another database) another prefix.
    other_store = Store()
    other = PaymentService(
        type(w.deps)(uow=lambda: FakeUnitOfWork(other_store, w.clock), holds=w.holds, clock=w.clock),
        gateways, LINKS,
    )
    assert not (await other.key("x")).startswith(prefix)


async def test_money_held_without_a_ticket_is_refunded_by_reconcile(w, pay):
    """A process died between recording a mismatched payment and refunding it: the
    payment is PAID, its booking is not. Reconcile gives the money back."""
    service, gateways = pay
    booking = await _booking(w)
    payment = await service.start(booking.id, ANN.telegram_id, STRIPE)
    gateways[STRIPE].pay(payment.provider_ref, Money(100, "EUR"))
    stored = w.store.payments[payment.id]
    stored.status, stored.paid_ref = PaymentStatus.PAID, f"pi-{payment.provider_ref}"  # as left by the crash
    report = await service.reconcile()
    assert report.refunded == 1 and report.failures == []
    assert w.store.payments[payment.id].status is PaymentStatus.REFUNDED
    assert w.store.bookings[booking.id].status is BookingStatus.AWAITING_PAYMENT
    assert (await service.reconcile()).refunded == 0 and len(gateways[STRIPE].refunds) == 1
