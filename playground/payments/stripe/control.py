"""Control routes of the Stripe sandbox, under /control/stripe/.

`POST webhooks {url, secret?, events?}` registers an endpoint (201; a `whsec_…`
secret is made when none is given), `GET webhooks`, `DELETE webhooks/{id}`,
`POST sweep` expires sessions whose time has come (after moving a test clock),
`GET sessions` lists them; delivery switches and the outage come from control.py.
"""

from __future__ import annotations

from aiohttp import web

from playground.payments.control import SharedControl, event_list, webhook_url
from playground.payments.httputil import (
    ControlError,
    Handler,
    control_guard,
    json_object,
    json_response,
)
from playground.payments.stripe.sandbox import StripeSandbox

PREFIX = "/control/stripe"


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

