"""`payments reconcile`: settle whatever webhooks missed. One payment that cannot be
settled (a provider down, a refusal, a bug) is reported and the rest carry on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Awaitable, Callable

from domain.booking import BookingStatus
from domain.errors import PaymentProviderDown, ProviderRefused
from domain.payments import HELD, NEEDS_STAFF, Payment, PaymentStatus

from domain.services.settling import SettleOutcome

if TYPE_CHECKING:
    from domain.services.payments import PaymentService

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReconcileReport:
    bookings_expired: int = 0
    links_expired: int = 0
    confirmed: int = 0
    refunded: int = 0
    failures: list[str] = field(default_factory=list)  # one line per payment not settled this run
    needs_staff: list[str] = field(default_factory=list)  # disputed, refunds that failed

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"{self.bookings_expired} bookings expired, {self.links_expired} links closed, "
            f"{self.confirmed} payments confirmed, {self.refunded} refunded, {self.failed} not settled, "
            f"{len(self.needs_staff)} for staff"
        )


def _name(payment: Payment) -> str:
    return f"{payment.provider} {payment.provider_ref} (booking {payment.booking_id})"


async def _attempt(report: ReconcileReport, what: str, work: Callable[[], Awaitable[object]]) -> object | None:
    try:
        return await work()
    except PaymentProviderDown as exc:
        report.failures.append(f"{what}: provider unavailable: {exc}")
    except ProviderRefused as exc:
        report.failures.append(f"{what}: refused: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad payment must not stop the others
        log.exception("reconcile: %s failed", what)
        report.failures.append(f"{what}: unexpected {type(exc).__name__}: {exc}")
    return None


async def reconcile(service: PaymentService, days: int = 7) -> ReconcileReport:
    """Lapsed bookings expire (and their links), payments the provider has but we do
    not are confirmed or refunded, refunds owed for cancelled bookings are made (a
    failed one is tried again under a new key), pending refunds are asked about.
    Running it again changes nothing more."""
    report = ReconcileReport()
    expired = await service.bookings.expire_overdue()
    report.bookings_expired = len(expired)
    report.links_expired = await service.expire_links(expired)
    since = service.d.clock.now() - timedelta(days=days)
    async with service.d.uow() as uow:
        unsettled = await uow.payments.with_status(
            frozenset({PaymentStatus.OPEN, PaymentStatus.EXPIRED, PaymentStatus.PROCESSING}), since
        )
        held = await uow.payments.with_status(HELD, since)
        pending = await uow.payments.with_status(frozenset({PaymentStatus.REFUND_PENDING}), since)
        owed: set[int] = set()  # cancelled bookings whose money we still hold
        retry: list[Payment] = []  # money held without a ticket: a mismatch, a failed refund
        for payment in held:
            booking = await uow.bookings.get(payment.booking_id)
            if booking is not None and booking.status is BookingStatus.CANCELLED:
                owed.add(payment.booking_id)
            elif booking is None or not (
                booking.status is BookingStatus.PAID and booking.payment_ref == payment.paid_ref
            ):
                # Nobody is charged without a ticket or a refund: whatever stopped
                # halfway (a crash between taking the money and refunding it) ends here.
                retry.append(payment)
    for payment in unsettled:
        result = await _attempt(report, _name(payment), lambda p=payment: service.settle(p.provider, p.provider_ref))
        outcome = getattr(result, "outcome", None)
        if outcome in (SettleOutcome.PAID, SettleOutcome.LATE_PAID):
            report.confirmed += 1  # (already paid ones are not counted: nothing changed)
        elif outcome in (SettleOutcome.REFUNDED, SettleOutcome.REFUND_PENDING, SettleOutcome.MISMATCH_REFUNDED):
            report.refunded += 1
        elif outcome is SettleOutcome.REFUND_FAILED:
            report.failures.append(f"{_name(payment)}: the refund was refused")
    for booking_id in sorted(owed):
        refunds = await _attempt(report, f"refunds of booking {booking_id}", lambda b=booking_id: service.refund_booking(b))
        if refunds is not None:
            report.refunded += refunds.refunded  # type: ignore[attr-defined]
            if refunds.failed:  # type: ignore[attr-defined]
                report.failures.append(f"refunds of booking {booking_id}: the provider refused or failed a refund")
    for payment in retry:
        outcome = await _attempt(report, _name(payment), lambda p=payment: service.refunds.refund(p, None, "retried"))
        if outcome in (SettleOutcome.REFUNDED, SettleOutcome.REFUND_PENDING):
            report.refunded += 1
        elif outcome is not None:
            report.failures.append(f"{_name(payment)}: the refund was refused or failed again")
    for payment in pending:
        if payment.refund_ref:
            await _attempt(report, _name(payment), lambda p=payment: service.refunds.settle_refund(p.provider, p.refund_ref))
    async with service.d.uow() as uow:
        flagged = await uow.payments.with_status(NEEDS_STAFF, since)
    report.needs_staff = [f"{_name(p)}: {p.status}: {p.problem or ''}".rstrip(": ") for p in flagged]
    return report
