"""The Stripe sandbox's state and rules: sessions, payments and events.

All in memory. HTTP lives in api.py (the API), page.py (the hosted pay page) and
control.py; this module knows nothing of requests except the ids events carry.
Refunds and disputes live in refunds.py. Sessions expire lazily: every API or page
request first expires the sessions whose `expires_at` has passed (and a periodic
sweep does it for an idle server).

A session is paid by card at once, or by SEPA Direct Debit, which settles later:
the session completes unpaid with its intent `processing`, and `settle_debit`
decides the outcome (checkout.session.async_payment_succeeded or _failed).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from playground.payments.clock import Clock, system_clock
from playground.payments.delivery import DeliverySettings, Endpoint, Outbox
from playground.payments.ids import stripe_id
from playground.payments.money import (
    STRIPE_MAXIMUM_CHARGE,
    STRIPE_MINIMUM_CHARGE,
    stripe_minimum,
    stripe_text,
)
from playground.payments.outage import Outage
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.idempotency import IdempotencyStore
from playground.payments.stripe.objects import (
    Charge,
    CheckoutSession,
    Event,
    LineItem,
    PaymentIntent,
)
from playground.payments.stripe.params import SessionSpec
from playground.payments.stripe.refunds import RefundDesk
from playground.payments.stripe.signing import signature_header

WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
DECLINE = {
    "type": "card_error",
    "code": "card_declined",
    "decline_code": "generic_decline",
    "message": "Your card was declined.",
}
# What Stripe puts on an intent whose delayed debit failed.
DEBIT_FAILED = {
    "type": "invalid_request_error",
    "code": "payment_intent_payment_attempt_failed",
    "message": "The latest payment attempt of this PaymentIntent has failed or been canceled, "
               "and the attached payment method has been removed. You can try confirming "
               "again with a new payment method.",
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
        self.refunds = RefundDesk(self)
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
        _check_total(sum(line.unit_amount * line.quantity for line in spec.line_items),
                     spec.currency)
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
            intent_description=spec.intent_description,
            payment_method_types=list(spec.payment_method_types),
            custom_text=dict(spec.custom_text))
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
        """The customer pays by card. `late` pays an expired session (a payment after expiry)."""
        session = self._payable(session_id, "card", late=late)
        intent = self._intent_for(session)
        charge = self._charge(intent, "card", "succeeded")
        intent.status = "succeeded"
        intent.latest_charge = charge.id
        self._complete(session, "paid")
        self.emit("payment_intent.succeeded", intent.to_json())
        self.emit("checkout.session.completed", session.to_json())
        return session

    def pay_by_debit(self, session_id: str) -> CheckoutSession:
        """SEPA Direct Debit: the session completes unpaid, the money arrives later."""
        session = self._payable(session_id, "sepa_debit")
        intent = self._intent_for(session)
        charge = self._charge(intent, "sepa_debit", "pending")
        intent.status = "processing"
        intent.latest_charge = charge.id
        self._complete(session, "unpaid")
        self.emit("payment_intent.processing", intent.to_json())
        self.emit("checkout.session.completed", session.to_json())
        return session

    def settle_debit(self, session_id: str, outcome: str) -> CheckoutSession:
        """The bank's answer to a SEPA debit: `succeeded` or `failed`."""
        if outcome not in ("succeeded", "failed"):
            raise ValueError("outcome must be succeeded or failed")
        session = self.session(session_id)
        intent = self.payment_intents.get(session.payment_intent or "")
        if intent is None or intent.status != "processing":
            raise ActionRefused("This Checkout Session has no payment processing.")
        charge = self.charge(intent.latest_charge or "")
        charge.status = outcome
        if outcome == "succeeded":
            intent.status = "succeeded"
            session.payment_status = "paid"
            self.emit("payment_intent.succeeded", intent.to_json())
            self.emit("checkout.session.async_payment_succeeded", session.to_json())
        else:
            charge.failure_code = "insufficient_funds"
            charge.failure_message = "The customer's account has insufficient funds."
            intent.status = "requires_payment_method"
            intent.last_payment_error = {**DEBIT_FAILED,
                                         "payment_method": {"type": "sepa_debit"}}
            self.emit("payment_intent.payment_failed", intent.to_json())
            self.emit("checkout.session.async_payment_failed", session.to_json())
        return session

    def _payable(self, session_id: str, method: str, *, late: bool = False) -> CheckoutSession:
        session = self.session(session_id)
        if session.status == "complete":
            raise ActionRefused("This Checkout Session is already paid." if session.payment_status
                                == "paid" else "This Checkout Session is already complete.")
        if session.status == "expired" and not late:
            raise ActionRefused("This Checkout Session has expired.")
        if method not in session.payment_method_types:
            raise ActionRefused(f"This Checkout Session does not accept {method}.")
        return session

    def _charge(self, intent: PaymentIntent, method: str, status: str) -> Charge:
        charge = Charge(id=stripe_id("ch_"), amount=intent.amount, currency=intent.currency,
                        payment_intent=intent.id, created=self.now(),
                        metadata=dict(intent.metadata), method=method, status=status)
        self.charges[charge.id] = charge
        intent.last_payment_error = None
        intent.canceled_at = None
        return charge

    def _complete(self, session: CheckoutSession, payment_status: str) -> None:
        session.status = "complete"
        session.payment_status = payment_status
        session.last_error = None
        session.customer_details = {**CUSTOMER, "email": session.customer_email or CUSTOMER["email"]}
        self._open.discard(session.id)

    def decline(self, session_id: str) -> CheckoutSession:
        """A declined card: the session stays open and unpaid, the intent records the error."""
        session = self._payable(session_id, "card")
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
                                   description=session.intent_description,
                                   payment_method_types=list(session.payment_method_types))
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

    # --- events --------------------------------------------------------------------------

    def emit(self, event_type: str, obj: dict[str, Any], origin: Origin | None = None, *,
             previous: dict[str, Any] | None = None) -> Event:
        origin = origin or Origin()
        wanted = sum(1 for e in self.outbox.endpoints if e.wants(event_type))
        event = Event(id=stripe_id("evt_"), type=event_type, created=self.now(), object=obj,
                      request_id=origin.request_id, idempotency_key=origin.idempotency_key,
                      pending_webhooks=wanted, previous_attributes=previous)
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


def _check_total(total: int, currency: str) -> None:
    """Stripe's minimum and maximum charge for a Checkout Session in payment mode."""
    if total < stripe_minimum(currency):
        if currency.upper() in STRIPE_MINIMUM_CHARGE:
            least = stripe_text(stripe_minimum(currency), currency)
            message = ("The Checkout Session's total amount due must add up to at least "
                       f"{least} {currency.lower()}")
        else:
            message = "The Checkout Session's total amount due must be greater than zero."
        raise StripeError.amount_too_small("line_items", message)
    if total > STRIPE_MAXIMUM_CHARGE:
        raise StripeError.amount_too_large(
            "line_items", "The Checkout Session's total amount due must be no more than "
            f"{stripe_text(STRIPE_MAXIMUM_CHARGE, currency)}.")
