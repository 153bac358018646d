"""PayPal's inbound HTTP: the webhook and the buyer's way back after approving.

Both are triggers only: the order is asked about again (and captured when
approved) by PaymentService.settle, so a forged, repeated or reordered request
changes nothing on its own. The webhook answers 2xx only once the event is
recorded, 5xx on a transient failure so PayPal delivers again, 400 when PayPal
does not vouch for the delivery.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

from aiohttp import web

from domain.errors import PaymentProviderDown
from domain.payments import PaymentProvider
from domain.services.payments import PaymentService
from handlers.payments import OnSettled
from infrastructure.payments.paypal_gateway import PayPalGateway, WebhookRejected
from handlers.http import read_body
from infrastructure.i18n.fluent import Translator

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # PayPal events are a few KB
WEBHOOK_PATH = "/webhooks/paypal"
RETURN_PATH = "/payments/paypal/return"
# PayPal order ids are 17 capitals and digits; a little slack, nothing that needs escaping.
_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _order_id(event_type: str, resource: Any) -> str | None:
    """The order an event is about, for the two events that mean "settle it now"."""
    if not isinstance(resource, dict):
        return None
    ref: Any = None
    if event_type == "CHECKOUT.ORDER.APPROVED":
        ref = resource.get("id")
    elif event_type == "PAYMENT.CAPTURE.COMPLETED":
        data = resource.get("supplementary_data")
        related = data.get("related_ids") if isinstance(data, dict) else None
        ref = related.get("order_id") if isinstance(related, dict) else None
    return ref if isinstance(ref, str) and _ORDER_ID.fullmatch(ref) else None


def _locale(request: web.Request, translator: Translator) -> str:
    """The first of the browser's languages we have texts for (Accept-Language)."""
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in translator.locales:
            return tag
    return translator.default


def _page(request: web.Request, translator: Translator, status: int, key: str) -> web.Response:
    # The buyer's browser shows this: short, plain, no markup to escape.
    locale = _locale(request, translator)
    title, text = translator.get(locale, f"{key}-title"), translator.get(locale, f"{key}-text")
    return web.Response(status=status, text=f"{title}\n\n{text}\n", content_type="text/plain", charset="utf-8")


def paypal_routes(
    app: web.Application,
    payments: PaymentService,
    gateway: PayPalGateway,
    on_settled: OnSettled,
    bot_link: Callable[[int], str],
    translator: Translator,
) -> None:
    async def paypal_webhook(request: web.Request) -> web.Response:
        body = await read_body(request, MAX_BODY)
        if body is None:
            return web.json_response({"error": "body too large"}, status=413)
        try:
            event = await gateway.verify_webhook(request.headers, body)
            event_id, event_type = str(event["id"]), str(event["event_type"])
        except (WebhookRejected, KeyError, TypeError) as exc:
            log.warning("paypal webhook refused: %s", exc)
            return web.json_response({"error": "invalid signature or payload"}, status=400)
        except PaymentProviderDown as exc:
            log.warning("paypal webhook not verified yet: %s", exc)
            return web.json_response({"error": "try again"}, status=503)
        ref = _order_id(event_type, event.get("resource"))
        try:
            result = await payments.handle_event(PaymentProvider.PAYPAL, event_id, event_type, ref)
        except PaymentProviderDown as exc:
            log.warning("paypal event %s not settled yet: %s", event_id, exc)
            return web.json_response({"error": "try again"}, status=503)
        await on_settled(result)
        return web.json_response({"received": True, "outcome": str(result.outcome)})

    async def paypal_return(request: web.Request) -> web.StreamResponse:
        token = request.query.get("token", "")
        if not _ORDER_ID.fullmatch(token):
            return _page(request, translator, 400, "paypal-unknown")
        try:
            result = await payments.settle(PaymentProvider.PAYPAL, token)
        except PaymentProviderDown as exc:
            log.warning("paypal return for %s not settled yet: %s", token, exc)
            return _page(request, translator, 503, "paypal-down")
        if result.booking_id is None:
            # Not one of our orders (or forged): settle() changed nothing.
            return _page(request, translator, 400, "paypal-unknown")
        await on_settled(result)
        raise web.HTTPFound(bot_link(result.booking_id))

    app.router.add_post(WEBHOOK_PATH, paypal_webhook)
    app.router.add_get(RETURN_PATH, paypal_return)
