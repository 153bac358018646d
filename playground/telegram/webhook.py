"""Webhook delivery: POST each pending update to the bot's URL, as Telegram does.

Updates of one chat go one at a time and in order; different chats go in parallel up
to max_connections. A failed delivery (non-2xx, connection error, timeout) is retried
with exponential backoff and blocks only its own chat. A 2xx answer that carries a
method call (aiogram's "reply into webhook") is executed like a Bot API call.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

import aiohttp

from playground.telegram.models import BotAccount, WebhookConfig
from playground.telegram.params import Params, read_multipart
from playground.telegram.state import TelegramServer
from playground.telegram.updates import PendingUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Runs a method a webhook answered with: (bot, method name, params).
ReplyExecutor = Callable[[BotAccount, str, Params], Awaitable[None]]


class WebhookDelivery:
    def __init__(self, server: TelegramServer, execute_reply: ReplyExecutor) -> None:
        self._server = server
        self._execute_reply = execute_reply
        self._loops: dict[int, asyncio.Task[None]] = {}

    def changed(self, bot: BotAccount) -> None:
        """Start or stop a bot's delivery loop after setWebhook / deleteWebhook."""
        running = self._loops.pop(bot.id, None)
        if running is not None:
            running.cancel()
        if bot.webhook is not None and not self._server.closing:
            self._loops[bot.id] = asyncio.get_running_loop().create_task(
                self._run(bot), name=f"telegram-webhook-{bot.id}")

    async def stop(self) -> None:
        loops = list(self._loops.values())
        self._loops.clear()
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)

    async def _run(self, bot: BotAccount) -> None:
        queue = self._server.queue(bot)
        loop = asyncio.get_running_loop()
        in_flight: dict[int | None, asyncio.Task[None]] = {}
        try:
            while not self._server.closing and bot.webhook is not None:
                config = bot.webhook
                for key in [k for k, task in in_flight.items() if task.done()]:
                    del in_flight[key]
                now = loop.time()
                wake_at: float | None = None
                blocked = set(in_flight)
                for update in list(queue.pending):
                    if update.chat_key in blocked:
                        continue
                    # Later updates of this chat wait behind this one.
                    blocked.add(update.chat_key)
                    if update.not_before > now:
                        wake_at = update.not_before if wake_at is None else min(wake_at, update.not_before)
                        continue
                    if len(in_flight) >= config.max_connections:
                        break
                    task = loop.create_task(self._deliver(bot, config, update))
                    task.add_done_callback(lambda _: queue.signal.fire())
                    in_flight[update.chat_key] = task
                await queue.signal.wait(None if wake_at is None else wake_at - loop.time())
        finally:
            for task in in_flight.values():
                task.cancel()

    async def _deliver(self, bot: BotAccount, config: WebhookConfig, update: PendingUpdate) -> None:
        server = self._server
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        timeout = aiohttp.ClientTimeout(total=server.limits.webhook_timeout)
        error: str | None = None
        reply: Params | None = None
        try:
            async with server.http().post(config.url, json=update.to_telegram(), headers=headers,
                                          timeout=timeout) as response:
                if 200 <= response.status < 300:
                    reply = await _read_reply(response, server.limits.max_upload_bytes)
                else:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except asyncio.TimeoutError:
            error = "Read timeout expired"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        if error is None:
            server.queue(bot).remove(update)
            if reply is not None and reply.has("method"):
                await self._execute_reply(bot, reply.get_str("method") or "", reply)
            return
        self._failed(bot, config, update, error)

    def _failed(self, bot: BotAccount, config: WebhookConfig, update: PendingUpdate, error: str) -> None:
        server = self._server
        limits = server.limits
        config.last_error_date = server.now()
        config.last_error_message = error
        update.attempts += 1
        server.events.add("webhook.failed", bot_id=bot.id, update_id=update.update_id,
                          attempts=update.attempts, error=error)
        if limits.webhook_max_attempts is not None and update.attempts >= limits.webhook_max_attempts:
            server.queue(bot).remove(update)
            return
        delay = min(limits.webhook_retry_max, limits.webhook_retry_initial * 2 ** (update.attempts - 1))
        update.not_before = asyncio.get_running_loop().time() + delay


async def _read_reply(response: aiohttp.ClientResponse, max_bytes: int) -> Params | None:
    """A method call in the webhook's answer: JSON, or multipart as aiogram sends it."""
    if response.content_type == "application/json":
        try:
            body: Any = json.loads(await response.read() or b"null")
        except ValueError:
            return None
        return Params(body) if isinstance(body, dict) else None
    if response.content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader.from_response(response)
        return await read_multipart(reader, {}, max_bytes)
    return None
