"""Stripe's objects as the sandbox keeps them, and their JSON as the API shows them.

Only the fields an application reads are modelled; the JSON carries Stripe's field
names and types (amounts in minor units, Unix timestamps, lower-case currencies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.payments.stripe.page_params import custom_text_json

# The version stamped on events (Stripe uses the account's default version).
API_VERSION = "2024-06-20"


@dataclass
class LineItem:
    id: str
    name: str
    description: str | None
    currency: str
    unit_amount: int
    quantity: int
    price_id: str
    product_id: str

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": self.amount,
            "amount_tax": 0,
            "amount_total": self.amount,
            "currency": self.currency,
            "description": self.name,
            "price": {
                "id": self.price_id,
                "object": "price",
                "active": False,
                "currency": self.currency,
                "product": self.product_id,
                "type": "one_time",
                "unit_amount": self.unit_amount,
                "livemode": False,
            },
            "quantity": self.quantity,
        }


@dataclass
class CheckoutSession:
    id: str
    created: int
    expires_at: int
    currency: str
    line_items: list[LineItem]
    page_url: str
    success_url: str | None = None
    cancel_url: str | None = None
    client_reference_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    customer_email: str | None = None
    locale: str | None = None
    intent_metadata: dict[str, str] = field(default_factory=dict)
    intent_description: str | None = None
    payment_method_types: list[str] = field(default_factory=lambda: ["card"])
    status: str = "open"                 # open / complete / expired
    payment_status: str = "unpaid"       # unpaid / paid
    payment_intent: str | None = None
    customer_details: dict[str, Any] | None = None
    last_error: str | None = None        # shown on the pay page after a decline
    custom_text: dict[str, str] = field(default_factory=dict)  # place -> the shop's words on the page

    @property
    def amount_total(self) -> int:
        return sum(item.amount for item in self.line_items)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": self.amount_total,
            "amount_total": self.amount_total,
            "cancel_url": self.cancel_url,
            "client_reference_id": self.client_reference_id,
            "created": self.created,
            "currency": self.currency,
            "customer": None,
            "customer_details": self.customer_details,
            "customer_email": self.customer_email,
            "custom_text": custom_text_json(self.custom_text),
            "expires_at": self.expires_at,
            "livemode": False,
            "locale": self.locale,
            "metadata": dict(self.metadata),
            "mode": "payment",
            "payment_intent": self.payment_intent,
            "payment_method_types": list(self.payment_method_types),
            "payment_status": self.payment_status,
            "status": self.status,
            "success_url": self.success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            # As at Stripe: the hosted page's address only while it can be paid.
            "url": self.page_url if self.status == "open" else None,
        }


@dataclass
class PaymentIntent:
    id: str
    amount: int
    currency: str
    created: int
    metadata: dict[str, str]
    description: str | None
    payment_method_types: list[str] = field(default_factory=lambda: ["card"])
    # requires_payment_method / processing (a debit on its way) / succeeded / canceled
    status: str = "requires_payment_method"
    latest_charge: str | None = None
    last_payment_error: dict[str, Any] | None = None
    canceled_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        succeeded = self.status == "succeeded"
        return {
            "id": self.id,
            "object": "payment_intent",
            "amount": self.amount,
            "amount_capturable": 0,
            "amount_received": self.amount if succeeded else 0,
            "canceled_at": self.canceled_at,
            "cancellation_reason": "abandoned" if self.canceled_at else None,
            "capture_method": "automatic",
            "client_secret": f"{self.id}_secret_playground",
            "created": self.created,
            "currency": self.currency,
            "description": self.description,
            "last_payment_error": self.last_payment_error,
            "latest_charge": self.latest_charge,
            "livemode": False,
            "metadata": dict(self.metadata),
            "payment_method_types": list(self.payment_method_types),
            "status": self.status,
        }


# What the charge shows of the payer's instrument (Stripe's test card and test IBAN).
_METHOD_DETAILS = {
    "card": {"brand": "visa", "last4": "4242", "country": "US"},
    "sepa_debit": {"bank_code": "37040044", "country": "DE", "last4": "3000"},
}


@dataclass
class Charge:
    id: str
    amount: int
    currency: str
    payment_intent: str
    created: int
    metadata: dict[str, str]
    amount_refunded: int = 0             # pending refunds count until they fail
    method: str = "card"                 # card / sepa_debit
    status: str = "succeeded"            # pending (a debit on its way) / succeeded / failed
    disputed: bool = False
    failure_code: str | None = None
    failure_message: str | None = None

    def to_json(self) -> dict[str, Any]:
        failed = self.status == "failed"
        return {
            "id": self.id,
            "object": "charge",
            "amount": self.amount,
            "amount_captured": 0 if failed else self.amount,
            "amount_refunded": self.amount_refunded,
            "captured": not failed,
            "created": self.created,
            "currency": self.currency,
            "disputed": self.disputed,
            "failure_code": self.failure_code,
            "failure_message": self.failure_message,
            "livemode": False,
            "metadata": dict(self.metadata),
            "paid": self.status == "succeeded",
            "payment_intent": self.payment_intent,
            "payment_method_details": {"type": self.method,
                                       self.method: dict(_METHOD_DETAILS[self.method])},
            "refunded": self.amount_refunded >= self.amount,
            "status": self.status,
        }


@dataclass
class Refund:
    id: str
    amount: int
    currency: str
    charge: str
    payment_intent: str
    created: int
    metadata: dict[str, str]
    reason: str | None
    status: str = "succeeded"            # pending / succeeded / failed
    failure_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "object": "refund",
            "amount": self.amount,
            "charge": self.charge,
            "created": self.created,
            "currency": self.currency,
            "metadata": dict(self.metadata),
            "payment_intent": self.payment_intent,
            "reason": self.reason,
            "status": self.status,
        }
        if self.failure_reason is not None:  # Stripe sets it only on failed refunds
            body["failure_reason"] = self.failure_reason
        return body


@dataclass
class Dispute:
    id: str
    amount: int
    currency: str
    charge: str
    payment_intent: str
    created: int
    reason: str
    due_by: int
    status: str = "needs_response"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "dispute",
            "amount": self.amount,
            "balance_transactions": [],
            "charge": self.charge,
            "created": self.created,
            "currency": self.currency,
            "evidence_details": {"due_by": self.due_by, "has_evidence": False,
                                 "past_due": False, "submission_count": 0},
            "is_charge_refundable": False,
            "livemode": False,
            "metadata": {},
            "payment_intent": self.payment_intent,
            "reason": self.reason,
            "status": self.status,
        }


@dataclass
class Event:
    id: str
    type: str
    created: int
    object: dict[str, Any]               # a snapshot taken when the event happened
    request_id: str | None
    idempotency_key: str | None
    pending_webhooks: int = 0
    previous_attributes: dict[str, Any] | None = None  # *.updated events: the old values

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"object": self.object}
        if self.previous_attributes is not None:
            data["previous_attributes"] = self.previous_attributes
        return {
            "id": self.id,
            "object": "event",
            "api_version": API_VERSION,
            "created": self.created,
            "data": data,
            "livemode": False,
            "pending_webhooks": self.pending_webhooks,
            "request": {"id": self.request_id, "idempotency_key": self.idempotency_key},
            "type": self.type,
        }
