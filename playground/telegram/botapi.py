"""HTTP face of the Bot API: /bot<TOKEN>/<method> and /file/bot<TOKEN>/<path>."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from playground.telegram import errors as e
from playground.telegram.errors import ApiError
from playground.telegram.methods import Call, find_method
from playground.telegram.models import BotAccount
from playground.telegram.params import Params, read_params
from playground.telegram.state import TelegramServer

log = logging.getLogger("playground.telegram")


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class BotApi:
    def __init__(self, server: TelegramServer) -> None:
        self.server = server

    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not self.server.token_allowed(token):
            return _reply(ApiError(401, e.UNAUTHORIZED).to_json(), 401)
        try:
            bot = self.server.bot_for_token(token)
        except ValueError:
            return _reply(ApiError(401, e.UNAUTHORIZED).to_json(), 401)
        found = find_method(request.match_info["method"])
        if found is None:
            return _reply(ApiError(404, e.NOT_FOUND).to_json(), 404)
        name, _ = found
        try:
            params = await read_params(request, max_upload_bytes=self.server.limits.max_upload_bytes)
        except ApiError as error:
            self.server.record_call(bot, name, None, error)
            return _reply(error.to_json(), error.code)
        result, error = await self.call(bot, name, params)
        if error is not None:
            return _reply(error.to_json(), error.code)
        return _reply({"ok": True, "result": result})

    async def call(self, bot: BotAccount, name: str, params: Params,
                   *, via: str = "http") -> tuple[Any, ApiError | None]:
        """Run one method and log it; returns (result, None) or (None, error)."""
        found = find_method(name)
        if found is None:
            error = ApiError(404, e.NOT_FOUND)
            self.server.record_call(bot, name, None, error, via=via)
            return None, error
        name, handler = found
        call = Call(self.server, bot, params)
        try:
            result = await handler(call)
        except ApiError as error:
            self.server.record_call(bot, name, call.chat_id, error, via=via)
            return None, error
        except Exception:  # a bug here must look like Telegram's 500, not kill the bot
            log.exception("Bot API method %s failed", name)
            error = ApiError(500, "Internal Server Error")
            self.server.record_call(bot, name, call.chat_id, error, via=via)
            return None, error
        self.server.record_call(bot, name, call.chat_id, None, via=via)
        return result, None

    async def execute_reply(self, bot: BotAccount, name: str, params: Params) -> None:
        """A method a webhook answered with; Telegram never reports its result."""
        await self.call(bot, name, params, via="webhook-reply")

    async def download(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not self.server.token_allowed(token):
            return _reply(ApiError(401, e.UNAUTHORIZED).to_json(), 401)
        stored = self.server.files.by_path(request.match_info["path"])
        if stored is None:
            return _reply(ApiError(404, e.NOT_FOUND).to_json(), 404)
        return web.Response(body=stored.data,
                            content_type=stored.mime_type or "application/octet-stream")
