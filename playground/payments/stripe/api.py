"""Stripe's HTTP API subset, in Stripe's shapes, so the official SDK works against it.

Every call: outage switch, API key (Bearer or Basic, any test-mode key), parameters
from the query and the form body, Idempotency-Key replay for POSTs, lazy expiry,
then the action. Answers carry Request-Id like Stripe's; errors carry
`request_log_url` like Stripe's. An action validates its parameters, then calls
`call.begin()`: from there on its answer, error or not, is saved for its
Idempotency-Key (see idempotency.py).
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from aiohttp import web

from playground.payments.httputil import Handler, drop_connection, json_response, origin
from playground.payments.ids import stripe_id
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.forms import parse_form
from playground.payments.stripe.objects import API_VERSION, CheckoutSession, PaymentIntent
from playground.payments.stripe.params import (
    expand_list,
    list_limit,
    refund_spec,
    session_spec,
)
from playground.payments.stripe.sandbox import Origin, StripeSandbox

PAGE_ROUTE = "playground-stripe-pay-page"
ACTION_ROUTE = "playground-stripe-pay-action"

_SESSION_EXPANDABLE = {"line_items", "payment_intent", "payment_intent.latest_charge"}
_INTENT_EXPANDABLE = {"latest_charge"}
log = logging.getLogger("playground.payments.stripe")


@dataclass
class Call:
    request: web.Request
    params: dict[str, Any]
    origin: Origin
    began: bool = False

    def begin(self) -> None:
        """The parameters are valid: the endpoint executes, its answer is kept."""
        self.began = True


Action = Callable[[Call], dict[str, Any]]
T = TypeVar("T")


class StripeApi:
    def __init__(self, sandbox: StripeSandbox) -> None:
        self.sandbox = sandbox

    def routes(self) -> list[tuple[str, str, Handler]]:
        def route(action: Action) -> Handler:
            async def handle(request: web.Request) -> web.StreamResponse:
                return await self._serve(request, action)
            return handle

        return [
            ("POST", "/v1/checkout/sessions", route(self.create_session)),
            ("GET", "/v1/checkout/sessions", route(self.list_sessions)),
            ("GET", "/v1/checkout/sessions/{id}", route(self.get_session)),
            ("GET", "/v1/checkout/sessions/{id}/line_items", route(self.session_line_items)),
            ("POST", "/v1/checkout/sessions/{id}/expire", route(self.expire_session)),
            ("GET", "/v1/payment_intents/{id}", route(self.get_payment_intent)),
            ("GET", "/v1/charges/{id}", route(self.get_charge)),
            ("POST", "/v1/refunds", route(self.create_refund)),
            ("GET", "/v1/refunds", route(self.list_refunds)),
            ("GET", "/v1/refunds/{id}", route(self.get_refund)),
            ("GET", "/v1/disputes/{id}", route(self.get_dispute)),
            ("GET", "/v1/events", route(self.list_events)),
            ("GET", "/v1/events/{id}", route(self.get_event)),
        ]

    # --- the pipeline ----------------------------------------------------------------------

    async def _serve(self, request: web.Request, action: Action) -> web.StreamResponse:
        sandbox = self.sandbox
        request_id = stripe_id("req_", 14)
        headers = {"Request-Id": request_id,
                   "Stripe-Version": request.headers.get("Stripe-Version", API_VERSION)}
        log_url = f"https://dashboard.stripe.com/test/logs/{request_id}?t={sandbox.now()}"
        if sandbox.outage.take():
            # Refused at the front door: the endpoint never ran, so no key keeps this.
            if sandbox.outage.mode == "disconnect":
                return drop_connection(request)
            return StripeError.api_error(sandbox.outage.status).response(headers, log_url)
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        call: Call | None = None
        try:
            api_key = self._api_key(request)
            pairs = list(request.query.items())
            if request.method == "POST":
                form = await request.post()
                pairs += [(k, v) for k, v in form.items() if isinstance(v, str)]
            params = parse_form(pairs)
            if key:
                saved = sandbox.idempotency.replay(api_key, key, request.path, params)
                if saved is not None:
                    return json_response(saved.body, saved.status,
                                         {**headers, "Idempotent-Replayed": "true",
                                          "Idempotency-Key": key})
            sandbox.sweep()
            call = Call(request, params, Origin(request_id, key))
            status, body = 200, action(call)
        except StripeError as error:
            status, body = error.status, error.to_json(log_url)
        except web.HTTPException:
            raise
        except Exception:
            # A fault inside the sandbox: Stripe's 500 shape, so the SDK can parse it.
            log.exception("Stripe sandbox: %s %s failed", request.method, request.path)
            status = 500
            body = StripeError.api_error(500, "An unknown error occurred").to_json(log_url)
        if key and call is not None and (status == 200 or call.began):
            sandbox.idempotency.save(api_key, key, request.path, call.params, status, body)
            headers["Idempotency-Key"] = key
        return json_response(body, status, headers)

    def _api_key(self, request: web.Request) -> str:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        key = ""
        if scheme.lower() == "bearer":
            key = value.strip()
        elif scheme.lower() == "basic":
            # curl -u sk_test_…: sends "key:" in Basic auth; Stripe accepts it.
            try:
                key = base64.b64decode(value.strip()).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                key = ""
        if not key:
            raise StripeError.no_api_key()
        if not self.sandbox.accepts_key(key):
            raise StripeError.bad_api_key(key)
        return key

    # --- checkout sessions ---------------------------------------------------------------

    def create_session(self, call: Call) -> dict[str, Any]:
        expand = _expand(call.params, _SESSION_EXPANDABLE)
        spec = session_spec({k: v for k, v in call.params.items() if k != "expand"},
                            self.sandbox.now())
        call.begin()
        request = call.request

        def page_url(session_id: str) -> str:
            path = request.app.router[PAGE_ROUTE].url_for(session_id=session_id)
            return origin(request, self.sandbox.public_url) + str(path)

        session = self.sandbox.create_session(spec, page_url)
        return self._session_json(session, expand)

    def list_sessions(self, call: Call) -> dict[str, Any]:
        _only(call.params, {"limit", "starting_after", "ending_before", "payment_intent",
                            "status", "expand"})
        status = call.params.get("status")
        if status is not None and status not in ("open", "complete", "expired"):
            raise StripeError.invalid("status", "Invalid status: must be one of open, complete, or expired")
        sessions = self.sandbox.list_sessions(payment_intent=call.params.get("payment_intent"),
                                              status=status)
        expand = {e.removeprefix("data.") for e in _expand(call.params, {
            f"data.{e}" for e in _SESSION_EXPANDABLE})}
        return _list_page(sessions, call.params, "/v1/checkout/sessions",
                          lambda s: self._session_json(s, expand), lambda s: s.id)

    def get_session(self, call: Call) -> dict[str, Any]:
        expand = _expand(call.params, _SESSION_EXPANDABLE)
        return self._session_json(self.sandbox.session(call.request.match_info["id"]), expand)

    def session_line_items(self, call: Call) -> dict[str, Any]:
        _only(call.params, {"limit", "starting_after", "ending_before", "expand"})
        session = self.sandbox.session(call.request.match_info["id"])
        return _list_page(session.line_items, call.params,
                          f"/v1/checkout/sessions/{session.id}/line_items",
                          lambda item: item.to_json(), lambda item: item.id)

    def expire_session(self, call: Call) -> dict[str, Any]:
        expand = _expand(call.params, _SESSION_EXPANDABLE)
        _only(call.params, {"expand"})
        call.begin()
        session = self.sandbox.expire(call.request.match_info["id"], call.origin)
        return self._session_json(session, expand)

    def _session_json(self, session: CheckoutSession, expand: set[str]) -> dict[str, Any]:
        body = session.to_json()
        if "line_items" in expand:
            body["line_items"] = {"object": "list", "data": [i.to_json() for i in session.line_items],
                                  "has_more": False,
                                  "url": f"/v1/checkout/sessions/{session.id}/line_items"}
        if session.payment_intent and expand & {"payment_intent", "payment_intent.latest_charge"}:
            intent = self.sandbox.payment_intent(session.payment_intent)
            inner = {"latest_charge"} if "payment_intent.latest_charge" in expand else set()
            body["payment_intent"] = self._intent_json(intent, inner)
        return body

    # --- payment intents, charges, refunds --------------------------------------------------

    def get_payment_intent(self, call: Call) -> dict[str, Any]:
        expand = _expand(call.params, _INTENT_EXPANDABLE)
        return self._intent_json(self.sandbox.payment_intent(call.request.match_info["id"]), expand)

    def _intent_json(self, intent: PaymentIntent, expand: set[str]) -> dict[str, Any]:
        body = intent.to_json()
        if "latest_charge" in expand and intent.latest_charge:
            body["latest_charge"] = self.sandbox.charge(intent.latest_charge).to_json()
        return body

    def get_charge(self, call: Call) -> dict[str, Any]:
        _expand(call.params, set())
        return self.sandbox.charge(call.request.match_info["id"]).to_json()

    def create_refund(self, call: Call) -> dict[str, Any]:
        _expand(call.params, set())
        spec = refund_spec(call.params)
        call.begin()
        return self.sandbox.refunds.create(spec, call.origin).to_json()

    def get_refund(self, call: Call) -> dict[str, Any]:
        _expand(call.params, set())
        return self.sandbox.refunds.get(call.request.match_info["id"]).to_json()

    def list_refunds(self, call: Call) -> dict[str, Any]:
        _only(call.params, {"limit", "starting_after", "ending_before", "payment_intent", "charge", "expand"})
        intent, charge = call.params.get("payment_intent"), call.params.get("charge")
        refunds = [
            r for r in sorted(self.sandbox.refunds.by_id.values(), key=lambda r: (r.created, r.id), reverse=True)
            if (intent is None or r.payment_intent == intent) and (charge is None or r.charge == charge)
        ]
        return _list_page(refunds, call.params, "/v1/refunds", lambda r: r.to_json(), lambda r: r.id)

    def get_dispute(self, call: Call) -> dict[str, Any]:
        _expand(call.params, set())
        return self.sandbox.refunds.dispute(call.request.match_info["id"]).to_json()

    # --- events --------------------------------------------------------------------------

    def list_events(self, call: Call) -> dict[str, Any]:
        params = call.params
        _only(params, {"limit", "starting_after", "ending_before", "type", "types", "created",
                       "delivery_success", "expand"})
        types: set[str] = set()
        if isinstance(params.get("type"), str):
            types.add(params["type"])
        if params.get("types") is not None:
            if not isinstance(params["types"], list):
                raise StripeError.invalid("types", "Invalid array")
            types.update(str(t) for t in params["types"])
        events = self.sandbox.list_events(types)
        created = params.get("created")
        if created is not None:
            events = [e for e in events if _created_matches(e.created, created)]
        return _list_page(events, params, "/v1/events", lambda e: e.to_json(), lambda e: e.id)

    def get_event(self, call: Call) -> dict[str, Any]:
        _expand(call.params, set())
        return self.sandbox.event(call.request.match_info["id"]).to_json()


# --- helpers -----------------------------------------------------------------------------------

def _expand(params: dict[str, Any], allowed: set[str]) -> set[str]:
    expand = expand_list(params)
    for i, name in enumerate(sorted(expand)):
        if name not in allowed:
            raise StripeError.invalid(f"expand[{i}]", f"This property cannot be expanded ({name}).")
    return expand


def _only(params: dict[str, Any], allowed: set[str]) -> None:
    for key in params:
        if key not in allowed:
            raise StripeError.unknown(key)


def _created_matches(created: int, condition: Any) -> bool:
    if isinstance(condition, str):
        return created == _int_param(condition, "created")
    if not isinstance(condition, dict):
        raise StripeError.invalid("created", "Invalid hash")
    checks = {"gt": created.__gt__, "gte": created.__ge__, "lt": created.__lt__,
              "lte": created.__le__}
    for op, value in condition.items():
        if op not in checks:
            raise StripeError.unknown(f"created[{op}]")
        if not checks[op](_int_param(value, f"created[{op}]")):
            return False
    return True


def _int_param(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError.invalid_integer(name, value) from None


def _list_page(items: Sequence[T], params: dict[str, Any], url: str,
               to_json: Callable[[T], dict[str, Any]], id_of: Callable[[T], str]) -> dict[str, Any]:
    """Stripe's cursor pagination over a newest-first sequence."""
    limit = list_limit(params)
    ids = [id_of(item) for item in items]
    after, before = params.get("starting_after"), params.get("ending_before")
    if after:
        if after not in ids:
            raise StripeError.no_such("object", str(after), "starting_after")
        rest = list(items[ids.index(after) + 1:])
        page, has_more = rest[:limit], len(rest) > limit
    elif before:
        if before not in ids:
            raise StripeError.no_such("object", str(before), "ending_before")
        rest = list(items[:ids.index(before)])
        page, has_more = rest[-limit:], len(rest) > limit
    else:
        page, has_more = list(items[:limit]), len(items) > limit
    return {"object": "list", "data": [to_json(item) for item in page], "has_more": has_more,
            "url": url}
