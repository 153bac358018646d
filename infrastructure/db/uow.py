"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


class SqlUnitOfWork:
    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._sessions()
        self.movies = SqlMovies(self.session)
        self.halls = SqlHalls(self.session)
        self.showtimes = SqlShowtimes(self.session)
        self.ticket_types = SqlTicketTypes(self.session)
        self.promos = SqlPromos(self.session)
        self.customers = SqlCustomers(self.session)
        self.bookings = SqlBookings(self.session)
        self.payments = SqlPayments(self.session)
        self.provider_events = SqlProviderEvents(self.session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)
