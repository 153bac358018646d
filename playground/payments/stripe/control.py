"""Control routes of the Stripe sandbox, under /control/stripe/.

`POST webhooks {url, secret?, events?}` registers an endpoint (201; a `whsec_…`
secret is made when none is given), `GET webhooks`, `DELETE webhooks/{id}`,
`POST sweep` expires sessions whose time has come (after moving a test clock),
`GET sessions` lists them; delivery switches and the outage come from control.py.

The unhappy paths of money (JSON bodies, answers are Stripe's objects):
`POST sessions/{id}/settle {outcome}` settles a SEPA debit (succeeded / failed),
`GET|POST refunds/mode {mode, failure_reason?}` sets how the next refunds go
(succeeded / pending / failed), `POST refunds/{id}/settle {outcome, failure_reason?}`
settles a pending refund, `POST payment_intents/{id}/refund` refunds the rest of a
payment as an operator would in the Dashboard, `POST payment_intents/{id}/dispute
{reason?}` opens a chargeback.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from aiohttp import web

from playground.payments.control import SharedControl, event_list, webhook_url
from playground.payments.httputil import (
    ControlError,
    Handler,
    control_guard,
    json_object,
    json_response,
)
from playground.payments.ids import stripe_id
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.sandbox import ActionRefused, Origin, StripeSandbox

PREFIX = "/control/stripe"
T = TypeVar("T")


class StripeControl:
    def __init__(self, sandbox: StripeSandbox) -> None:
        self.sandbox = sandbox
        self.shared = SharedControl(PREFIX, sandbox.outbox, sandbox.outage)

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", f"{PREFIX}/webhooks", control_guard(self.list_webhooks)),
            ("POST", f"{PREFIX}/webhooks", control_guard(self.add_webhook)),
            ("DELETE", f"{PREFIX}/webhooks/{{id}}", control_guard(self.remove_webhook)),
            ("POST", f"{PREFIX}/sweep", control_guard(self.sweep)),
            ("GET", f"{PREFIX}/sessions", control_guard(self.sessions)),
            ("POST", f"{PREFIX}/sessions/{{id}}/settle", control_guard(self.settle_session)),
            ("GET", f"{PREFIX}/refunds/mode", control_guard(self.refund_mode)),
            ("POST", f"{PREFIX}/refunds/mode", control_guard(self.set_refund_mode)),
            ("POST", f"{PREFIX}/refunds/{{id}}/settle", control_guard(self.settle_refund)),
            ("POST", f"{PREFIX}/payment_intents/{{id}}/refund",
             control_guard(self.dashboard_refund)),
            ("POST", f"{PREFIX}/payment_intents/{{id}}/dispute", control_guard(self.dispute)),
            *self.shared.routes(),
        ]

    async def list_webhooks(self, request: web.Request) -> web.Response:
        return json_response([e.to_json() for e in self.sandbox.outbox.endpoints])

    async def add_webhook(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        url = webhook_url(body.get("url"))
        secret = body.get("secret")
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise ControlError(400, "secret must be a non-empty string")
        events = event_list(body.get("events"))
        endpoint = self.sandbox.add_webhook(url, secret, events)
        return json_response(endpoint.to_json(), 201)

    async def remove_webhook(self, request: web.Request) -> web.Response:
        if not self.sandbox.outbox.remove(request.match_info["id"]):
            raise ControlError(404, "no such webhook endpoint")
        return json_response({"deleted": True})

    async def sweep(self, request: web.Request) -> web.Response:
        return json_response({"expired": self.sandbox.sweep()})

    async def sessions(self, request: web.Request) -> web.Response:
        return json_response([s.to_json() for s in self.sandbox.list_sessions()])


    async def settle_session(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        session_id = request.match_info["id"]
        session = _checked(lambda: self.sandbox.settle_debit(session_id, body.get("outcome")))
        return json_response(session.to_json())

    async def refund_mode(self, request: web.Request) -> web.Response:
        desk = self.sandbox.refunds
        return json_response({"mode": desk.mode, "failure_reason": desk.failure_reason})

    async def set_refund_mode(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        _checked(lambda: self.sandbox.refunds.set_mode(body.get("mode"), body.get("failure_reason")))
        return await self.refund_mode(request)

    async def settle_refund(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        refund = _checked(lambda: self.sandbox.refunds.settle(
            request.match_info["id"], body.get("outcome"), body.get("failure_reason")))
        return json_response(refund.to_json())

    async def dashboard_refund(self, request: web.Request) -> web.Response:
        # A Dashboard action is a request of its own: its events carry a request id.
        origin = Origin(request_id=stripe_id("req_", 14))
        refund = _checked(lambda: self.sandbox.refunds.refund_in_dashboard(
            request.match_info["id"], origin))
        return json_response(refund.to_json(), 201)

    async def dispute(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        reason = body.get("reason", "fraudulent")
        dispute = _checked(lambda: self.sandbox.refunds.open_dispute(request.match_info["id"], reason))
        return json_response(dispute.to_json(), 201)


def _checked(action: Callable[[], T]) -> T:
    """The sandbox's refusals as control errors: 404 unknown, 409 not now, 400 bad body."""
    try:
        return action()
    except StripeError as error:
        raise ControlError(404 if error.status == 404 else 409, error.message) from None
    except ActionRefused as reason:
        raise ControlError(409, str(reason)) from None
    except (TypeError, ValueError) as error:
        raise ControlError(400, str(error)) from None
