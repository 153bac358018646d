"""Each customer's chosen language, kept in the FSM storage (memory or Redis) so
every replica reads it without a database query."""

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

    async def of_customer(self, user_id: int) -> str | None:
        """For messages nobody asked for (payments, expiry): the language chosen, else
        the one stored when the customer first wrote (their Telegram language)."""
        return await self.get(user_id) or await self.customers.language(user_id)

    async def set(self, user: User, code: str) -> None:
        await self.storage.set_data(self._key(user.id), {"code": code})
        # The database keeps it too, for messages the worker sends later.
        await self.customers.set_language(user.id, user.full_name, code)
