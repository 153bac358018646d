"""What settling a provider's word comes to: an outcome, the booking and customer it
concerns, and the amounts where they matter (to tell the customer)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.money import Money


class EventSubject(StrEnum):
    """What a provider event's object names."""

    CHECKOUT = "checkout"  # a checkout session or order
    REFUND = "refund"  # one of our refunds
    DISPUTE = "dispute"  # a payment the buyer's bank took back
    NONE = "none"  # a kind of event not acted on


class SettleOutcome(StrEnum):
    PAID = "paid"  # the booking is paid (now or already)
    LATE_PAID = "late_paid"  # paid after expiry, seats still free
    ALREADY_PAID = "already_paid"  # the same payment reported again (another event)
    REFUNDED = "refunded"  # paid but could not be honoured: money returned
    REFUND_PENDING = "refund_pending"  # ...returned, the provider is still finishing
    REFUND_FAILED = "refund_failed"  # the provider could not refund: staff must act
    DISPUTED = "disputed"  # the buyer's bank took the money back
    MISMATCH_REFUNDED = "mismatch_refunded"  # paid another amount than due: refunded
    MISMATCH_REFUSED = "mismatch_refused"  # approved for another amount: never taken
    PROCESSING = "processing"  # paid by a method that settles later
    FAILED = "failed"  # ...and then it did not: the customer may pay again
    EXPIRED = "expired"  # the link lapsed unpaid
    PENDING = "pending"  # nothing to do yet
    UNCHANGED = "unchanged"  # settled before; nothing more to do
    DUPLICATE = "duplicate"  # an event seen and processed before
    IGNORED = "ignored"  # an event of a kind or about an object that is not ours


@dataclass(frozen=True, slots=True)
class SettleResult:
    outcome: SettleOutcome
    booking_id: int | None = None
    customer_id: int | None = None
    paid: Money | None = None  # what the provider says was paid, where it matters
    due: Money | None = None  # what the booking asked for
