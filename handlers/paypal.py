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
from typing import Annotated, Callable

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from domain.errors import PaymentProviderDown
from domain.payments import PaymentProvider
from domain.services.payments import PaymentService
from domain.services.settling import EventSubject
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


Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RelatedIds(_Loose):
    order_id: Ref | None = None


class Supplementary(_Loose):
    related_ids: RelatedIds | None = None


class Resource(_Loose):
    id: Ref | None = None
    supplementary_data: Supplementary | None = None


class PayPalEvent(_Loose):
    """The parts of a PayPal webhook event we read; anything else in it is ignored."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=128)]  # what the database keeps
    event_type: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    resource: Resource | None = None

    def subject(self) -> tuple[EventSubject, str | None]:
        """What the event is about: (subject, ref) for PaymentService.handle_event."""
        resource = self.resource or Resource()
        related = resource.supplementary_data.related_ids if resource.supplementary_data else None
        order = related.order_id if related else None
        return {
            # The buyer approved: capture (settle asks the order again first).
            "CHECKOUT.ORDER.APPROVED": (EventSubject.CHECKOUT, resource.id),
            "PAYMENT.CAPTURE.COMPLETED": (EventSubject.CHECKOUT, order),
            "PAYMENT.CAPTURE.DENIED": (EventSubject.CHECKOUT, order),
            # The resource of a refund event is the refund.
            "PAYMENT.CAPTURE.REFUNDED": (EventSubject.REFUND, resource.id),
        }.get(self.event_type, (EventSubject.NONE, None))


def parse_paypal_event(body: bytes) -> PayPalEvent:
    """The event in a webhook body; ValueError with a short reason otherwise."""
    try:
        return PayPalEvent.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ValueError(f"{where}: {first['msg']}"[:200]) from None


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
            # Read before asking PayPal: a body that is not an event costs no call out.
            event = parse_paypal_event(body)
        except ValueError as exc:
            log.warning("paypal webhook refused: malformed event: %s", exc)
            return web.json_response({"error": f"malformed event: {exc}"}, status=400)
        try:
            await gateway.verify_webhook(request.headers, body)
        except WebhookRejected as exc:
            log.warning("paypal webhook refused: %s", exc)
            return web.json_response({"error": "invalid signature"}, status=400)
        except PaymentProviderDown as exc:
            log.warning("paypal webhook not verified yet: %s", exc)
            return web.json_response({"error": "try again"}, status=503)
        subject, ref = event.subject()
        try:
            result = await payments.handle_event(PaymentProvider.PAYPAL, event.id, event.event_type, ref, subject)
        except PaymentProviderDown as exc:
            log.warning("paypal event %s not settled yet: %s", event.id, exc)
            return web.json_response({"error": "try again"}, status=503)
        except Exception:  # noqa: BLE001 - recorded unsettled; PayPal retries, reconcile reports it
            log.exception("paypal event %s (%s) could not be settled", event.id, event.event_type)
            return web.json_response({"error": "not settled; try again"}, status=500)
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
