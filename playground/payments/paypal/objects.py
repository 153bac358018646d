"""PayPal's orders, captures, refunds and webhook events, with their v2 JSON.

Amounts are kept in minor units and shown as PayPal's decimal strings. `base` is
the address (with any sub-app prefix) the resource was created through; HATEOAS
links are built from it as PayPal builds them from its API host.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.payments.clock import iso_time
from playground.payments.money import format_decimal, paypal_digits
from playground.payments.paypal.items import ItemSpec

MERCHANT = {"email_address": "merchant@example.com", "merchant_id": "PLAYGROUNDMRCH"}
PAYER_ID = "PLAYGROUNDPAYR"
PAYER = {
    "name": {"given_name": "Playground", "surname": "Buyer"},
    "email_address": "buyer@example.com",
    "payer_id": PAYER_ID,
    "address": {"country_code": "DE"},
}


def money(minor: int, currency: str) -> dict[str, str]:
    return {"currency_code": currency, "value": format_decimal(minor, paypal_digits(currency))}


def link(href: str, rel: str, method: str = "GET") -> dict[str, str]:
    return {"href": href, "rel": rel, "method": method}


@dataclass
class Capture:
    id: str
    order_id: str
    base: str
    currency: str
    amount: int
    custom_id: str | None
    invoice_id: str | None
    created: float
    updated: float
    refunded: int = 0
    refund_ids: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.refunded == 0:
            return "COMPLETED"
        return "REFUNDED" if self.refunded >= self.amount else "PARTIALLY_REFUNDED"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "amount": money(self.amount, self.currency),
            "final_capture": True,
            "seller_protection": {"status": "ELIGIBLE",
                                  "dispute_categories": ["ITEM_NOT_RECEIVED",
                                                         "UNAUTHORIZED_TRANSACTION"]},
            "seller_receivable_breakdown": {"gross_amount": money(self.amount, self.currency),
                                            "net_amount": money(self.amount, self.currency)},
            "supplementary_data": {"related_ids": {"order_id": self.order_id}},
            "create_time": iso_time(self.created),
            "update_time": iso_time(self.updated),
            "links": [link(f"{self.base}/v2/payments/captures/{self.id}", "self"),
                      link(f"{self.base}/v2/payments/captures/{self.id}/refund", "refund", "POST"),
                      link(f"{self.base}/v2/checkout/orders/{self.order_id}", "up")],
        }
        if self.custom_id:
            body["custom_id"] = self.custom_id
        if self.invoice_id:
            body["invoice_id"] = self.invoice_id
        return body


@dataclass
class Unit:
    reference_id: str
    currency: str
    amount: int
    description: str | None = None
    custom_id: str | None = None
    invoice_id: str | None = None
    soft_descriptor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # items, breakdown: echoed back
    captures: list[Capture] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)  # as read, for the approval page

    def to_json(self) -> dict[str, Any]:
        amount: dict[str, Any] = money(self.amount, self.currency)
        if "breakdown" in self.extra:
            amount["breakdown"] = self.extra["breakdown"]
        body: dict[str, Any] = {"reference_id": self.reference_id, "amount": amount,
                                "payee": dict(MERCHANT)}
        for name in ("description", "custom_id", "invoice_id", "soft_descriptor"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        if "items" in self.extra:
            body["items"] = self.extra["items"]
        if self.captures:
            body["payments"] = {"captures": [c.to_json() for c in self.captures]}
        return body


@dataclass
class Order:
    id: str
    base: str
    units: list[Unit]
    created: float
    expires_at: float
    return_url: str | None = None
    cancel_url: str | None = None
    brand_name: str | None = None
    payer_action: bool = False     # made with payment_source.paypal.experience_context
    locale: str | None = None      # the approval page's language ("ru-RU")
    status: str = "CREATED"        # or PAYER_ACTION_REQUIRED, APPROVED, COMPLETED
    updated: float | None = None
    payer: dict[str, Any] | None = None
    last_error: str | None = None  # shown on the approval page

    def links(self) -> list[dict[str, str]]:
        own = f"{self.base}/v2/checkout/orders/{self.id}"
        page = f"{self.base}/pay/paypal/{self.id}"
        if self.status == "CREATED":
            return [link(own, "self"), link(page, "approve"), link(own, "update", "PATCH"),
                    link(f"{own}/capture", "capture", "POST")]
        if self.status == "PAYER_ACTION_REQUIRED":
            return [link(own, "self"), link(page, "payer-action")]
        if self.status == "APPROVED":
            return [link(own, "self"), link(own, "update", "PATCH"),
                    link(f"{own}/capture", "capture", "POST")]
        return [link(own, "self")]

    def minimal_json(self) -> dict[str, Any]:
        """What PayPal answers with `Prefer: return=minimal` (its default)."""
        body: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.payer is not None:
            body["payment_source"] = {"paypal": _paypal_source()}
        body["links"] = self.links()
        return body

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "intent": "CAPTURE",
            "status": self.status,
            "purchase_units": [u.to_json() for u in self.units],
            "create_time": iso_time(self.created),
        }
        if self.updated is not None:
            body["update_time"] = iso_time(self.updated)
        if self.payer is not None:
            body["payment_source"] = {"paypal": _paypal_source()}
            body["payer"] = dict(self.payer)
        body["links"] = self.links()
        return body


@dataclass
class Refund:
    id: str
    capture_id: str
    base: str
    currency: str
    amount: int
    created: float
    note_to_payer: str | None = None
    custom_id: str | None = None
    invoice_id: str | None = None
    total_refunded: int = 0  # of the capture, after this refund

    def links(self) -> list[dict[str, str]]:
        return [link(f"{self.base}/v2/payments/refunds/{self.id}", "self"),
                link(f"{self.base}/v2/payments/captures/{self.capture_id}", "up")]

    def minimal_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": "COMPLETED", "links": self.links()}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "status": "COMPLETED",
            "amount": money(self.amount, self.currency),
            "seller_payable_breakdown": {
                "gross_amount": money(self.amount, self.currency),
                "net_amount": money(self.amount, self.currency),
                "total_refunded_amount": money(self.total_refunded, self.currency),
            },
            "create_time": iso_time(self.created),
            "update_time": iso_time(self.created),
            "links": self.links(),
        }
        for name in ("note_to_payer", "custom_id", "invoice_id"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        return body


@dataclass
class WebhookEvent:
    id: str
    event_type: str
    resource_type: str
    summary: str
    resource: dict[str, Any]
    created: float
    base: str

    def to_json(self) -> dict[str, Any]:
        own = f"{self.base}/v1/notifications/webhooks-events/{self.id}"
        return {
            "id": self.id,
            "event_version": "1.0",
            "create_time": iso_time(self.created),
            "resource_type": self.resource_type,
            "resource_version": "2.0",
            "event_type": self.event_type,
            "summary": self.summary,
            "resource": self.resource,
            "links": [link(own, "self"), link(f"{own}/resend", "resend", "POST")],
        }


def _paypal_source() -> dict[str, Any]:
    return {"email_address": PAYER["email_address"], "account_id": PAYER_ID,
            "account_status": "VERIFIED", "name": PAYER["name"],
            "address": PAYER["address"]}
