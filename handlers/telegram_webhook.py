"""POST /telegram/webhook: Telegram's updates, only with the secret header.

aiogram's handler accepts every request when no secret is set, answers 500 to a body
that is not an update, and compares the header as str (non-ASCII raises). This one
requires a secret, compares bytes in constant time, and answers 400 to anything that
is not a well-formed update before it reaches the dispatcher.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from handlers.http import read_body

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; a file is sent by reference, never inline.
MAX_UPDATE_BYTES = 1024 * 1024
# Telegram: ids (and sizes) "have at most 52 significant bits". A larger number
# would only fail later, in the database driver.
MAX_INT = 2**53


class WebhookHandler(SimpleRequestHandler):
    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str, **data: Any) -> None:
        if not secret_token:
            raise ValueError("the Telegram webhook needs a secret token")
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret_token, **data)
        self._secret = secret_token.encode()

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            return web.Response(body="Unauthorized", status=401)
        body = await read_body(request, MAX_UPDATE_BYTES)
        if body is None:
            return web.json_response({"error": "update too large"}, status=413)
        try:
            raw = json.loads(body)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            _check_numbers(raw)
            update = Update.model_validate(raw, context={"bot": bot})
        except (ValueError, ValidationError, RecursionError) as exc:
            reason = _reason(exc)
            log.warning("telegram webhook: malformed update refused: %s", reason)
            return web.json_response({"error": f"malformed update: {reason}"}, status=400)
        task = asyncio.create_task(self._feed(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({})

    async def _feed(self, bot: Bot, update: Update) -> None:
        try:
            result = await self.dispatcher.feed_update(bot, update, **self.data)
        except Exception:  # noqa: BLE001 - the errors router missed it; Telegram got its 200
            log.exception("update %s failed", update.update_id)
            return
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)


def _check_numbers(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool) and not abs(item) < MAX_INT:
            # Floats too: pydantic turns a whole 1.15e18 into an int (and NaN fails this test).
            raise ValueError("a number beyond Telegram's 52 bits")


def _reason(exc: Exception) -> str:
    """A short reason without echoing the input back (it may be huge or hostile)."""
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "update"
        return f"{where}: {first['msg']}"[:200]
    if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        return "body is not JSON"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)[:200]
