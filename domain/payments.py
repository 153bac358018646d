"""Payments: what a provider is asked for, what it reports, and our record of it.

Providers (Stripe, PayPal) are reached through the PaymentGateway port. Their
webhooks are only triggers: the payment is fetched again from the provider before
anything changes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.money import Money


class PaymentProvider(StrEnum):
    STRIPE = "stripe"
    PAYPAL = "paypal"


class PaymentStatus(StrEnum):
    OPEN = "open"  # a link was made; the customer has not paid (yet)
    PROCESSING = "processing"  # paid by a method that settles later (a debit)
    PAID = "paid"
    EXPIRED = "expired"  # the link lapsed unpaid
    REFUSED = "refused"  # approved for another amount than due: never taken
    REFUND_PENDING = "refund_pending"  # refund asked for; the provider has not finished
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"  # the provider could not refund: staff must act
    DISPUTED = "disputed"  # the buyer's bank took it back; refunds go through the dispute


# A payment whose money we hold (or held): a cancellation owes a refund.
HELD = frozenset({PaymentStatus.PAID, PaymentStatus.REFUND_FAILED})
# Statuses a staff member must look at; reconcile lists them.
NEEDS_STAFF = frozenset({PaymentStatus.REFUND_FAILED, PaymentStatus.DISPUTED})


class ProviderStatus(StrEnum):
    """A provider's word on a checkout, in our terms."""

    OPEN = "open"
    PROCESSING = "processing"  # Stripe: complete but unpaid (delayed method settling)
    APPROVED = "approved"  # PayPal: the buyer approved; a capture makes it paid
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"


class RefundStatus(StrEnum):
    SUCCEEDED = "succeeded"
    PENDING = "pending"  # the provider accepted it; the money is on its way
    FAILED = "failed"  # the provider gave up (a closed card): staff must act


class Refusal(StrEnum):
    """Why a provider refused a request for good (retrying would not help)."""

    AMOUNT_TOO_SMALL = "amount_too_small"  # below the provider's minimum charge
    AMOUNT_TOO_LARGE = "amount_too_large"
    CURRENCY_UNSUPPORTED = "currency_unsupported"
    ALREADY_REFUNDED = "already_refunded"  # e.g. refunded in the provider's dashboard
    DISPUTED = "disputed"  # charged back: no refund possible
    INVALID = "invalid"  # anything else the provider calls a bad request


@dataclass(frozen=True, slots=True)
class CheckoutLine:
    name: str
    amount: Money  # per item, discounts included
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    booking_id: int
    customer_id: int
    lines: tuple[CheckoutLine, ...]
    total: Money
    description: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    idempotency_key: str
    locale: str = "en"  # the customer's language: the provider's page speaks it
    # When the booking lapses, in the customer's words with the cinema's zone named
    # ("Pay by 18:30 CET"): the page is read wherever the customer is.
    deadline_note: str = ""


class CheckoutTexts(Protocol):
    """What a provider's pay page says about a booking, in the customer's language
    (a port: the translation layer implements it, bot/container wires it)."""

    def line(self, locale: str, title: str, seat: str, ticket_type: str) -> str:
        """A ticket's line: the movie, the seat and the ticket type by its name."""
        ...

    def description(self, locale: str, title: str, booking_id: int) -> str: ...

    def deadline(self, locale: str, deadline: datetime, zone: str) -> str:
        """Until when to pay, the cinema's zone named ("Pay by 18:30 CET")."""
        ...


class UntranslatedTexts:
    """Lines named by codes and no deadline: for a PaymentService built without the
    translation layer (tests, tools); the bot always wires translated texts."""

    def line(self, locale: str, title: str, seat: str, ticket_type: str) -> str:
        return f"{title} — {seat} ({ticket_type})"

    def description(self, locale: str, title: str, booking_id: int) -> str:
        return f"{title}, booking #{booking_id}"

    def deadline(self, locale: str, deadline: datetime, zone: str) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class ProviderCheckout:
    provider_ref: str  # Stripe checkout session id, PayPal order id
    url: str  # where the customer pays
    expires_at: datetime | None = None  # the provider's own expiry, if it has one


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    """A checkout as the provider reports it when asked again."""

    provider_ref: str
    status: ProviderStatus
    amount: Money | None = None
    paid_ref: str | None = None  # Stripe payment intent, PayPal capture id
    booking_id: int | None = None  # from the metadata we set at creation


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    ref: str | None  # Stripe or PayPal refund id; None for one made outside CineBooker
    status: RefundStatus
    reason: str | None = None  # why it failed, in the provider's words


@dataclass(slots=True)
class Payment:
    id: int | None
    booking_id: int
    provider: PaymentProvider
    provider_ref: str
    status: PaymentStatus
    amount: Money
    url: str
    created_at: datetime
    expires_at: datetime
    paid_ref: str | None = None
    refund_ref: str | None = None
    problem: str | None = None  # what went wrong, for staff (a mismatch, a failed refund)


class PaymentGateway(Protocol):
    """One provider's API. A provider that cannot be reached (or is misconfigured)
    raises PaymentProviderDown; a request it refuses for good raises
    ProviderRefused with a Refusal. Nothing else escapes."""

    provider: PaymentProvider

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout: ...

    async def fetch(self, provider_ref: str) -> ProviderPayment: ...

    async def capture(self, provider_ref: str, idempotency_key: str) -> ProviderPayment:
        """Take the money of an approved checkout (PayPal); Stripe's are taken at once."""
        ...

    async def expire(self, provider_ref: str) -> None:
        """Make an unpaid checkout unpayable (best effort where the provider can)."""
        ...

    async def refund(self, paid_ref: str, amount: Money | None, idempotency_key: str) -> ProviderRefund:
        """Give the money back (``None``: all of it). A payment refunded already (in the
        provider's dashboard, say) answers with that refund, not an error."""
        ...

    async def fetch_refund(self, refund_ref: str) -> ProviderRefund:
        """Where a refund stands now (pending ones settle later)."""
        ...
