"""Control routes of the PayPal sandbox, under /control/paypal/.

`POST webhooks {url, webhook_id?, events?}` registers a webhook (201; an id is
made when none is given; the signing secret stays inside the sandbox),
`GET webhooks`, `DELETE webhooks/{id}`, `GET orders`; delivery switches and the
outage come from control.py.
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
from playground.payments.delivery import Endpoint
from playground.payments.paypal.sandbox import PayPalSandbox

PREFIX = "/control/paypal"


class PayPalControl:
    def __init__(self, sandbox: PayPalSandbox) -> None:
        self.sandbox = sandbox
        self.shared = SharedControl(PREFIX, sandbox.outbox, sandbox.outage)

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", f"{PREFIX}/webhooks", control_guard(self.list_webhooks)),
            ("POST", f"{PREFIX}/webhooks", control_guard(self.add_webhook)),
            ("DELETE", f"{PREFIX}/webhooks/{{id}}", control_guard(self.remove_webhook)),
            ("GET", f"{PREFIX}/orders", control_guard(self.orders)),
            *self.shared.routes(),
        ]

    async def list_webhooks(self, request: web.Request) -> web.Response:
        return json_response([_webhook_json(e) for e in self.sandbox.outbox.endpoints])

    async def add_webhook(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        url = webhook_url(body.get("url"))
        webhook_id = body.get("webhook_id")
        if webhook_id is not None and (not isinstance(webhook_id, str) or not webhook_id):
            raise ControlError(400, "webhook_id must be a non-empty string")
        if webhook_id is not None and self.sandbox.outbox.endpoint(webhook_id) is not None:
            raise ControlError(409, f"webhook {webhook_id} exists")
        endpoint = self.sandbox.add_webhook(url, webhook_id, event_list(body.get("events")))
        return json_response(_webhook_json(endpoint), 201)

    async def remove_webhook(self, request: web.Request) -> web.Response:
        if not self.sandbox.outbox.remove(request.match_info["id"]):
            raise ControlError(404, "no such webhook")
        return json_response({"deleted": True})

    async def orders(self, request: web.Request) -> web.Response:
        return json_response([o.to_json() for o in reversed(self.sandbox.orders.values())])


def _webhook_json(endpoint: Endpoint) -> dict[str, object]:
    return {"webhook_id": endpoint.id, "url": endpoint.url, "events": list(endpoint.events)}
