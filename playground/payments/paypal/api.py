"""PayPal's REST subset (OAuth 2 token, Orders v2, captures, refunds, webhook checks).

Every call but the token call needs `Authorization: Bearer <token>`. POSTs honour
PayPal-Request-Id: a repeated id answers with the latest state of what the first
request made (PayPal's documented behaviour), whatever the new body says.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web

from playground.payments.clock import iso_time
from playground.payments.httputil import Handler, drop_connection, json_response, origin
from playground.payments.ids import hex_token
from playground.payments.paypal.auth import Token
from playground.payments.paypal.errors import PayPalError
from playground.payments.paypal.params import order_spec, refund_spec
from playground.payments.paypal.sandbox import PayPalSandbox, Remembered

PAGE_ROUTE = "playground-paypal-approve-page"
ACTION_ROUTE = "playground-paypal-approve-action"
_VERIFY_FIELDS = ("auth_algo", "cert_url", "transmission_id", "transmission_sig",
                  "transmission_time", "webhook_id", "webhook_event")
_SCOPES = ("https://uri.paypal.com/services/payments/payment "
           "https://uri.paypal.com/services/payments/refund "
           "https://uri.paypal.com/services/checkout/orders "
           "https://uri.paypal.com/services/applications/webhooks")


@dataclass(frozen=True)
class Call:
    request: web.Request
    token: Token
    base: str


@dataclass(frozen=True)
class Result:
    status: int
    render: Callable[[], dict[str, Any]]


Action = Callable[[Call], Awaitable[Result]]


class PayPalApi:
    def __init__(self, sandbox: PayPalSandbox) -> None:
        self.sandbox = sandbox

    def routes(self) -> list[tuple[str, str, Handler]]:
        def route(action: Action, *, idempotent: bool = False) -> Handler:
            async def handle(request: web.Request) -> web.StreamResponse:
                return await self._serve(request, action, idempotent)
            return handle

        return [
            ("POST", "/v1/oauth2/token", self.token),
            ("POST", "/v2/checkout/orders", route(self.create_order, idempotent=True)),
            ("GET", "/v2/checkout/orders/{id}", route(self.get_order)),
            ("POST", "/v2/checkout/orders/{id}/capture", route(self.capture, idempotent=True)),
            ("GET", "/v2/payments/captures/{id}", route(self.get_capture)),
            ("POST", "/v2/payments/captures/{id}/refund", route(self.refund, idempotent=True)),
            ("GET", "/v2/payments/refunds/{id}", route(self.get_refund)),
            ("POST", "/v1/notifications/verify-webhook-signature", route(self.verify_signature)),
            ("GET", "/v1/notifications/webhooks-events/{id}", route(self.get_event)),
            ("GET", "/v1/notifications/certs/{name}", self.certificate),
        ]

    # --- the pipeline ------------------------------------------------------------------

    async def _serve(self, request: web.Request, action: Action,
                     idempotent: bool) -> web.StreamResponse:
        sandbox = self.sandbox
        if sandbox.outage.take():
            if sandbox.outage.mode == "disconnect":
                return drop_connection(request)
            return PayPalError.outage(sandbox.outage.status).response()
        try:
            token = self._bearer(request)
            base = self._base(request)
            request_id = request.headers.get("PayPal-Request-Id") if idempotent else None
            key = (token.client_id, request_id or "")
            if request_id:
                remembered = sandbox.remembered.get(key)
                if remembered is not None:
                    if remembered.path != request.path:
                        raise PayPalError.unprocessable("PAYPAL_REQUEST_ID_PREVIOUSLY_USED")
                    return self._answer(remembered.status, remembered.render())
            result = await action(Call(request, token, base))
        except PayPalError as error:
            return error.response()
        if request_id:
            sandbox.remembered[key] = Remembered(request.path, result.status, result.render)
        return self._answer(result.status, result.render())

    def _answer(self, status: int, body: dict[str, Any]) -> web.Response:
        return json_response(body, status, {"Paypal-Debug-Id": hex_token(7)})

    def _bearer(self, request: web.Request) -> Token:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = self.sandbox.tokens.check(value.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise PayPalError.unauthenticated()
        return token

    def _base(self, request: web.Request) -> str:
        """This server's address with any sub-app prefix, for links and page URLs."""
        probe = str(request.app.router[PAGE_ROUTE].url_for(order_id="x"))
        return origin(request, self.sandbox.public_url) + probe[: -len("/pay/paypal/x")]

    # --- OAuth 2 -------------------------------------------------------------------------

    async def token(self, request: web.Request) -> web.StreamResponse:
        sandbox = self.sandbox
        if sandbox.outage.take():
            if sandbox.outage.mode == "disconnect":
                return drop_connection(request)
            return PayPalError.outage(sandbox.outage.status).response()
        client_id, secret = _basic(request.headers.get("Authorization", ""))
        if not sandbox.tokens.accepts(client_id, secret):
            return json_response({"error": "invalid_client",
                                  "error_description": "Client Authentication failed"}, 401)
        form = await request.post()
        grant_type = form.get("grant_type")
        if not isinstance(grant_type, str) or not grant_type:
            return json_response({"error": "unsupported_grant_type",
                                  "error_description": "Grant Type is NULL"}, 400)
        if grant_type != "client_credentials":
            return json_response({"error": "unsupported_grant_type",
                                  "error_description": f"Grant Type is not supported: {grant_type}"},
                                 400)
        token = sandbox.tokens.issue(client_id)
        return json_response({
            "scope": _SCOPES,
            "access_token": token.value,
            "token_type": "Bearer",
            "app_id": "APP-PLAYGROUND",
            "expires_in": int(token.expires_at - sandbox.clock()),
            "nonce": f"{iso_time(sandbox.clock())}{hex_token(8)}",
        })

    # --- orders --------------------------------------------------------------------------

    async def create_order(self, call: Call) -> Result:
        spec = order_spec(await _json_body(call.request, required=True))
        order = self.sandbox.create_order(spec, call.base)
        full = _wants_representation(call.request)
        return Result(201, order.to_json if full else order.minimal_json)

    async def get_order(self, call: Call) -> Result:
        return Result(200, self.sandbox.order(call.request.match_info["id"]).to_json)

    async def capture(self, call: Call) -> Result:
        await _json_body(call.request, required=False)  # payment_source is not modelled
        order = self.sandbox.capture(call.request.match_info["id"])
        return Result(201, order.to_json)

    # --- captures and refunds ---------------------------------------------------------------

    async def get_capture(self, call: Call) -> Result:
        return Result(200, self.sandbox.capture_by_id(call.request.match_info["id"]).to_json)

    async def refund(self, call: Call) -> Result:
        spec = refund_spec(await _json_body(call.request, required=False))
        refund = self.sandbox.refund(call.request.match_info["id"], spec, call.base)
        full = _wants_representation(call.request)
        return Result(201, refund.to_json if full else refund.minimal_json)

    async def get_refund(self, call: Call) -> Result:
        return Result(200, self.sandbox.refund_by_id(call.request.match_info["id"]).to_json)

    # --- webhooks ----------------------------------------------------------------------------

    async def verify_signature(self, call: Call) -> Result:
        body = await _json_body(call.request, required=True)
        if not isinstance(body, dict):
            raise PayPalError.invalid("/", "MALFORMED_REQUEST_JSON")
        missing = [name for name in _VERIFY_FIELDS if body.get(name) in (None, "")]
        wrong = [name for name in _VERIFY_FIELDS[:-1]
                 if name not in missing and not isinstance(body[name], str)]
        if not isinstance(body.get("webhook_event", {}), dict):
            wrong.append("webhook_event")
        if missing or wrong:
            raise PayPalError(400, "VALIDATION_ERROR", [
                {"field": name, "location": "body",
                 "issue": "Required field cannot be blank" if name in missing else "Invalid data type"}
                for name in missing + wrong], "Invalid request - see details")
        ok = self.sandbox.transmissions.verify(
            auth_algo=body["auth_algo"], cert_url=body["cert_url"],
            transmission_id=body["transmission_id"], transmission_sig=body["transmission_sig"],
            transmission_time=body["transmission_time"], webhook_id=body["webhook_id"],
            webhook_event=body["webhook_event"])
        status = "SUCCESS" if ok else "FAILURE"
        return Result(200, lambda: {"verification_status": status})

    async def get_event(self, call: Call) -> Result:
        return Result(200, self.sandbox.event(call.request.match_info["id"]).to_json)

    async def certificate(self, request: web.Request) -> web.Response:
        # There is no certificate to check offline: the sandbox signs with an HMAC.
        return web.Response(text="The PayPal playground signs webhooks with an HMAC, not a "
                                 "certificate: verify them with POST "
                                 "/v1/notifications/verify-webhook-signature.\n",
                            content_type="text/plain")


def _basic(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


async def _json_body(request: web.Request, *, required: bool) -> Any:
    raw = await request.read()
    if not raw.strip():
        if required:
            raise PayPalError.invalid("/", "MALFORMED_REQUEST_JSON")
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise PayPalError.invalid("/", "MALFORMED_REQUEST_JSON") from None


def _wants_representation(request: web.Request) -> bool:
    return "return=representation" in request.headers.get("Prefer", "")
