"""The Stripe sandbox's state and rules: sessions, payments, refunds and events.

All in memory. HTTP lives in api.py (the API), page.py (the hosted pay page) and
control.py; this module knows nothing of requests except the ids events carry.
Sessions expire lazily: every API or page request first expires the sessions whose
`expires_at` has passed (and a periodic sweep does it for an idle server).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from playground.payments.clock import Clock, system_clock
from playground.payments.delivery import DeliverySettings, Endpoint, Outbox
from playground.payments.ids import stripe_id
from playground.payments.money import display, stripe_digits
from playground.payments.outage import Outage
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.idempotency import IdempotencyStore
from playground.payments.stripe.objects import (
    Charge,
    CheckoutSession,
    Event,
    LineItem,
    PaymentIntent,
    Refund,
)
from playground.payments.stripe.params import RefundSpec, SessionSpec
from playground.payments.stripe.signing import signature_header

WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
DECLINE = {
    "type": "card_error",
    "code": "card_declined",
    "decline_code": "generic_decline",
    "message": "Your card was declined.",
}
CUSTOMER = {"email": "customer@example.com", "name": "Playground Customer",
            "address": {"country": "DE"}, "phone": None}


@dataclass(frozen=True)
class Origin:
    """The API request behind an event (Stripe's `event.request`); None for page clicks."""

    request_id: str | None = None
    idempotency_key: str | None = None


class ActionRefused(Exception):
    """A pay-page action that cannot happen now (e.g. paying a completed session)."""


class StripeSandbox:
    def __init__(self, *, clock: Clock = system_clock, api_keys: Iterable[str] | None = None,
                 webhooks: Iterable[tuple[str, str]] = (),
                 delivery: DeliverySettings | None = None, public_url: str | None = None,
                 sweep_interval: float | None = 5.0) -> None:
        self.clock = clock
        # None: any test-mode key (sk_test_… / rk_test_…) is accepted.
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        self.public_url = public_url
        self.sweep_interval = sweep_interval
        self.sessions: dict[str, CheckoutSession] = {}
        self.payment_intents: dict[str, PaymentIntent] = {}
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, Refund] = {}
        self.events: list[Event] = []
        self._events_by_id: dict[str, Event] = {}
        self._open: set[str] = set()
        self.idempotency = IdempotencyStore(clock)
        self.outage = Outage()
        self.outbox = Outbox("stripe", self._sign, clock, delivery,
                             headers={"User-Agent": WEBHOOK_USER_AGENT})
        self._sweeper: asyncio.Task[None] | None = None
        for url, secret in webhooks:
            self.add_webhook(url, secret)

    def now(self) -> int:
        return int(self.clock())

    def accepts_key(self, key: str) -> bool:
        if not key.startswith(("sk_test_", "rk_test_")):
            return False
        return self.api_keys is None or key in self.api_keys

    # --- webhooks -----------------------------------------------------------------------

    def add_webhook(self, url: str, secret: str | None = None,
                    events: Iterable[str] | None = None) -> Endpoint:
        endpoint = Endpoint(id=stripe_id("we_"), url=url,
                            secret=secret or stripe_id("whsec_", 32),
                            events=tuple(events) if events else ("*",))
        return self.outbox.add(endpoint)

    def _sign(self, endpoint: Endpoint, body: bytes, event_id: str) -> dict[str, str]:
        # A fresh timestamp per attempt, as Stripe does, so retries pass the tolerance check.
        return {"Stripe-Signature": signature_header(endpoint.secret, body, self.now())}

    # --- checkout sessions ----------------------------------------------------------------

    def create_session(self, spec: SessionSpec, page_url: Callable[[str], str]) -> CheckoutSession:
        session_id = stripe_id("cs_test_a1", 56)
        items = [LineItem(id=stripe_id("li_"), name=line.name, description=line.description,
                          currency=line.currency, unit_amount=line.unit_amount,
                          quantity=line.quantity, price_id=stripe_id("price_"),
                          product_id=stripe_id("prod_"))
                 for line in spec.line_items]
        session = CheckoutSession(
            id=session_id, created=self.now(), expires_at=spec.expires_at,
            currency=spec.currency, line_items=items, page_url=page_url(session_id),
            success_url=spec.success_url, cancel_url=spec.cancel_url,
            client_reference_id=spec.client_reference_id, metadata=dict(spec.metadata),
            customer_email=spec.customer_email, locale=spec.locale,
            intent_metadata=dict(spec.intent_metadata),
            intent_description=spec.intent_description)
        self.sessions[session_id] = session
        self._open.add(session_id)
        return session

    def session(self, session_id: str) -> CheckoutSession:
        session = self.sessions.get(session_id)
        if session is None:
            raise StripeError.no_such("checkout.session", session_id, "session")
        return session

    def list_sessions(self, *, payment_intent: str | None = None,
                      status: str | None = None) -> list[CheckoutSession]:
        """Newest first, as Stripe lists."""
        return [s for s in reversed(self.sessions.values())
                if (payment_intent is None or s.payment_intent == payment_intent)
                and (status is None or s.status == status)]

    def expire(self, session_id: str, origin: Origin | None = None) -> CheckoutSession:
        session = self.session(session_id)
        if session.status != "open":
            raise StripeError.invalid("session", "Only Checkout Sessions with a status of "
                                      f"`open` can be expired; this one is `{session.status}`.")
        self._expire(session, origin)
        return session

    def sweep(self) -> list[str]:
        """Expire every open session whose `expires_at` has passed (Stripe does it too)."""
        now = self.now()
        due = [self.sessions[sid] for sid in self._open if self.sessions[sid].expires_at <= now]
        for session in sorted(due, key=lambda s: s.expires_at):
            self._expire(session, None)
        return [s.id for s in due]

    def _expire(self, session: CheckoutSession, origin: Origin | None) -> None:
        session.status = "expired"
        self._open.discard(session.id)
        intent = self.payment_intents.get(session.payment_intent or "")
        if intent is not None and intent.status != "succeeded":
            intent.status = "canceled"  # Stripe cancels a declined attempt's intent
            intent.canceled_at = self.now()
        self.emit("checkout.session.expired", session.to_json(), origin)

    # --- the pay page's actions -------------------------------------------------------------

    def pay(self, session_id: str, *, late: bool = False) -> CheckoutSession:
        """The customer pays. `late` pays an expired session (a payment after expiry)."""
        session = self.session(session_id)
        if session.status == "complete":
            raise ActionRefused("This Checkout Session is already paid.")
        if session.status == "expired" and not late:
            raise ActionRefused("This Checkout Session has expired.")
        intent = self._intent_for(session)
        charge = Charge(id=stripe_id("ch_"), amount=intent.amount, currency=intent.currency,
                        payment_intent=intent.id, created=self.now(),
                        metadata=dict(intent.metadata))
        self.charges[charge.id] = charge
        intent.status = "succeeded"
        intent.latest_charge = charge.id
        intent.last_payment_error = None
        intent.canceled_at = None
        session.status = "complete"
        session.payment_status = "paid"
        session.last_error = None
        session.customer_details = {**CUSTOMER, "email": session.customer_email or CUSTOMER["email"]}
        self._open.discard(session.id)
        self.emit("payment_intent.succeeded", intent.to_json())
        self.emit("checkout.session.completed", session.to_json())
        return session

    def decline(self, session_id: str) -> CheckoutSession:
        """A declined card: the session stays open and unpaid, the intent records the error."""
        session = self.session(session_id)
        if session.status != "open":
            raise ActionRefused(f"This Checkout Session is {session.status}.")
        intent = self._intent_for(session)
        intent.status = "requires_payment_method"
        intent.last_payment_error = dict(DECLINE)
        session.last_error = DECLINE["message"]
        self.emit("payment_intent.payment_failed", intent.to_json())
        return session

    def _intent_for(self, session: CheckoutSession) -> PaymentIntent:
        # Checkout makes the PaymentIntent at the first payment attempt and reuses it.
        intent = self.payment_intents.get(session.payment_intent or "")
        if intent is None:
            intent = PaymentIntent(id=stripe_id("pi_"), amount=session.amount_total,
                                   currency=session.currency, created=self.now(),
                                   metadata=dict(session.intent_metadata),
                                   description=session.intent_description)
            self.payment_intents[intent.id] = intent
            session.payment_intent = intent.id
        return intent

    # --- payment intents, charges, refunds -------------------------------------------------

    def payment_intent(self, intent_id: str) -> PaymentIntent:
        intent = self.payment_intents.get(intent_id)
        if intent is None:
            raise StripeError.no_such("payment_intent", intent_id, "intent")
        return intent

    def charge(self, charge_id: str) -> Charge:
        charge = self.charges.get(charge_id)
        if charge is None:
            raise StripeError.no_such("charge", charge_id, "charge")
        return charge

    def refund(self, refund_id: str) -> Refund:
        refund = self.refunds.get(refund_id)
        if refund is None:
            raise StripeError.no_such("refund", refund_id, "refund")
        return refund

    def create_refund(self, spec: RefundSpec, origin: Origin | None = None) -> Refund:
        if spec.charge is not None:
            charge = self.charge(spec.charge)
            if spec.payment_intent is not None and spec.payment_intent != charge.payment_intent:
                raise StripeError.invalid("charge", f"Charge {charge.id} does not belong to "
                                          f"PaymentIntent {spec.payment_intent}.")
        else:
            intent = self.payment_intent(spec.payment_intent or "")
            if intent.status != "succeeded" or intent.latest_charge is None:
                raise StripeError.invalid("payment_intent", f"This PaymentIntent ({intent.id}) "
                                          "does not have a successful charge to refund.",
                                          code="charge_not_refundable")
            charge = self.charge(intent.latest_charge)
        remaining = charge.amount - charge.amount_refunded
        if remaining <= 0:
            raise StripeError.invalid("charge", f"Charge {charge.id} has already been refunded.",
                                      code="charge_already_refunded")
        amount = spec.amount if spec.amount is not None else remaining
        if amount > remaining:
            digits = stripe_digits(charge.currency)
            raise StripeError.invalid(
                "amount", f"Refund amount ({display(amount, charge.currency, digits)}) is greater "
                f"than unrefunded amount on charge ({display(remaining, charge.currency, digits)})",
                code="amount_too_large")
        charge.amount_refunded += amount
        refund = Refund(id=stripe_id("re_"), amount=amount, currency=charge.currency,
                        charge=charge.id, payment_intent=charge.payment_intent,
                        created=self.now(), metadata=dict(spec.metadata), reason=spec.reason)
        self.refunds[refund.id] = refund
        self.emit("charge.refunded", charge.to_json(), origin)
        self.emit("refund.created", refund.to_json(), origin)
        return refund

    # --- events --------------------------------------------------------------------------

    def emit(self, event_type: str, obj: dict[str, Any], origin: Origin | None = None) -> Event:
        origin = origin or Origin()
        wanted = sum(1 for e in self.outbox.endpoints if e.wants(event_type))
        event = Event(id=stripe_id("evt_"), type=event_type, created=self.now(), object=obj,
                      request_id=origin.request_id, idempotency_key=origin.idempotency_key,
                      pending_webhooks=wanted)
        self.events.append(event)
        self._events_by_id[event.id] = event
        body = json.dumps(event.to_json(), indent=2).encode()
        self.outbox.publish(event.id, event.type, body)
        return event

    def event(self, event_id: str) -> Event:
        event = self._events_by_id.get(event_id)
        if event is None:
            raise StripeError.no_such("event", event_id, "id")
        return event

    def list_events(self, types: set[str] | None = None) -> list[Event]:
        """Newest first; `types` may hold wildcards like `checkout.session.*`."""

        def matches(event_type: str) -> bool:
            if not types:
                return True
            return any(t == event_type or (t.endswith("*") and event_type.startswith(t[:-1]))
                       for t in types)

        return [e for e in reversed(self.events) if matches(e.type)]

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self.sweep_interval and self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever(),
                                                                   name="stripe-sweeper")

    async def _sweep_forever(self) -> None:
        assert self.sweep_interval
        while True:
            await asyncio.sleep(self.sweep_interval)
            self.sweep()

    async def aclose(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
        await self.outbox.aclose()
