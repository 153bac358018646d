"""Tells a chat when its seat hold ran out, and refreshes its seat map."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram_dialog.api.protocols import BgManagerFactory

from dialogs.context import AppServices, owner_token
from domain.holds import WatchedHold
from handlers.language import LanguageStore
from infrastructure.i18n.fluent import Translator

log = logging.getLogger(__name__)


class HoldExpiryNotifier:
    def __init__(
        self,
        bot: Bot,
        services: AppServices,
        watcher: object,
        bg: BgManagerFactory,
        translator: Translator,
        languages: LanguageStore,
        every: float = 2.0,
    ) -> None:
        self.bot, self.services, self.watcher, self.bg = bot, services, watcher, bg
        self.translator, self.languages, self.every = translator, languages, every

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # noqa: BLE001 - one bad sweep must not stop the loop
                log.exception("hold expiry sweep failed")
            await asyncio.sleep(self.every)

    async def sweep(self) -> int:
        told = 0
        for watch in await self.watcher.claim_due():  # type: ignore[attr-defined]
            if await self._handle(watch):
                told += 1
        return told

    async def _handle(self, watch: WatchedHold) -> bool:
        selection = await self.services.seats.selection(watch.showtime_id, owner_token(watch.user_id))
        if selection.seats:
            # Extended meanwhile (another tap, another replica): look again later.
            await self.watcher.watch(watch, selection.remaining_ms)  # type: ignore[attr-defined]
            return False
        locale = await self.languages.of_customer(watch.user_id) or self.translator.default
        await self.bot.send_message(watch.chat_id, self.translator.get(locale, "hold-expired"))
        try:
            await self.bg.bg(self.bot, watch.user_id, watch.chat_id).update({})
        except Exception:  # noqa: BLE001 - no open dialog to refresh is fine
            log.debug("no dialog to refresh for %s", watch)
        return True
