"""The PayPal sandbox's state and rules: orders, approval, capture, refunds, webhooks.

All in memory. HTTP lives in api.py (REST), page.py (the approval page) and
control.py. An order the buyer has not approved within three hours can no longer
be approved (PayPal lets unapproved orders lapse); "Approve late" ignores that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from playground.payments.clock import Clock, iso_time, system_clock
from playground.payments.delivery import DeliverySettings, Endpoint, Outbox
from playground.payments.ids import hex_token, paypal_id
from playground.payments.money import format_decimal, paypal_digits
from playground.payments.outage import Outage
from playground.payments.paypal.auth import Tokens
from playground.payments.paypal.errors import PayPalError
from playground.payments.paypal.objects import PAYER, Capture, Order, Refund, Unit, WebhookEvent
from playground.payments.paypal.params import OrderSpec, RefundSpec
from playground.payments.paypal.signing import Transmissions

ORDER_LIFETIME = 3 * 60 * 60
WEBHOOK_USER_AGENT = "PayPal/AUHD-214.0-58843195"
DECLINE_MESSAGE = "The buyer's funding source was declined. Try another way to pay."


@dataclass(frozen=True)
class Remembered:
    """A request answered under a PayPal-Request-Id; `render` gives the latest state."""

    path: str
    status: int
    render: Callable[[], dict[str, Any]]


class ActionRefused(Exception):
    """An approval-page action that cannot happen now."""


class PayPalSandbox:
    def __init__(self, *, clock: Clock = system_clock, clients: dict[str, str] | None = None,
                 webhooks: Iterable[tuple[str, str]] = (),
                 delivery: DeliverySettings | None = None, public_url: str | None = None) -> None:
        self.clock = clock
        self.public_url = public_url
        self.tokens = Tokens(clock, clients)
        self.orders: dict[str, Order] = {}
        self.captures: dict[str, Capture] = {}
        self.refunds: dict[str, Refund] = {}
        self.events: dict[str, WebhookEvent] = {}
        self.remembered: dict[tuple[str, str], Remembered] = {}
        self.transmissions = Transmissions()
        self.outage = Outage()
        self.outbox = Outbox("paypal", self._sign, clock, delivery,
                             headers={"User-Agent": WEBHOOK_USER_AGENT})
        for url, webhook_id in webhooks:
            self.add_webhook(url, webhook_id)

    # --- webhooks ---------------------------------------------------------------------

    def add_webhook(self, url: str, webhook_id: str | None = None,
                    events: Iterable[str] | None = None) -> Endpoint:
        endpoint = Endpoint(id=webhook_id or paypal_id(24), url=url, secret=hex_token(32),
                            events=tuple(events) if events else ("*",))
        return self.outbox.add(endpoint)

    def cert_url(self, base: str) -> str:
        return f"{base}/v1/notifications/certs/CERT-playground-hmac"

    def _sign(self, endpoint: Endpoint, body: bytes, event_id: str) -> dict[str, str]:
        event = self.events[event_id]
        sent = self.transmissions.record(secret=endpoint.secret, webhook_id=endpoint.id,
                                         event_id=event_id, event=json.loads(body),
                                         time=iso_time(self.clock()),
                                         cert_url=self.cert_url(event.base))
        return {"PAYPAL-TRANSMISSION-ID": sent.id, "PAYPAL-TRANSMISSION-TIME": sent.time,
                "PAYPAL-TRANSMISSION-SIG": sent.signature, "PAYPAL-CERT-URL": sent.cert_url,
                "PAYPAL-AUTH-ALGO": sent.auth_algo}

    def emit(self, event_type: str, resource_type: str, summary: str,
             resource: dict[str, Any], base: str) -> WebhookEvent:
        event = WebhookEvent(id=f"WH-{paypal_id(17)}-{paypal_id(17)}", event_type=event_type,
                             resource_type=resource_type, summary=summary, resource=resource,
                             created=self.clock(), base=base)
        self.events[event.id] = event
        self.outbox.publish(event.id, event_type, json.dumps(event.to_json()).encode())
        return event

    def event(self, event_id: str) -> WebhookEvent:
        event = self.events.get(event_id)
        if event is None:
            raise PayPalError.not_found()
        return event

    # --- orders ---------------------------------------------------------------------------

    def create_order(self, spec: OrderSpec, base: str) -> Order:
        now = self.clock()
        order = Order(
            id=paypal_id(), base=base, created=now, expires_at=now + ORDER_LIFETIME,
            units=[Unit(reference_id=u.reference_id, currency=u.currency, amount=u.amount,
                        description=u.description, custom_id=u.custom_id,
                        invoice_id=u.invoice_id, soft_descriptor=u.soft_descriptor,
                        extra=dict(u.extra), items=list(u.items)) for u in spec.units],
            return_url=spec.return_url, cancel_url=spec.cancel_url, brand_name=spec.brand_name,
            payer_action=spec.payer_action, locale=spec.locale,
            # With payment_source.paypal PayPal answers PAYER_ACTION_REQUIRED and a
            # "payer-action" link; with application_context CREATED and "approve".
            status="PAYER_ACTION_REQUIRED" if spec.payer_action else "CREATED")
        self.orders[order.id] = order
        return order

    def order(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise PayPalError.not_found()
        return order

    def approve(self, order_id: str, *, late: bool = False) -> Order:
        order = self.order(order_id)
        if order.status not in ("CREATED", "PAYER_ACTION_REQUIRED"):
            raise ActionRefused(f"This order is already {order.status.lower()}.")
        if self.clock() > order.expires_at and not late:
            raise ActionRefused("This order has expired.")
        order.status = "APPROVED"
        order.payer = dict(PAYER)
        order.updated = self.clock()
        order.last_error = None
        self.emit("CHECKOUT.ORDER.APPROVED", "checkout-order",
                  "An order has been approved by buyer", order.to_json(), order.base)
        return order

    def decline(self, order_id: str) -> Order:
        """The buyer's funding fails on the approval page: the order stays unapproved."""
        order = self.order(order_id)
        if order.status not in ("CREATED", "PAYER_ACTION_REQUIRED"):
            raise ActionRefused(f"This order is already {order.status.lower()}.")
        order.last_error = DECLINE_MESSAGE
        return order

    def capture(self, order_id: str) -> Order:
        order = self.order(order_id)
        if order.status == "COMPLETED":
            raise PayPalError.unprocessable("ORDER_ALREADY_CAPTURED")
        if order.status != "APPROVED":
            raise PayPalError.unprocessable("ORDER_NOT_APPROVED")
        now = self.clock()
        for unit in order.units:
            capture = Capture(id=paypal_id(), order_id=order.id, base=order.base,
                              currency=unit.currency, amount=unit.amount,
                              custom_id=unit.custom_id, invoice_id=unit.invoice_id,
                              created=now, updated=now)
            unit.captures.append(capture)
            self.captures[capture.id] = capture
        order.status = "COMPLETED"
        order.updated = now
        for unit in order.units:
            capture = unit.captures[-1]
            value = format_decimal(capture.amount, paypal_digits(capture.currency))
            self.emit("PAYMENT.CAPTURE.COMPLETED", "capture",
                      f"Payment completed for {capture.currency} {value}",
                      capture.to_json(), order.base)
        return order

    # --- captures and refunds ------------------------------------------------------------

    def capture_by_id(self, capture_id: str) -> Capture:
        capture = self.captures.get(capture_id)
        if capture is None:
            raise PayPalError.not_found()
        return capture

    def refund_by_id(self, refund_id: str) -> Refund:
        refund = self.refunds.get(refund_id)
        if refund is None:
            raise PayPalError.not_found()
        return refund

    def refund(self, capture_id: str, spec: RefundSpec, base: str) -> Refund:
        capture = self.capture_by_id(capture_id)
        remaining = capture.amount - capture.refunded
        if remaining <= 0:
            raise PayPalError.unprocessable("CAPTURE_FULLY_REFUNDED")
        if spec.currency is not None and spec.currency != capture.currency:
            raise PayPalError.unprocessable("CURRENCY_MISMATCH")
        amount = spec.amount if spec.amount is not None else remaining
        if amount > remaining:
            raise PayPalError.unprocessable("REFUND_AMOUNT_EXCEEDED")
        now = self.clock()
        capture.refunded += amount
        capture.updated = now
        refund = Refund(id=paypal_id(), capture_id=capture.id, base=base,
                        currency=capture.currency, amount=amount, created=now,
                        note_to_payer=spec.note_to_payer,
                        custom_id=spec.custom_id or capture.custom_id,
                        invoice_id=spec.invoice_id or capture.invoice_id,
                        total_refunded=capture.refunded)
        capture.refund_ids.append(refund.id)
        self.refunds[refund.id] = refund
        value = format_decimal(amount, paypal_digits(refund.currency))
        self.emit("PAYMENT.CAPTURE.REFUNDED", "refund",
                  f"A {refund.currency} {value} capture payment was refunded",
                  refund.to_json(), base)
        return refund

    # --- lifecycle ------------------------------------------------------------------------

    async def aclose(self) -> None:
        await self.outbox.aclose()
