"""Payment webhooks (aiohttp). A delivery is verified on the raw body, recorded by
event id, then settled by asking the provider again. 2xx only once recorded;
5xx on a transient failure so the provider retries; 400 on a bad signature."""

from __future__ import annotations

import json
import logging
from typing import Awaitable, Callable

from aiohttp import web

from domain.errors import PaymentProviderDown
from handlers.http import read_body
from domain.payments import PaymentProvider
from domain.services.payments import PaymentService, SettleResult
from infrastructure.payments.stripe_signature import SignatureError, verify_stripe_signature

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # Stripe events are a few KB

# Events about a Checkout Session carry the session id, our provider reference.
STRIPE_SESSION_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.expired",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
    }
)

OnSettled = Callable[[SettleResult], Awaitable[None]]


def stripe_webhook_route(
    app: web.Application, payments: PaymentService, secret: str, on_settled: OnSettled
) -> None:
    async def stripe_webhook(request: web.Request) -> web.Response:
        body = await read_body(request, MAX_BODY)
        if body is None:
            return web.json_response({"error": "body too large"}, status=413)
        try:
            verify_stripe_signature(body, request.headers.get("Stripe-Signature"), secret)
            event = json.loads(body)
            event_id, event_type = str(event["id"]), str(event["type"])
            obj = event.get("data", {}).get("object", {})
        except (SignatureError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("stripe webhook refused: %s", exc)
            return web.json_response({"error": "invalid signature or payload"}, status=400)
        ref = obj.get("id") if event_type in STRIPE_SESSION_EVENTS and isinstance(obj, dict) else None
        try:
            result = await payments.handle_event(PaymentProvider.STRIPE, event_id, event_type, ref)
        except PaymentProviderDown as exc:
            log.warning("stripe event %s not settled yet: %s", event_id, exc)
            return web.json_response({"error": "try again"}, status=503)
        await on_settled(result)
        return web.json_response({"received": True, "outcome": str(result.outcome)})

    app.router.add_post("/webhooks/stripe", stripe_webhook)
