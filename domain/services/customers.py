"""Customers: who talks to the bot, in which language, and their consent."""

from __future__ import annotations

from domain.customer import Customer
from domain.services.deps import Deps


class CustomerService:
    def __init__(self, deps: Deps) -> None:
        self.d = deps

    async def register(self, telegram_id: int, name: str, language: str) -> Customer:
        """Create a customer, or refresh a known one's name: the language chosen,
        the consent to announcements and the reminders switch are kept. One
        statement (every /start runs it)."""
        async with self.d.uow() as uow:
            customer = await uow.customers.register(
                Customer(telegram_id, name[:200], language, False, self.d.clock.now())
            )
            await uow.commit()
        return customer

    async def set_language(self, telegram_id: int, name: str, language: str) -> None:
        async with self.d.uow() as uow:
            known = await uow.customers.get(telegram_id)
            await uow.customers.upsert(
                Customer(
                    telegram_id,
                    (known.name if known else name)[:200],
                    language,
                    known.announcements if known else False,
                    known.created_at if known else self.d.clock.now(),
                )
            )
            await uow.commit()

    async def language(self, telegram_id: int) -> str | None:
        """The language kept in the database (for workers, which have no FSM)."""
        async with self.d.uow().read_only() as uow:
            known = await uow.customers.get(telegram_id)
        return known.language if known else None
