"""Small HTTP helpers shared by both sandboxes."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Mapping

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(body: Any, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda value: json.dumps(value, ensure_ascii=False))


def drop_connection(request: web.Request) -> web.Response:
    """Close the socket without an answer: the client sees a connection error.

    The returned response is never written (the transport is gone); aiohttp
    discards it quietly.
    """
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


def origin(request: web.Request, public_url: str | None) -> str:
    """The base address clients reach this server at (scheme://host:port)."""
    if public_url:
        return public_url.rstrip("/")
    return str(request.url.origin())


def wants_json(request: web.Request) -> bool:
    """A page action called by a script (the client) rather than a browser form."""
    return "application/json" in request.headers.get("Accept", "")


class ControlError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def control_guard(handler: Handler) -> Handler:
    """ControlError becomes {"error": reason} with its status, as in the Telegram playground."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as error:
            return json_response({"error": error.reason}, error.status)

    return guarded


async def json_object(request: web.Request) -> dict[str, Any]:
    """The control body: a JSON object, or {} when there is none."""
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body
