"""The unit of work: one session, one transaction, rolled back unless committed.

Jobs a transaction wrote to the outbox are handed on (``after_commit``) only once
that transaction has committed: a rollback sends nothing.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.jobs import OutboxJob
from infrastructure.db.invoices import SqlInvoices, SqlTickets
from infrastructure.db.outbox import SqlOutbox, SqlReminders
from infrastructure.db.payments import SqlPayments, SqlProviderEvents
from infrastructure.db.repositories import (
    SqlBookings,
    SqlCustomers,
    SqlHalls,
    SqlMovies,
    SqlPromos,
    SqlShowtimes,
    SqlTicketTypes,
)

AfterCommit = Callable[[list[OutboxJob]], Awaitable[None]]
log = logging.getLogger(__name__)


class SqlUnitOfWork:
    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession], after_commit: AfterCommit | None = None) -> None:
        self._sessions = sessions
        self._after_commit = after_commit
        self._staged: list[OutboxJob] = []

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._sessions()
        self._staged = []
        self.movies = SqlMovies(self.session)
        self.halls = SqlHalls(self.session)
        self.showtimes = SqlShowtimes(self.session)
        self.ticket_types = SqlTicketTypes(self.session)
        self.promos = SqlPromos(self.session)
        self.customers = SqlCustomers(self.session)
        self.bookings = SqlBookings(self.session)
        self.payments = SqlPayments(self.session)
        self.provider_events = SqlProviderEvents(self.session)
        self.invoices = SqlInvoices(self.session)
        self.tickets = SqlTickets(self.session)
        self.reminders = SqlReminders(self.session)
        self.outbox = SqlOutbox(self.session, self._staged)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()
        finally:
            self._staged.clear()
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
        jobs = list(self._staged)
        self._staged.clear()
        if jobs and self._after_commit is not None:
            try:
                await self._after_commit(jobs)
            except Exception:  # noqa: BLE001 - committed is committed; the sweeper hands them over later
                log.exception("could not hand over %d job(s) after commit", len(jobs))

    async def rollback(self) -> None:
        await self.session.rollback()
        self._staged.clear()


class SqlUnitOfWorkFactory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], after_commit: AfterCommit | None = None) -> None:
        self.sessions = sessions
        self.after_commit = after_commit

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.after_commit)
