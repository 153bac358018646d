"""getUpdates (long polling), setWebhook, deleteWebhook, getWebhookInfo."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from playground.telegram import errors as e
from playground.telegram.errors import ApiError, bad_request
from playground.telegram.methods.base import Call, Handler
from playground.telegram.models import WebhookConfig

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _set_allowed_updates(call: Call) -> None:
    """Only a given list changes the setting; [] restores Telegram's default."""
    if not call.params.has("allowed_updates"):
        return
    allowed = call.params.get_json("allowed_updates")
    if not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON object")
    call.bot.allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
    call.server.changed()  # getUpdates is a read otherwise, so say it


async def get_updates(call: Call) -> list[dict[str, Any]]:
    if call.bot.webhook is not None:
        raise ApiError(409, e.CONFLICT_WEBHOOK)
    server = call.server
    queue = server.queue(call.bot)
    offset = call.params.get_int("offset")
    limit = call.params.get_int("limit") or server.limits.max_updates_per_request
    limit = max(1, min(limit, server.limits.max_updates_per_request))
    timeout = max(0, call.params.get_int("timeout") or 0)
    _set_allowed_updates(call)
    queue.confirm(offset)
    me = object()
    queue.poller = me
    queue.signal.fire()  # an older poll still waiting learns it was superseded
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if queue.poller is not me:
            raise ApiError(409, e.CONFLICT_OTHER_POLLER)
        found = queue.peek(limit)
        remaining = deadline - loop.time()
        if found or remaining <= 0 or server.closing or call.bot.webhook is not None:
            if queue.poller is me:
                queue.poller = None
            return [update.to_telegram() for update in found]
        await queue.signal.wait(remaining)


async def set_webhook(call: Call) -> bool:
    url = call.params.get_str("url") or ""
    if not url:
        return await delete_webhook(call)
    parts = urlsplit(url)
    # Telegram demands HTTPS; the playground also takes HTTP for local bots.
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request(e.WEBHOOK_BAD_URL)
    secret = call.params.get_str("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request(e.WEBHOOK_BAD_SECRET)
    max_connections = call.params.get_int("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request(e.WEBHOOK_BAD_MAX_CONNECTIONS)
    _set_allowed_updates(call)
    if call.params.get_bool("drop_pending_updates"):
        call.server.queue(call.bot).clear()
    call.bot.webhook = WebhookConfig(url, secret or None, max_connections)
    call.server.webhook_changed(call.bot)
    return True


async def delete_webhook(call: Call) -> bool:
    if call.params.get_bool("drop_pending_updates"):
        call.server.queue(call.bot).clear()
    if call.bot.webhook is not None:
        call.bot.webhook = None
        call.server.webhook_changed(call.bot)
    return True


async def get_webhook_info(call: Call) -> dict[str, Any]:
    pending = len(call.server.queue(call.bot).pending)
    webhook = call.bot.webhook
    info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                            "pending_update_count": pending}
    if webhook is None:
        return info
    info.update(url=webhook.url, max_connections=webhook.max_connections)
    if webhook.last_error_date is not None:
        info.update(last_error_date=webhook.last_error_date,
                    last_error_message=webhook.last_error_message)
    if call.bot.allowed_updates is not None:
        info["allowed_updates"] = sorted(call.bot.allowed_updates)
    return info


HANDLERS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
