"""The unit of work: one session, one transaction, rolled back unless committed.

Jobs a transaction wrote to the outbox are handed on (``after_commit``) only once
that transaction has committed: a rollback sends nothing.

A unit of work marked ``read_only()`` before it is entered runs its statements
without BEGIN and ROLLBACK on Postgres (the connection in autocommit): each
statement sees what was committed when it started, as in READ COMMITTED, and
two round trips of three are saved for a single-query read. It refuses to
commit, so nothing can be written through it by mistake. SQLite keeps its
transaction (its BEGIN costs no round trip) but a deferred one, so it reads
beside a writer instead of waiting for its BEGIN IMMEDIATE.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.jobs import OutboxJob
from infrastructure.db.engine import READ_ONLY_OPTION
from infrastructure.db.invoices import SqlInvoices, SqlTickets
from infrastructure.db.outbox import SqlOutbox, SqlReminders
from infrastructure.db.installation import SqlCinema, SqlInstallation
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

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        after_commit: AfterCommit | None = None,
        readers: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._after_commit = after_commit
        self._readers = readers  # sessions without a transaction (None: use `sessions`)
        self._staged: list[OutboxJob] = []
        self.is_read_only = False

    def read_only(self) -> SqlUnitOfWork:
        """Only reads, each statement on its own: no BEGIN/ROLLBACK round trips
        where the database allows it; ``commit`` raises."""
        self.is_read_only = True
        return self

    async def __aenter__(self) -> SqlUnitOfWork:
        readers = self._readers if self.is_read_only else None
        self.session = (readers or self._sessions)()
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
        self.installation = SqlInstallation(self.session)
        self.cinema = SqlCinema(self.session)
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
        if self.is_read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
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
        self.readers = _autocommit_sessions(sessions)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.after_commit, self.readers)


def _autocommit_sessions(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession] | None:
    """The same sessions on a view of the engine (same pool) for reading: on
    Postgres in autocommit (the isolation level is the connection's own setting
    on asyncpg, no round trip, reset when it goes back to the pool); on SQLite
    with a deferred BEGIN instead of BEGIN IMMEDIATE (infrastructure/db/engine.py).
    None for a session factory not bound to an engine."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        return None
    if bind.dialect.name == "postgresql":
        reading = bind.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY_OPTION: True})
    else:
        reading = bind.execution_options(**{READ_ONLY_OPTION: True})
    return async_sessionmaker(class_=sessions.class_, **{**sessions.kw, "bind": reading})
