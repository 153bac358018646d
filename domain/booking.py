"""The booking and its state machine.

    awaiting_payment -> paid -> cancelled -> refunded
    awaiting_payment -> expired -> paid (a late payment while the seats are free)
    awaiting_payment -> cancelled (given up before paying)
    paid -> refunded, expired -> refunded (a late payment whose seats were gone)

Seats of a booking are *active* (they block the seat) while it awaits payment or is
paid; the database's partial unique index over active seats is the final guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidTransition
from domain.hall import SeatKind
from domain.money import Money


class BookingStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    EXPIRED = "expired"


TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.AWAITING_PAYMENT: frozenset(
        {BookingStatus.PAID, BookingStatus.EXPIRED, BookingStatus.CANCELLED}
    ),
    BookingStatus.PAID: frozenset({BookingStatus.CANCELLED, BookingStatus.REFUNDED}),
    BookingStatus.CANCELLED: frozenset({BookingStatus.REFUNDED}),
    BookingStatus.EXPIRED: frozenset({BookingStatus.PAID, BookingStatus.REFUNDED}),
    BookingStatus.REFUNDED: frozenset(),
}
ACTIVE_STATUSES = frozenset({BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID})


def can_transition(current: BookingStatus, target: BookingStatus) -> bool:
    return target in TRANSITIONS[current]


def sources_of(target: BookingStatus) -> frozenset[BookingStatus]:
    """The statuses from which ``target`` may be reached (for conditional updates)."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


@dataclass(frozen=True, slots=True)
class BookingSeat:
    seat_code: str
    seat_kind: SeatKind
    ticket_type: str
    price: Money  # after the ticket type, before the discount
    discount: Money

    @property
    def total(self) -> Money:
        return self.price - self.discount


@dataclass(slots=True)
class Booking:
    id: int | None
    customer_id: int
    showtime_id: int
    status: BookingStatus
    seats: list[BookingSeat]
    currency: str
    created_at: datetime
    expires_at: datetime
    vat_basis_points: int = 0
    promo_code: str | None = None
    discount_source: str | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    payment_provider: str | None = None
    payment_ref: str | None = None
    paid_amount: int | None = None
    refund_ref: str | None = None
    history: list[tuple[BookingStatus, datetime]] = field(default_factory=list)

    @property
    def total(self) -> Money:
        total = Money.zero(self.currency)
        for seat in self.seats:
            total = total + seat.total
        return total

    @property
    def discount(self) -> Money:
        total = Money.zero(self.currency)
        for seat in self.seats:
            total = total + seat.discount
        return total

    @property
    def vat(self) -> Money:
        return self.total.included_vat(self.vat_basis_points)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def seat_codes(self) -> list[str]:
        return [s.seat_code for s in self.seats]

    def transition(self, target: BookingStatus, at: datetime) -> None:
        """Move to ``target`` or raise InvalidTransition; repositories persist it
        with a conditional update on the old status."""
        if not can_transition(self.status, target):
            raise InvalidTransition(
                f"booking {self.id}: {self.status} -> {target} is not allowed",
                current=str(self.status),
                target=str(target),
            )
        self.status = target
        self.history.append((target, at))
        if target is BookingStatus.PAID:
            self.paid_at = at
        elif target is BookingStatus.CANCELLED:
            self.cancelled_at = at
