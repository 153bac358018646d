"""Bookings whose payment window lapsed: expired, their seats back on sale, their
payment links closed at the provider, and the customer told."""

from __future__ import annotations

import asyncio
import logging

from typing import Protocol

from aiogram import Bot

from domain.services.bookings import BookingService
from domain.services.payments import PaymentService
from handlers.refresh import Refresh
from infrastructure.i18n.fluent import Translator

log = logging.getLogger(__name__)


class ExpiryServices(Protocol):
    bookings: BookingService
    payments: PaymentService | None


class Languages(Protocol):
    async def get(self, user_id: int) -> str | None: ...


class BookingExpirySweeper:
    """Runs in the bot (every 30 s, so the chat hears at once) and as the workers'
    scheduled job; conditional updates make each booking expire exactly once."""

    def __init__(
        self,
        bot: Bot,
        services: ExpiryServices,
        translator: Translator,
        languages: Languages,
        every: float = 30.0,
        refresh: Refresh | None = None,  # the bot's: the open card shows "expired"
    ) -> None:
        self.bot, self.services, self.translator, self.languages, self.every = bot, services, translator, languages, every
        self.refresh = refresh

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # noqa: BLE001 - one bad sweep must not stop the loop
                log.exception("booking expiry sweep failed")
            await asyncio.sleep(self.every)

    async def sweep(self) -> list[int]:
        # Conditional updates: with several replicas each booking is expired (and
        # its customer told) by exactly one of them.
        expired = await self.services.bookings.expire_overdue()
        if not expired:
            return []
        if self.services.payments is not None:
            await self.services.payments.expire_links(expired)
        for booking_id in expired:
            booking = await self.services.bookings.get(booking_id)
            chat = booking.customer_id
            locale = await self.languages.of_customer(chat) or self.translator.default
            try:
                await self.bot.send_message(chat, self.translator.get(locale, "booking-expired", number=booking_id))
            except Exception:  # noqa: BLE001 - a blocked bot must not stop the others
                log.warning("could not tell customer %s about booking %s", chat, booking_id)
            if self.refresh is not None:
                await self.refresh(chat)
        return expired
