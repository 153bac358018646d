"""Giving money back: cancellations, late or mismatched payments, and what the
provider reports about a refund afterwards (pending ones settle, some fail) or
about a payment the buyer's bank took back (a dispute)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.booking import BookingStatus
from domain.errors import ProviderRefused
from domain.money import Money
from domain.payments import HELD, Payment, PaymentProvider, PaymentStatus, Refusal, RefundStatus

from domain.services.settling import SettleOutcome, SettleResult

if TYPE_CHECKING:
    from domain.services.payments import PaymentService

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RefundReport:
    """What a cancellation's refunds came to."""

    refunded: int = 0  # refunded or on its way
    failed: int = 0  # the provider could not refund: staff will act
    disputed: int = 0  # charged back by the bank: the dispute returns the money

    @property
    def needs_staff(self) -> bool:
        return bool(self.failed or self.disputed)


class Refunds:
    def __init__(self, service: PaymentService) -> None:
        self.s = service

    async def refund(self, payment: Payment, amount: Money | None, reason: str) -> SettleOutcome:
        """Give back a payment we hold (``None``: all of it). Safe to repeat: one
        idempotency key per payment, a new one only after the provider failed a
        refund. Returns REFUNDED, REFUND_PENDING, REFUND_FAILED or DISPUTED."""
        done = {
            PaymentStatus.REFUNDED: SettleOutcome.REFUNDED,
            PaymentStatus.REFUND_PENDING: SettleOutcome.REFUND_PENDING,
            PaymentStatus.DISPUTED: SettleOutcome.DISPUTED,
        }
        if payment.status in done:
            return done[payment.status]
        retry = ["after", payment.refund_ref] if payment.status is PaymentStatus.REFUND_FAILED and payment.refund_ref else []
        key = await self.s.key("refund", payment.paid_ref, *retry)
        sources = frozenset({PaymentStatus.PAID, PaymentStatus.REFUND_FAILED})
        try:
            refund = await self.s.gateway(payment.provider).refund(payment.paid_ref or "", amount, key)
        except ProviderRefused as exc:
            if exc.reason == Refusal.ALREADY_REFUNDED:
                # A provider that says so instead of answering with the refund (PayPal's
                # REFUND_AMOUNT_EXCEEDED): the money is back, just not by this call.
                await self.s.set(payment, PaymentStatus.REFUNDED, sources, problem="refunded outside CineBooker")
                return SettleOutcome.REFUNDED
            if exc.reason == Refusal.DISPUTED:
                log.warning("%s payment %s is disputed; no refund (%s)", payment.provider, payment.paid_ref, reason)
                await self.s.set(payment, PaymentStatus.DISPUTED, sources, problem=f"disputed; not refunded ({reason})")
                return SettleOutcome.DISPUTED
            log.error("%s refused to refund %s (%s): %s", payment.provider, payment.paid_ref, reason, exc)
            await self.s.set(payment, PaymentStatus.REFUND_FAILED, frozenset({PaymentStatus.PAID}),
                             problem=f"refund refused ({reason}): {exc}"[:500])
            return SettleOutcome.REFUND_FAILED
        status = {
            RefundStatus.SUCCEEDED: PaymentStatus.REFUNDED,
            RefundStatus.PENDING: PaymentStatus.REFUND_PENDING,
            RefundStatus.FAILED: PaymentStatus.REFUND_FAILED,
        }[refund.status]
        fields: dict[str, object] = {"refund_ref": refund.ref}
        if refund.status is RefundStatus.FAILED:
            log.error("%s refund %s of %s failed: %s", payment.provider, refund.ref, payment.paid_ref, refund.reason)
            fields["problem"] = f"refund {refund.ref} failed: {refund.reason} ({reason})"[:500]
        elif refund.ref is None:
            fields["problem"] = refund.reason
        await self.s.set(payment, status, sources, **fields)
        payment.refund_ref = refund.ref
        return {
            PaymentStatus.REFUNDED: SettleOutcome.REFUNDED,
            PaymentStatus.REFUND_PENDING: SettleOutcome.REFUND_PENDING,
            PaymentStatus.REFUND_FAILED: SettleOutcome.REFUND_FAILED,
        }[status]

    async def refund_booking(self, booking_id: int) -> RefundReport:
        """Refund every payment held for a cancelled booking, which then ends refunded.
        PaymentProviderDown leaves the rest owed (reconcile makes them)."""
        async with self.s.d.uow() as uow:
            payments = [p for p in await uow.payments.for_booking(booking_id) if p.status in HELD]
            booking = await uow.bookings.get(booking_id)
        counts = {SettleOutcome.REFUNDED: 0, SettleOutcome.REFUND_FAILED: 0, SettleOutcome.DISPUTED: 0}
        last_ref = ""
        for payment in payments:
            outcome = await self.refund(payment, None, "booking cancelled")
            if outcome is SettleOutcome.REFUND_PENDING:
                outcome = SettleOutcome.REFUNDED
            counts[outcome] += 1
            last_ref = payment.refund_ref or last_ref
        cancelled = booking is not None and booking.status is BookingStatus.CANCELLED
        free = cancelled and booking.paid_at is not None and not booking.paid_amount and not payments  # type: ignore[union-attr]
        if cancelled and (counts[SettleOutcome.REFUNDED] or free):
            # A free booking had nothing to refund; it still ends refunded, with its
            # cancellation invoice, like any paid one.
            await self.s.bookings.mark_refunded(booking_id, last_ref)
        return RefundReport(counts[SettleOutcome.REFUNDED], counts[SettleOutcome.REFUND_FAILED],
                            counts[SettleOutcome.DISPUTED])

    async def settle_refund(self, provider: PaymentProvider, refund_ref: str) -> SettleResult:
        """A refund event: ask the provider where the refund stands, record it. A refund
        that failed tells the customer and flags the payment for staff."""
        async with self.s.d.uow() as uow:
            payment = await uow.payments.get_by_refund_ref(provider, refund_ref)
        if payment is None:
            return SettleResult(SettleOutcome.IGNORED)  # not one of our refunds
        booking = await self.s.bookings.get(payment.booking_id)
        refund = await self.s.gateway(provider).fetch_refund(refund_ref)
        if refund.status is RefundStatus.SUCCEEDED:
            changed = await self.s.set(payment, PaymentStatus.REFUNDED, frozenset({PaymentStatus.REFUND_PENDING}))
            return SettleResult(SettleOutcome.REFUNDED if changed else SettleOutcome.UNCHANGED, booking.id)
        if refund.status is RefundStatus.FAILED:
            problem = f"refund {refund_ref} failed: {refund.reason or 'no reason given'}"
            changed = await self.s.set(
                payment, PaymentStatus.REFUND_FAILED,
                frozenset({PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED}), problem=problem,
            )
            if not changed:
                return SettleResult(SettleOutcome.UNCHANGED, booking.id)
            log.error("%s payment %s of booking %s: %s", provider, payment.paid_ref, booking.id, problem)
            return SettleResult(SettleOutcome.REFUND_FAILED, booking.id, booking.customer_id)
        return SettleResult(SettleOutcome.PENDING, booking.id)

    async def disputed(self, provider: PaymentProvider, paid_ref: str) -> SettleResult:
        """The buyer's bank took a payment back: flag it for staff; no refund follows."""
        async with self.s.d.uow() as uow:
            payment = await uow.payments.get_by_paid_ref(provider, paid_ref)
        if payment is None:
            return SettleResult(SettleOutcome.IGNORED)
        changed = await self.s.set(
            payment, PaymentStatus.DISPUTED,
            frozenset({PaymentStatus.PAID, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUND_FAILED}),
            problem="disputed by the buyer's bank",
        )
        if changed:
            log.warning("%s payment %s of booking %s is disputed: staff must answer the dispute",
                        provider, paid_ref, payment.booking_id)
        return SettleResult(SettleOutcome.DISPUTED if changed else SettleOutcome.UNCHANGED, payment.booking_id)
