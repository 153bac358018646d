"""Reading control API requests and answering them: JSON bodies and answers,
integer, number and flag values, refusals as {"error": ...} with their status."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from aiohttp import web

from playground.telegram.errors import ApiError
from playground.telegram.state import ControlError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_WAIT = 60.0


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


def control_guard(handler: Handler) -> Handler:
    """ControlError and Bot API errors become {"error": ...} with their status."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as error:
            return json_response({"error": error.reason}, error.status)
        except ApiError as error:
            return json_response({"error": error.description}, 400 if error.code >= 500 else error.code)

    return guarded


async def json_object(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def int_param(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def float_param(value: Any, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return min(MAX_WAIT, max(0.0, float(value)))
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None


def flag_param(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)
