"""PayPal Orders v2 behind the PaymentGateway port, over aiohttp.

paypalrestsdk is deprecated (v1 Payments API) and the official paypal-server-sdk is
synchronous and fixed to PayPal's hosts, so the few REST calls are made here. The
base address comes from PAYPAL_API_URL: the playground's sandbox, PayPal's own
sandbox and live PayPal are reached the same way.

Flow: create an order (intent CAPTURE) -> the buyer approves it on PayPal -> we
capture it (PaymentService.settle does, on the return route or the webhook) -> paid.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import aiohttp

from domain.errors import PaymentProviderDown, PaymentsMisconfigured
from domain.money import Money
from domain.payments import (
    CheckoutRequest,
    PaymentProvider,
    ProviderCheckout,
    ProviderPayment,
    ProviderRefund,
    ProviderStatus,
    RefundStatus,
)
from infrastructure.payments.paypal_answers import (
    bearer,
    issue_of,
    parse_json,
    link_of,
    order_payment,
    refund_of,
    refused,
    safe_id,
)
from infrastructure.payments.locales import paypal_locale
from infrastructure.payments.units import to_paypal_value

log = logging.getLogger(__name__)

PAYPAL_SANDBOX_URL = "https://api-m.sandbox.paypal.com"
PAYPAL_LIVE_URL = "https://api-m.paypal.com"

# Refresh a token this long before PayPal says it lapses, so that a call in flight
# never carries one that dies on the way (PayPal hands out ~9-hour tokens).
TOKEN_MARGIN = 300.0
_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5)
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})

_SIGNATURE_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}


class WebhookRejected(Exception):
    """A delivery PayPal does not vouch for: bad signature, headers or body."""


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    refresh_at: float  # on the gateway's monotonic clock


def _now() -> float:
    return time.monotonic()


class PayPalGateway:
    provider = PaymentProvider.PAYPAL

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        api_url: str,
        webhook_id: str,
        session: aiohttp.ClientSession | None = None,
        *,
        return_url: str | None = None,
        brand_name: str = "CineBooker",
        retries: int = 2,
        backoff: float = 0.2,
        clock: Callable[[], float] = _now,
    ) -> None:
        """`return_url`: where PayPal sends the buyer after approving (our
        GET /payments/paypal/return, which captures and then redirects into the
        bot); without it the request's success_url is used. `retries`: extra
        attempts on a transient failure, `backoff` seconds apart and doubling (every
        call is safe to repeat: POSTs carry a PayPal-Request-Id)."""
        self.api_url = (api_url or PAYPAL_SANDBOX_URL).rstrip("/")
        self.webhook_id = webhook_id
        self.return_url = return_url
        self.brand_name = brand_name[:127]
        # Basic auth built by hand: aiohttp.BasicAuth is deprecated in newer aiohttp.
        self._basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._session = session
        self._owns_session = session is None
        self._retries = max(0, retries)
        self._backoff = backoff
        self._clock = clock
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    # --- plumbing ----------------------------------------------------------------------

    def _http(self) -> aiohttp.ClientSession:
        # Made lazily: a ClientSession belongs to the running event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
            self._owns_session = True
        return self._session

    async def _send(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        """One HTTP exchange with transient failures retried, then PaymentProviderDown."""
        url = self.api_url + path
        problem = ""
        for attempt in range(self._retries + 1):
            try:
                async with self._http().request(method, url, **kwargs) as response:
                    status = response.status
                    raw = await response.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if status not in _TRANSIENT_STATUS:
                    return status, parse_json(raw)
                problem = f"HTTP {status}"
            if attempt < self._retries:
                await asyncio.sleep(self._backoff * 2**attempt)
        log.warning("paypal %s %s failed: %s", method, path, problem)
        raise PaymentProviderDown(f"paypal: {method} {path}: {problem}", provider="paypal")

    async def _access_token(self, *, stale: str | None = None) -> str:
        async with self._token_lock:
            token = self._token
            # Another task may have refreshed it while this one waited for the lock.
            if token is not None and token.value != stale and self._clock() < token.refresh_at:
                return token.value
            started = self._clock()
            status, body = await self._send(
                "POST", "/v1/oauth2/token", data={"grant_type": "client_credentials"},
                headers={"Accept": "application/json", "Authorization": self._basic},
            )
            if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
                # Wrong credentials are an operator's fix; to a customer PayPal is just unavailable.
                log.error(
                    "paypal refused the client credentials (HTTP %s %s); check CINEBOOKER_PAYPAL_CLIENT_ID and "
                    "CINEBOOKER_PAYPAL_CLIENT_SECRET", status, issue_of(body),
                )
                raise PaymentsMisconfigured(f"paypal: token request answered {status}", provider="paypal")
            lifetime = float(body.get("expires_in") or 0)
            margin = min(TOKEN_MARGIN, lifetime / 10)
            self._token = _Token(str(body["access_token"]), started + lifetime - margin)
            return self._token.value

    async def _api(
        self, method: str, path: str, *, body: Any = None, request_id: str | None = None,
        content: bytes | None = None,
    ) -> tuple[int, Any]:
        """An authenticated call; a 401 gets one fresh token (PayPal may revoke early)."""
        headers = {"Accept": "application/json", "Prefer": "return=representation"}
        if request_id:
            headers["PayPal-Request-Id"] = request_id
        if content is None and body is not None:
            content = json.dumps(body, ensure_ascii=False).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        token = await self._access_token()
        status, answer = await self._send(method, path, data=content, headers={**headers, **bearer(token)})
        if status == 401:
            token = await self._access_token(stale=token)
            status, answer = await self._send(method, path, data=content, headers={**headers, **bearer(token)})
            if status == 401:
                log.error("paypal refused a fresh token for %s %s; check the PayPal credentials", method, path)
                raise PaymentsMisconfigured(f"paypal: {method} {path}: a fresh token refused", provider="paypal")
        if status == 403:
            log.error("paypal: %s %s is not permitted for this account (%s)", method, path, issue_of(answer))
            raise PaymentsMisconfigured(f"paypal: {method} {path}: not permitted", provider="paypal")
        return status, answer

    async def _ok(
        self, method: str, path: str, *, body: Any = None, request_id: str | None = None
    ) -> dict[str, Any]:
        status, answer = await self._api(method, path, body=body, request_id=request_id)
        if status >= 400 or not isinstance(answer, dict):
            raise refused(f"{method} {path}", status, answer)
        return answer

    # --- the port ------------------------------------------------------------------------

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout:
        booking = str(request.booking_id)
        currency = request.total.currency
        unit: dict[str, Any] = {
            "reference_id": booking,
            "custom_id": booking,
            "description": _unit_description(request),
            "amount": {"currency_code": currency, "value": to_paypal_value(request.total)},
        }
        item_total = sum(line.amount.amount * line.quantity for line in request.lines)
        # PayPal refuses items whose sum differs from the amount; they are shown to the
        # buyer only, so a rounding difference just leaves them out.
        same_currency = all(line.amount.currency == currency for line in request.lines)
        if request.lines and same_currency and item_total == request.total.amount:
            unit["amount"]["breakdown"] = {
                "item_total": {"currency_code": currency, "value": to_paypal_value(request.total)}
            }
            unit["items"] = [
                {
                    "name": line.name[:127],
                    "quantity": str(line.quantity),
                    "unit_amount": {"currency_code": currency, "value": to_paypal_value(line.amount)},
                    "category": "DIGITAL_GOODS",
                }
                for line in request.lines
            ]
        experience: dict[str, Any] = {
            "return_url": self.return_url or request.success_url,
            "cancel_url": request.cancel_url,
            "brand_name": self.brand_name,
            "user_action": "PAY_NOW",
            "shipping_preference": "NO_SHIPPING",
        }
        locale = paypal_locale(request.locale)
        if locale:
            experience["locale"] = locale
        # experience_context replaces the deprecated application_context.
        body = {"intent": "CAPTURE", "purchase_units": [unit], "payment_source": {"paypal": {"experience_context": experience}}}
        order = await self._ok("POST", "/v2/checkout/orders", body=body, request_id=request.idempotency_key)
        url = link_of(order, "payer-action") or link_of(order, "approve")
        if not order.get("id") or not url:
            log.error("paypal: order without an approval link: %s", str(order)[:300])
            raise PaymentProviderDown("paypal: order without an approval link", provider="paypal")
        # An unapproved order lapses at PayPal on its own (hours, not our window).
        return ProviderCheckout(str(order["id"]), url, None)

    async def fetch(self, provider_ref: str) -> ProviderPayment:
        status, order = await self._api("GET", f"/v2/checkout/orders/{safe_id(provider_ref)}")
        if status == 404:
            # PayPal forgets unapproved orders after a while: it can no longer be paid.
            return ProviderPayment(provider_ref, ProviderStatus.EXPIRED)
        if status >= 400 or not isinstance(order, dict):
            raise refused(f"read order {provider_ref}", status, order)
        return order_payment(provider_ref, order)

    async def capture(self, provider_ref: str, idempotency_key: str) -> ProviderPayment:
        status, order = await self._api(
            "POST", f"/v2/checkout/orders/{safe_id(provider_ref)}/capture", request_id=idempotency_key
        )
        if status == 422:
            # ORDER_ALREADY_CAPTURED (another settle won) or not approved (yet, or any
            # more): either way the order's own state is the answer.
            log.info("paypal capture of %s refused (%s): fetching", provider_ref, issue_of(order))
            return await self.fetch(provider_ref)
        if status >= 400 or not isinstance(order, dict):
            raise refused(f"capture order {provider_ref}", status, order)
        return order_payment(provider_ref, order)

    async def expire(self, provider_ref: str) -> None:
        """Nothing to do: PayPal has no call to void a CAPTURE order from the shop's
        side. An unapproved order lapses by itself; one approved after our payment
        window is captured by settle() as a late payment: confirmed if its seats are
        still free, refunded otherwise. Never oversold either way."""
        return None

    async def refund(self, paid_ref: str, amount: Money | None, idempotency_key: str) -> ProviderRefund:
        body = {"amount": {"currency_code": amount.currency, "value": to_paypal_value(amount)}} if amount else {}
        path = f"/v2/payments/captures/{safe_id(paid_ref)}/refund"
        status, answer = await self._api("POST", path, body=body, request_id=idempotency_key)
        if status == 422 and issue_of(answer) == "CAPTURE_FULLY_REFUNDED":
            # Refunded already (in PayPal's dashboard, say): done, though not by us.
            return ProviderRefund(None, RefundStatus.SUCCEEDED, "refunded outside CineBooker")
        if status >= 400 or not isinstance(answer, dict):
            raise refused(f"refund capture {paid_ref}", status, answer)
        return refund_of(answer)

    async def fetch_refund(self, refund_ref: str) -> ProviderRefund:
        return refund_of(await self._ok("GET", f"/v2/payments/refunds/{safe_id(refund_ref)}"))

    # --- webhooks ------------------------------------------------------------------------

    async def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """The event of a delivery, once PayPal confirms it sent exactly these bytes
        to our webhook; WebhookRejected otherwise. PaymentProviderDown when PayPal
        cannot be asked (answer 5xx so that PayPal delivers again)."""
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebhookRejected(f"body is not JSON: {exc}") from exc
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event.get("event_type"):
            raise WebhookRejected("body is not a PayPal event")
        lowered = {key.lower(): value for key, value in headers.items()}
        fields = {name: lowered.get(header, "") for name, header in _SIGNATURE_HEADERS.items()}
        missing = [header for name, header in _SIGNATURE_HEADERS.items() if not fields[name]]
        if missing:
            raise WebhookRejected(f"missing headers: {', '.join(missing)}")
        # The event goes back as the bytes received, not re-serialised: PayPal checks
        # the signature over what it sent, and a round trip through json may alter it.
        prefix = json.dumps({**fields, "webhook_id": self.webhook_id})[:-1]
        content = f'{prefix}, "webhook_event": '.encode() + body.strip() + b"}"
        status, answer = await self._api("POST", "/v1/notifications/verify-webhook-signature", content=content)
        if status >= 400 or not isinstance(answer, dict):
            raise WebhookRejected(f"verification refused: {status} {issue_of(answer)}")
        if answer.get("verification_status") != "SUCCESS":
            raise WebhookRejected(f"verification_status {answer.get('verification_status')!r}")
        return event


PAYPAL_TEXT_MAX = 127  # characters of a purchase unit's description (PayPal's limit)


def _unit_description(request: CheckoutRequest) -> str:
    """What the order is for, the deadline first: PayPal's page shows the unit's
    description, and a long title must not push the deadline past the limit."""
    if not request.deadline_note:
        return request.description[:PAYPAL_TEXT_MAX]
    text = f"{request.deadline_note} · {request.description}"
    return text if len(text) <= PAYPAL_TEXT_MAX else text[: PAYPAL_TEXT_MAX - 1].rstrip() + "…"
