"""Control routes both sandboxes share: delivery switches, the delivery log, the outage.

Under /control/<provider>/: `GET|PATCH delivery`, `GET deliveries`, `GET|PATCH outage`.
Webhook registration differs per provider and lives with each sandbox; the
checks of its fields are here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from playground.payments.delivery import Outbox
from playground.payments.httputil import (
    ControlError,
    Handler,
    control_guard,
    json_object,
    json_response,
)
from playground.payments.outage import Outage

MAX_WAIT = 30.0


class SharedControl:
    def __init__(self, prefix: str, outbox: Outbox, outage: Outage) -> None:
        self.prefix = prefix
        self.outbox = outbox
        self.outage = outage

    def routes(self) -> list[tuple[str, str, Handler]]:
        p = self.prefix
        return [
            ("GET", f"{p}/delivery", control_guard(self.get_delivery)),
            ("PATCH", f"{p}/delivery", control_guard(self.patch_delivery)),
            ("GET", f"{p}/deliveries", control_guard(self.deliveries)),
            ("GET", f"{p}/outage", control_guard(self.get_outage)),
            ("PATCH", f"{p}/outage", control_guard(self.patch_outage)),
        ]

    def _delivery_json(self) -> dict[str, Any]:
        return {**self.outbox.settings.to_json(), "pending": self.outbox.pending()}

    async def get_delivery(self, request: web.Request) -> web.Response:
        return json_response(self._delivery_json())

    async def patch_delivery(self, request: web.Request) -> web.Response:
        changes = await json_object(request)
        try:
            self.outbox.settings.update(changes)
        except (TypeError, ValueError) as error:
            raise ControlError(400, str(error)) from None
        self.outbox.changed()
        return json_response(self._delivery_json())

    async def deliveries(self, request: web.Request) -> web.Response:
        """Attempts after `after`; `timeout` waits (long poll) for the next one."""
        after = _number(request.query.get("after"), "after", 0)
        timeout = min(MAX_WAIT, _number(request.query.get("timeout"), "timeout", 0))
        if timeout > 0:
            await self.outbox.wait_attempt(int(after), timeout)
        attempts = self.outbox.list_attempts(after=int(after),
                                             event_id=request.query.get("event_id"),
                                             event_type=request.query.get("event_type"))
        return json_response({"deliveries": [a.to_json() for a in attempts],
                              "last_seq": len(self.outbox.attempts)})

    async def get_outage(self, request: web.Request) -> web.Response:
        return json_response(self.outage.to_json())

    async def patch_outage(self, request: web.Request) -> web.Response:
        try:
            self.outage.update(await json_object(request))
        except ValueError as error:
            raise ControlError(400, str(error)) from None
        return json_response(self.outage.to_json())


def _number(value: str | None, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ControlError(400, f"{name} must be a number") from None
    if number < 0:
        raise ControlError(400, f"{name} must be at least 0")
    return number


def webhook_url(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ControlError(400, "url is required")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ControlError(400, "url must be an http(s) URL")
    return value


def event_list(value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ControlError(400, "events must be a non-empty list of event types")
    return value
