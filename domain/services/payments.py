"""Paying a booking: a provider link, then settling what the provider reports.

Every provider event is a trigger only: settle() asks the provider again and acts
on its answer, so a forged, repeated or reordered event changes nothing on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Callable, Mapping

from domain.booking import BookingStatus
from domain.errors import NotFound, PaymentNotPossible, PaymentProviderDown
from domain.money import Money
from domain.payments import (
    CheckoutLine,
    CheckoutRequest,
    Payment,
    PaymentGateway,
    PaymentProvider,
    PaymentStatus,
    ProviderPayment,
    ProviderStatus,
)
from domain.services.bookings import BookingService, PaymentOutcome
from domain.services.deps import Deps
from domain.services.lookups import load_showtime


class SettleOutcome(StrEnum):
    PAID = "paid"  # the booking is paid (now or already)
    LATE_PAID = "late_paid"  # paid after expiry, seats still free
    ALREADY_PAID = "already_paid"  # the same payment reported again (another event)
    REFUNDED = "refunded"  # paid but could not be honoured: money returned
    EXPIRED = "expired"  # the link lapsed unpaid
    PENDING = "pending"  # nothing to do yet
    DUPLICATE = "duplicate"  # an event seen and processed before


@dataclass(frozen=True, slots=True)
class SettleResult:
    outcome: SettleOutcome
    booking_id: int | None = None
    customer_id: int | None = None


@dataclass(slots=True)
class ReconcileReport:
    bookings_expired: int = 0
    links_expired: int = 0
    confirmed: int = 0
    refunded: int = 0
    failed: int = 0  # provider did not answer: run again later

    def summary(self) -> str:
        return (
            f"{self.bookings_expired} bookings expired, {self.links_expired} links closed, "
            f"{self.confirmed} payments confirmed, {self.refunded} refunded, {self.failed} not reachable"
        )


@dataclass(frozen=True, slots=True)
class ReturnLinks:
    """Where a provider sends the customer back: deep links into the bot."""

    success: Callable[[int], str]
    cancel: Callable[[int], str]


class PaymentService:
    def __init__(
        self, deps: Deps, gateways: Mapping[PaymentProvider, PaymentGateway], links: ReturnLinks
    ) -> None:
        self.d = deps
        self.gateways = gateways
        self.links = links
        self.bookings = BookingService(deps)

    def _gateway(self, provider: PaymentProvider) -> PaymentGateway:
        gateway = self.gateways.get(provider)
        if gateway is None:
            raise PaymentProviderDown(f"{provider} is not configured", provider=str(provider))
        return gateway

    async def start(self, booking_id: int, customer_id: int, provider: PaymentProvider) -> Payment:
        """A payment link for a booking awaiting payment; pressing "pay" twice gives
        the same link. A provider that fails leaves nothing behind but the booking,
        which still expires at the end of its window."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            booking = await uow.bookings.get(booking_id)
            if booking is None or booking.customer_id != customer_id:
                raise NotFound(f"booking {booking_id}", kind="booking")
            if booking.status is not BookingStatus.AWAITING_PAYMENT or booking.expires_at <= now:
                raise PaymentNotPossible(f"booking {booking_id} is {booking.status}", status=str(booking.status))
            for existing in await uow.payments.for_booking(booking_id):
                if existing.provider is provider and existing.status is PaymentStatus.OPEN:
                    return existing
            _, movie, _ = await load_showtime(uow, booking.showtime_id)
            attempt = len(await uow.payments.for_booking(booking_id)) + 1
        request = CheckoutRequest(
            booking_id=booking_id,
            customer_id=customer_id,
            lines=tuple(
                CheckoutLine(f"{movie.title} — {seat.seat_code} ({seat.ticket_type})", seat.total)
                for seat in booking.seats
            ),
            total=booking.total,
            description=f"{movie.title}, booking #{booking_id}",
            success_url=self.links.success(booking_id),
            cancel_url=self.links.cancel(booking_id),
            expires_at=booking.expires_at,
            idempotency_key=f"cinebooker-booking-{booking_id}-{provider}-{attempt}",
        )
        checkout = await self._gateway(provider).create_checkout(request)
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

    async def handle_event(
        self, provider: PaymentProvider, event_id: str, event_type: str, provider_ref: str | None
    ) -> SettleResult:
        """A webhook delivery: recorded durably first, then settled once. A delivery
        that fails midway is processed again on the provider's retry."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            await uow.provider_events.record(provider, event_id, event_type, now)
            done = await uow.provider_events.processed(provider, event_id)
            await uow.commit()
        if done:
            return SettleResult(SettleOutcome.DUPLICATE)
        result = SettleResult(SettleOutcome.PENDING)
        if provider_ref:
            result = await self.settle(provider, provider_ref)
        async with self.d.uow() as uow:
            await uow.provider_events.mark_processed(provider, event_id, self.d.clock.now())
            await uow.commit()
        return result

    async def settle(self, provider: PaymentProvider, provider_ref: str) -> SettleResult:
        """Ask the provider about a checkout and bring booking and payment in line."""
        gateway = self._gateway(provider)
        async with self.d.uow() as uow:
            payment = await uow.payments.get_by_ref(provider, provider_ref)
        if payment is None:
            # Not ours (another shop on the same account) or forged: nothing to do.
            return SettleResult(SettleOutcome.PENDING)
        state = await gateway.fetch(provider_ref)
        if state.status is ProviderStatus.APPROVED:
            if not await self.bookings.may_be_paid(payment.booking_id):
                # Approved too late for seats sold meanwhile: the money is not taken
                # at all (the order lapses uncaptured), so nothing needs refunding.
                await self._set(payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN}))
                return SettleResult(SettleOutcome.EXPIRED, payment.booking_id)
            state = await gateway.capture(provider_ref, f"cinebooker-capture-{provider_ref}")
        if state.status is ProviderStatus.PAID and state.paid_ref:
            return await self._paid(payment, state, gateway)
        if state.status in (ProviderStatus.EXPIRED, ProviderStatus.FAILED):
            await self._set(payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN}))
            return SettleResult(SettleOutcome.EXPIRED, payment.booking_id)
        return SettleResult(SettleOutcome.PENDING, payment.booking_id)

    async def _paid(self, payment: Payment, state: ProviderPayment, gateway: PaymentGateway) -> SettleResult:
        amount = state.amount or payment.amount
        result = await self.bookings.confirm_payment(
            payment.booking_id, str(payment.provider), state.paid_ref or "", amount.amount, amount.currency
        )
        await self._set(
            payment, PaymentStatus.PAID, frozenset({PaymentStatus.OPEN, PaymentStatus.EXPIRED}), paid_ref=state.paid_ref
        )
        customer = result.booking.customer_id
        if result.outcome is PaymentOutcome.ALREADY_PAID:
            return SettleResult(SettleOutcome.ALREADY_PAID, payment.booking_id, customer)
        if result.outcome is PaymentOutcome.REFUND_REQUIRED:
            await self._refund(payment, amount, gateway)
            if result.booking.payment_ref == state.paid_ref:
                await self.bookings.mark_refunded(payment.booking_id, payment.refund_ref or "")
            return SettleResult(SettleOutcome.REFUNDED, payment.booking_id, customer)
        late = result.outcome is PaymentOutcome.LATE_CONFIRMED
        return SettleResult(SettleOutcome.LATE_PAID if late else SettleOutcome.PAID, payment.booking_id, customer)

    async def _refund(self, payment: Payment, amount: Money, gateway: PaymentGateway) -> None:
        if payment.refund_ref:
            return
        refund_ref = await gateway.refund(payment.paid_ref or "", amount, f"cinebooker-refund-{payment.paid_ref}")
        await self._set(payment, PaymentStatus.REFUNDED, frozenset({PaymentStatus.PAID}), refund_ref=refund_ref)

    async def refund_booking(self, booking_id: int) -> int:
        """Refund every paid payment of a (cancelled) booking; returns how many."""
        async with self.d.uow() as uow:
            payments = [p for p in await uow.payments.for_booking(booking_id) if p.status is PaymentStatus.PAID]
        for payment in payments:
            await self._refund(payment, payment.amount, self._gateway(payment.provider))
        if payments:
            await self.bookings.mark_refunded(booking_id, payments[-1].refund_ref or "")
        return len(payments)

    async def expire_links(self, booking_ids: list[int]) -> int:
        """Lapsed bookings: their open links are expired at the provider too, so
        nobody pays for seats that went back on sale (a payment that slips through
        is settled as a late payment)."""
        async with self.d.uow() as uow:
            payments = await uow.payments.open_for_bookings(booking_ids)
        for payment in payments:
            try:
                await self._gateway(payment.provider).expire(payment.provider_ref)
            except PaymentProviderDown:
                continue  # the provider's own expiry, or reconciliation, closes it
            await self._set(payment, PaymentStatus.EXPIRED, frozenset({PaymentStatus.OPEN}))
        return len(payments)

    async def reconcile(self, days: int = 7) -> ReconcileReport:
        """Settle whatever webhooks missed: lapsed bookings expire (and their links),
        payments the provider has but we do not are confirmed or refunded, refunds
        owed for cancelled bookings are made. Running it again changes nothing more."""
        report = ReconcileReport()
        expired = await self.bookings.expire_overdue()
        report.bookings_expired = len(expired)
        report.links_expired = await self.expire_links(expired)
        since = self.d.clock.now() - timedelta(days=days)
        async with self.d.uow() as uow:
            unsettled = await uow.payments.with_status(frozenset({PaymentStatus.OPEN, PaymentStatus.EXPIRED}), since)
            paid = await uow.payments.with_status(frozenset({PaymentStatus.PAID}), since)
            owed = []
            for payment in paid:
                booking = await uow.bookings.get(payment.booking_id)
                if booking is not None and booking.status is BookingStatus.CANCELLED:
                    owed.append(payment.booking_id)
        for payment in unsettled:
            try:
                result = await self.settle(payment.provider, payment.provider_ref)
            except PaymentProviderDown:
                report.failed += 1
                continue
            if result.outcome in (SettleOutcome.PAID, SettleOutcome.LATE_PAID):
                report.confirmed += 1  # (already paid ones are not counted: nothing changed)
            elif result.outcome is SettleOutcome.REFUNDED:
                report.refunded += 1
        for booking_id in sorted(set(owed)):
            try:
                report.refunded += await self.refund_booking(booking_id)
            except PaymentProviderDown:
                report.failed += 1
        return report

    async def _set(self, payment: Payment, status: PaymentStatus, sources: frozenset[PaymentStatus], **fields: object) -> bool:
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
