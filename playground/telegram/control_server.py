"""Control routes about the fake Telegram itself rather than its users and chats:
the Bot API call log and its summary, the limits, the faults, stored files."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from aiohttp import web

from playground.telegram.control_http import (
    Handler,
    control_guard,
    int_param,
    json_object,
    json_response,
)
from playground.telegram.state import ControlError, TelegramServer


class ServerControl:
    def __init__(self, server: TelegramServer) -> None:
        self.server = server

    def routes(self) -> list[tuple[str, str, Handler]]:
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/control/calls", self.list_calls),
            ("GET", "/control/calls/summary", self.calls_summary),
            ("GET", "/control/limits", self.get_limits),
            ("PATCH", "/control/limits", self.set_limits),
            ("GET", "/control/faults", self.get_faults),
            ("PATCH", "/control/faults", self.set_faults),
            ("GET", "/control/files/{file_id}", self.file),
        ]
        return [(method, path, control_guard(handler)) for method, path, handler in table]

    async def list_calls(self, request: web.Request) -> web.Response:
        return json_response([c.to_json() for c in self._calls(request)])

    async def calls_summary(self, request: web.Request) -> web.Response:
        """Counts per method and outcome ("ok" or the error code)."""
        by_method: dict[str, Counter[str]] = {}
        outcomes: Counter[str] = Counter()
        for call in self._calls(request):
            outcome = "ok" if call.ok else str(call.error_code)
            by_method.setdefault(call.method, Counter())[outcome] += 1
            outcomes[outcome] += 1
        return json_response({"total": sum(outcomes.values()), "outcomes": dict(outcomes),
                              "by_method": {m: dict(c) for m, c in by_method.items()}})

    def _calls(self, request: web.Request) -> list[Any]:
        query = request.query
        after = int_param(query.get("after"), "after", required=False) or 0
        bot_id = int_param(query.get("bot") or query.get("bot_id"), "bot", required=False)
        chat_id = int_param(query.get("chat_id"), "chat_id", required=False)
        method = (query.get("method") or "").lower()
        return [
            c for c in self.server.calls[after:]
            if (bot_id is None or c.bot_id == bot_id)
            and (chat_id is None or c.chat_id == chat_id)
            and (not method or c.method.lower() == method)
        ]

    async def get_limits(self, request: web.Request) -> web.Response:
        return json_response(self.server.limits.to_json())

    async def set_limits(self, request: web.Request) -> web.Response:
        try:
            self.server.limits = self.server.limits.updated(await json_object(request))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        return json_response(self.server.limits.to_json())

    async def get_faults(self, request: web.Request) -> web.Response:
        return json_response(self.server.faults.to_json())

    async def set_faults(self, request: web.Request) -> web.Response:
        try:
            self.server.faults.update(await json_object(request))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        return json_response(self.server.faults.to_json())

    async def file(self, request: web.Request) -> web.Response:
        stored = self.server.files.by_id(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "no such file")
        response = web.Response(body=stored.data,
                                content_type=stored.mime_type or "application/octet-stream")
        if stored.file_name:
            # "inline" lets a browser tab show a PDF (the web chat opens documents in
            # a new tab); the name is what "Save as" offers.
            response.headers["Content-Disposition"] = \
                f"inline; filename*=UTF-8''{quote(stored.file_name, safe='')}"
        return response
