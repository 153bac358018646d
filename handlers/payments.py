"""Payment webhooks (aiohttp). A delivery is verified on the raw body, recorded by
event id, then settled by asking the provider again. 2xx once recorded (an event of
a kind we do not act on included); 5xx on a transient failure so the provider
retries; 400 with a short reason on a bad signature or a malformed body."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import stripe
from aiohttp import web

from domain.errors import PaymentProviderDown
from domain.payments import PaymentProvider
from domain.services.payments import PaymentService
from domain.services.settling import EventSubject, SettleResult
from handlers.http import read_body

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # Stripe events are a few KB
TOLERANCE_SECONDS = 300  # a captured delivery cannot be replayed later than this
# Event and object ids: Stripe's are a few dozen characters; the database keeps 128.
MAX_ID = 128

# What each event type's object names: the checkout session, a refund, or (for a
# dispute) the payment intent that was charged back. Other types are acknowledged.
STRIPE_SUBJECTS = {
    "checkout.session.completed": (EventSubject.CHECKOUT, "id"),
    "checkout.session.expired": (EventSubject.CHECKOUT, "id"),
    "checkout.session.async_payment_succeeded": (EventSubject.CHECKOUT, "id"),
    "checkout.session.async_payment_failed": (EventSubject.CHECKOUT, "id"),
    "refund.updated": (EventSubject.REFUND, "id"),
    "refund.failed": (EventSubject.REFUND, "id"),
    "charge.dispute.created": (EventSubject.DISPUTE, "payment_intent"),
}

OnSettled = Callable[[SettleResult], Awaitable[None]]


class BadEvent(ValueError):
    """A signed body that is not a Stripe event we can read."""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID:
        raise BadEvent(f"{what} is missing or not a short string")
    return value


def parse_stripe_event(
    body: bytes, header: str | None, secret: str
) -> tuple[str, str, EventSubject | None, str | None]:
    """(event id, type, subject, object ref) of a delivery Stripe signed. The stripe
    SDK checks the signature and its age; SignatureVerificationError otherwise,
    BadEvent for a signed body that is not an event."""
    try:
        event = stripe.Webhook.construct_event(body, header, secret, tolerance=TOLERANCE_SECONDS).to_dict()
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        raise BadEvent(f"not a Stripe event ({type(exc).__name__})") from None
    event_id = _text(event.get("id"), "id")
    event_type = _text(event.get("type"), "type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise BadEvent("data.object is missing")
    subject, field = STRIPE_SUBJECTS.get(event_type, (None, ""))
    if subject is None:
        return event_id, event_type, None, None
    return event_id, event_type, subject, _text(obj.get(field), f"data.object.{field}")


def stripe_webhook_route(
    app: web.Application, payments: PaymentService, secret: str, on_settled: OnSettled
) -> None:
    async def stripe_webhook(request: web.Request) -> web.Response:
        body = await read_body(request, MAX_BODY)
        if body is None:
            return web.json_response({"error": "body too large"}, status=413)
        try:
            event_id, event_type, subject, ref = parse_stripe_event(
                body, request.headers.get("Stripe-Signature"), secret
            )
        except stripe.SignatureVerificationError:
            log.warning("stripe webhook refused: bad, missing or stale signature")
            return web.json_response({"error": "invalid signature"}, status=400)
        except BadEvent as exc:
            log.warning("stripe webhook refused: %s", exc)
            return web.json_response({"error": f"malformed event: {exc}"}, status=400)
        try:
            result = await payments.handle_event(
                PaymentProvider.STRIPE, event_id, event_type, ref, subject or EventSubject.NONE
            )
        except PaymentProviderDown as exc:
            log.warning("stripe event %s not settled yet: %s", event_id, exc)
            return web.json_response({"error": "try again"}, status=503)
        except Exception:  # noqa: BLE001 - recorded unsettled; Stripe retries, reconcile reports it
            log.exception("stripe event %s (%s) could not be settled", event_id, event_type)
            return web.json_response({"error": "not settled; try again"}, status=500)
        await on_settled(result)
        return web.json_response({"received": True, "outcome": str(result.outcome)})

    app.router.add_post("/webhooks/stripe", stripe_webhook)
