"""Paying a booking: a provider link, then settling what the provider reports.

Every provider event is a trigger only: settle() asks the provider again and acts
on its answer, so a forged, repeated or reordered event changes nothing on its own.
Money that does not match its booking is never kept: a PayPal order approved for
another amount is not captured, a Stripe payment of another amount is refunded.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Callable, Mapping

from domain.booking import Booking, BookingStatus
from domain.errors import NotFound, PaymentMismatch, PaymentNotPossible, PaymentProviderDown
from domain.payments import (
    CheckoutLine,
    CheckoutRequest,
    CheckoutTexts,
    Payment,
    PaymentGateway,
    PaymentProvider,
    PaymentStatus,
    ProviderPayment,
    ProviderStatus,
    UntranslatedTexts,
)
from domain.services.bookings import BookingService, PaymentOutcome
from domain.services.reconcile import ReconcileReport, reconcile
from domain.services.refunds import Refunds
from domain.services.settling import EventSubject, SettleOutcome, SettleResult
from domain.services.deps import Deps
from domain.services.lookups import load_showtime

log = logging.getLogger(__name__)

# A payment in one of these is settled for good: a checkout event changes nothing.
_SETTLED = frozenset({
    PaymentStatus.REFUSED, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED,
    PaymentStatus.REFUND_FAILED, PaymentStatus.DISPUTED,
})


@dataclass(frozen=True, slots=True)
class ReturnLinks:
    """Where a provider sends the customer back: deep links into the bot."""

    success: Callable[[int], str]
    cancel: Callable[[int], str]


class PaymentService:
    def __init__(
        self,
        deps: Deps,
        gateways: Mapping[PaymentProvider, PaymentGateway],
        links: ReturnLinks,
        texts: CheckoutTexts | None = None,
    ) -> None:
        self.d = deps
        self.gateways = gateways
        self.links = links
        self.texts = texts or UntranslatedTexts()
        self.bookings = BookingService(deps)
        self.refunds = Refunds(self)
        self._installation: str | None = None

    def gateway(self, provider: PaymentProvider) -> PaymentGateway:
        gateway = self.gateways.get(provider)
        if gateway is None:
            raise PaymentProviderDown(f"{provider} is not configured", provider=str(provider))
        return gateway

    async def key(self, *parts: object) -> str:
        """An idempotency key: this installation's prefix (two installations on one
        provider account never collide), then what the request is about."""
        if self._installation is None:
            async with self.d.uow() as uow:
                self._installation = await uow.installation.key(secrets.token_hex(6), self.d.clock.now())
                await uow.commit()
        return "-".join(["cb", self._installation, *(str(p) for p in parts)])

    async def start(self, booking_id: int, customer_id: int, provider: PaymentProvider) -> Payment:
        """A payment link for a booking awaiting payment; pressing "pay" twice gives
        the same link. A provider that fails leaves nothing behind but the booking,
        which still expires at the end of its window."""
        now = self.d.clock.now()
        gateway = self.gateway(provider)
        async with self.d.uow() as uow:
            booking = await uow.bookings.get(booking_id)
            if booking is None or booking.customer_id != customer_id:
                raise NotFound(f"booking {booking_id}", kind="booking")
            if booking.status is not BookingStatus.AWAITING_PAYMENT or booking.expires_at <= now:
                raise PaymentNotPossible(f"booking {booking_id} is {booking.status}", status=str(booking.status))
            payments = await uow.payments.for_booking(booking_id)
            if any(p.status is PaymentStatus.PROCESSING for p in payments):
                # A bank is still settling a payment: a second link could charge twice.
                raise PaymentNotPossible(f"booking {booking_id} has a payment in progress", status="processing")
            for existing in payments:
                if existing.provider is provider and existing.status is PaymentStatus.OPEN:
                    return existing
            _, movie, _ = await load_showtime(uow, booking.showtime_id)
            customer = await uow.customers.get(customer_id)
        # The pay page speaks the customer's language and names the movie as they read it.
        locale = customer.language if customer else "en"
        request = await self._request(booking, movie.title_in(locale), locale, provider, len(payments) + 1)
        checkout = await gateway.create_checkout(request)
        payment = Payment(
            id=None,
            booking_id=booking_id,
            provider=provider,
            provider_ref=checkout.provider_ref,
            status=PaymentStatus.OPEN,
            amount=booking.total,
            url=checkout.url,
            created_at=now,
            expires_at=booking.expires_at,
        )
        async with self.d.uow() as uow:
            payment = await uow.payments.add(payment)
            await uow.commit()
        return payment

    async def _request(
        self, booking: Booking, title: str, locale: str, provider: PaymentProvider, attempt: int
    ) -> CheckoutRequest:
        assert booking.id is not None
        texts = self.texts
        lines = tuple(
            CheckoutLine(texts.line(locale, title, seat.seat_code, seat.ticket_type), seat.total)
            for seat in booking.seats
        )
        description = texts.description(locale, title, booking.id)
        deadline = texts.deadline(locale, booking.expires_at, self.d.policy.timezone)
        # Everything sent is derived from the booking (and the customer's language),
        # never from the clock; the key carries a digest of it, so a retry sends the
        # same request under the same key and a changed request never reuses an old key.
        digest = hashlib.sha256(
            repr((lines, booking.total, booking.expires_at.isoformat(), locale, description, deadline)).encode()
        ).hexdigest()[:12]
        return CheckoutRequest(
            booking_id=booking.id,
            customer_id=booking.customer_id,
            lines=lines,
            total=booking.total,
            description=description,
            success_url=self.links.success(booking.id),
            cancel_url=self.links.cancel(booking.id),
            expires_at=booking.expires_at,
            idempotency_key=await self.key("booking", booking.id, provider, attempt, digest),
            locale=locale,
            deadline_note=deadline,
        )

    async def handle_event(
        self, provider: PaymentProvider, event_id: str, event_type: str, provider_ref: str | None,
        subject: EventSubject = EventSubject.CHECKOUT,
    ) -> SettleResult:
        """A webhook delivery: recorded durably first, then settled once. A delivery
        that fails midway is processed again on the provider's retry. ``subject`` says
        what ``provider_ref`` names: a checkout, a refund or a disputed payment."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            await uow.provider_events.record(provider, event_id, event_type, now)
            done = await uow.provider_events.processed(provider, event_id)
            await uow.commit()
        if done:
            return SettleResult(SettleOutcome.DUPLICATE)
        subject = EventSubject(subject)
        result = SettleResult(SettleOutcome.IGNORED)
        if provider_ref and subject is EventSubject.CHECKOUT:
            result = await self.settle(provider, provider_ref)
        elif provider_ref and subject is EventSubject.REFUND:
            result = await self.refunds.settle_refund(provider, provider_ref)
        elif provider_ref and subject is EventSubject.DISPUTE:
            result = await self.refunds.disputed(provider, provider_ref)
        async with self.d.uow() as uow:
            await uow.provider_events.mark_processed(provider, event_id, self.d.clock.now(), str(result.outcome))
            await uow.commit()
        return result

    async def settle(self, provider: PaymentProvider, provider_ref: str) -> SettleResult:
        """Ask the provider about a checkout and bring booking and payment in line."""
        gateway = self.gateway(provider)
        async with self.d.uow() as uow:
            payment = await uow.payments.get_by_ref(provider, provider_ref)
        if payment is None:
            # Not ours (another shop on the same account) or forged: nothing to do.
            return SettleResult(SettleOutcome.IGNORED)
        booking = await self.bookings.get(payment.booking_id)
        if payment.status in _SETTLED:
            return SettleResult(SettleOutcome.UNCHANGED, booking.id, booking.customer_id)
        state = await gateway.fetch(provider_ref)
        if state.status is ProviderStatus.APPROVED:
            if not _matches(state, booking):
                return await self._refuse(payment, state, booking)
            if not await self.bookings.may_be_paid(payment.booking_id):
                # Approved too late for seats sold meanwhile: the money is not taken
                # at all (the order lapses uncaptured), so nothing needs refunding.
                await self.set(payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN}))
                return SettleResult(SettleOutcome.EXPIRED, payment.booking_id)
            state = await gateway.capture(provider_ref, await self.key("capture", provider_ref))
        if state.status is ProviderStatus.PAID and state.paid_ref:
            if not _matches(state, booking):
                return await self._mismatched(payment, state, booking)
            return await self._paid(payment, state, booking)
        if state.status is ProviderStatus.PROCESSING:
            changed = await self.set(payment, PaymentStatus.PROCESSING, frozenset({PaymentStatus.OPEN}))
            outcome = SettleOutcome.PROCESSING if changed else SettleOutcome.PENDING
            return SettleResult(outcome, booking.id, booking.customer_id)
        if state.status in (ProviderStatus.EXPIRED, ProviderStatus.FAILED):
            was_processing = payment.status is PaymentStatus.PROCESSING
            changed = await self.set(
                payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN, PaymentStatus.PROCESSING})
            )
            if changed and was_processing:  # the bank gave up on a debit: say so, once
                return SettleResult(SettleOutcome.FAILED, booking.id, booking.customer_id)
            return SettleResult(SettleOutcome.EXPIRED, booking.id, booking.customer_id if changed else None)
        return SettleResult(SettleOutcome.PENDING, payment.booking_id)

    async def _paid(self, payment: Payment, state: ProviderPayment, booking: Booking) -> SettleResult:
        amount = state.amount or payment.amount
        try:
            result = await self.bookings.confirm_payment(
                payment.booking_id, str(payment.provider), state.paid_ref or "", amount.amount, amount.currency
            )
        except PaymentMismatch:  # the booking changed since it was read
            return await self._mismatched(payment, state, await self.bookings.get(payment.booking_id))
        await self.set(
            payment, PaymentStatus.PAID, frozenset({PaymentStatus.OPEN, PaymentStatus.EXPIRED, PaymentStatus.PROCESSING}),
            paid_ref=state.paid_ref,
        )
        customer = result.booking.customer_id
        if result.outcome is PaymentOutcome.ALREADY_PAID:
            return SettleResult(SettleOutcome.ALREADY_PAID, payment.booking_id, customer)
        if result.outcome is PaymentOutcome.REFUND_REQUIRED:
            outcome = await self.refunds.refund(payment, None, "paid after the seats were sold")
            if result.booking.payment_ref == state.paid_ref and outcome in (
                SettleOutcome.REFUNDED, SettleOutcome.REFUND_PENDING
            ):
                await self.bookings.mark_refunded(payment.booking_id, payment.refund_ref or "")
            return SettleResult(outcome, payment.booking_id, customer)
        late = result.outcome is PaymentOutcome.LATE_CONFIRMED
        return SettleResult(SettleOutcome.LATE_PAID if late else SettleOutcome.PAID, payment.booking_id, customer)

    async def _mismatched(self, payment: Payment, state: ProviderPayment, booking: Booking) -> SettleResult:
        """Paid, but not what the booking asks for: the booking is not confirmed and the
        whole payment goes back (the same idempotency key as any refund of it)."""
        problem = f"paid {state.amount or 'an unknown amount'}, due {booking.total}: refunded in full"
        log.warning("%s payment %s of booking %s: %s", payment.provider, payment.provider_ref, booking.id, problem)
        await self.set(
            payment, PaymentStatus.PAID, frozenset({PaymentStatus.OPEN, PaymentStatus.EXPIRED, PaymentStatus.PROCESSING}),
            paid_ref=state.paid_ref, problem=problem,
        )
        payment.paid_ref = payment.paid_ref or state.paid_ref
        outcome = await self.refunds.refund(payment, None, problem)
        if outcome in (SettleOutcome.REFUNDED, SettleOutcome.REFUND_PENDING):
            outcome = SettleOutcome.MISMATCH_REFUNDED
        return SettleResult(outcome, booking.id, booking.customer_id, state.amount, booking.total)

    async def _refuse(self, payment: Payment, state: ProviderPayment, booking: Booking) -> SettleResult:
        """Approved for another amount than due: never captured, so nothing is taken."""
        problem = f"approved {state.amount or 'an unknown amount'}, due {booking.total}: not captured"
        log.warning("%s order %s of booking %s: %s", payment.provider, payment.provider_ref, booking.id, problem)
        changed = await self.set(payment, PaymentStatus.REFUSED, frozenset({PaymentStatus.OPEN}), problem=problem)
        outcome = SettleOutcome.MISMATCH_REFUSED if changed else SettleOutcome.UNCHANGED
        return SettleResult(outcome, booking.id, booking.customer_id, state.amount, booking.total)

    async def refresh(self, booking_id: int) -> list[SettleResult]:
        """Ask the provider about each of a booking's payments still in the air (the
        customer is back from a pay page, before any webhook): what changed, to tell."""
        async with self.d.uow() as uow:
            payments = await uow.payments.for_booking(booking_id)
        waiting = (PaymentStatus.OPEN, PaymentStatus.PROCESSING)
        return [await self.settle(p.provider, p.provider_ref) for p in payments if p.status in waiting]

    async def refund_booking(self, booking_id: int) -> int:
        return await self.refunds.refund_booking(booking_id)

    async def expire_links(self, booking_ids: list[int]) -> int:
        """Lapsed bookings: their open links are expired at the provider too, so
        nobody pays for seats that went back on sale (a payment that slips through
        is settled as a late payment)."""
        async with self.d.uow() as uow:
            payments = await uow.payments.open_for_bookings(booking_ids)
        for payment in payments:
            try:
                await self.gateway(payment.provider).expire(payment.provider_ref)
            except PaymentProviderDown:
                continue  # the provider's own expiry, or reconciliation, closes it
            await self.set(payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN}))
        return len(payments)

    async def reconcile(self, days: int = 7) -> ReconcileReport:
        return await reconcile(self, days)

    async def set(self, payment: Payment, status: PaymentStatus, sources: frozenset[PaymentStatus], **fields: object) -> bool:
        """Move a payment to ``status`` if it is in one of ``sources``; False (nothing
        changed) when another process moved it first."""
        async with self.d.uow() as uow:
            stored = await uow.payments.get_by_ref(payment.provider, payment.provider_ref)
            if stored is None or stored.status is status:
                return False
            stored.status = status
            changed = await uow.payments.set_status(stored, sources, **fields)
            await uow.commit()
        if changed:
            payment.status = status
            for name, value in fields.items():
                setattr(payment, name, value)
        return changed


def _matches(state: ProviderPayment, booking: Booking) -> bool:
    """Whether the provider's amount is exactly what the booking asks for (an unknown
    amount is not: money is never kept without knowing it is right)."""
    return state.amount is not None and state.amount == booking.total
