"""Re-rendering a customer's open card from outside an update (a payment settled,
a booking expired, a hold ran out), so no message keeps saying "To pay ... by"."""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from aiogram import Bot
from aiogram_dialog.api.protocols import BgManagerFactory

log = logging.getLogger(__name__)

Refresh = Callable[[int], Awaitable[None]]


def dialog_refresher(bot: Bot, bg: BgManagerFactory) -> Refresh:
    async def refresh(chat_id: int) -> None:
        # A background update edits the dialog's own message in place.
        try:
            await bg.bg(bot, chat_id, chat_id).update({})
        except Exception:  # noqa: BLE001 - no open dialog to refresh is fine
            log.debug("no dialog to refresh for customer %s", chat_id)

    return refresh
