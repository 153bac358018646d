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
    PAID = "paid"
    EXPIRED = "expired"  # the link lapsed unpaid
    REFUNDED = "refunded"


class ProviderStatus(StrEnum):
    """A provider's word on a checkout, in our terms."""

    OPEN = "open"
    APPROVED = "approved"  # PayPal: the buyer approved; a capture makes it paid
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"


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


class PaymentGateway(Protocol):
    """One provider's API. Errors it cannot retry become PaymentProviderDown."""

    provider: PaymentProvider

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout: ...

    async def fetch(self, provider_ref: str) -> ProviderPayment: ...

    async def capture(self, provider_ref: str, idempotency_key: str) -> ProviderPayment:
        """Take the money of an approved checkout (PayPal); Stripe's are taken at once."""
        ...

    async def expire(self, provider_ref: str) -> None:
        """Make an unpaid checkout unpayable (best effort where the provider can)."""
        ...

    async def refund(self, paid_ref: str, amount: Money, idempotency_key: str) -> str:
        """Give the money back; returns the provider's refund id."""
        ...
