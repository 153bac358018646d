"""Each customer's language: taken from their first update (their Telegram
language), changed only by /language. Kept in the FSM storage (memory or Redis) so
every replica reads it without a database query, and in the database for the
messages workers and timers send later."""

from __future__ import annotations

from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import User

from domain.services.customers import CustomerService

DESTINY = "lang"


class LanguageStore:
    def __init__(self, storage: BaseStorage, bot_id: int, customers: CustomerService) -> None:
        self.storage = storage
        self.bot_id = bot_id
        self.customers = customers

    def _key(self, user_id: int) -> StorageKey:
        return StorageKey(bot_id=self.bot_id, chat_id=user_id, user_id=user_id, destiny=DESTINY)

    async def get(self, user_id: int) -> str | None:
        data = await self.storage.get_data(self._key(user_id))
        return data.get("code")

    async def for_user(self, user: User, telegram_locale: str) -> str:
        """The locale of a customer writing now. On their first update it is their
        Telegram language (``telegram_locale``, already resolved to one the bot
        speaks), stored with the customer, so a notice sent hours later by the
        worker speaks it too; later the stored one wins until /language changes it."""
        known = await self.get(user.id)
        if known:
            return known
        # Not in the FSM: a new customer, or an FSM that forgot (memory storage
        # after a restart): the database remembers a known customer's language.
        stored = await self.customers.language(user.id)
        if stored is None:
            stored = (await self.customers.register(user.id, user.full_name, telegram_locale)).language
        await self.storage.set_data(self._key(user.id), {"code": stored})
        return stored

    async def of_customer(self, user_id: int) -> str | None:
        """For messages nobody asked for (payments, expiry): the customer's stored
        language."""
        return await self.get(user_id) or await self.customers.language(user_id)

    async def set(self, user: User, code: str) -> None:
        await self.storage.set_data(self._key(user.id), {"code": code})
        # The database keeps it too, for messages the worker sends later.
        await self.customers.set_language(user.id, user.full_name, code)
