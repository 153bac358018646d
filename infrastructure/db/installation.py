"""The rows of one: this installation's key and the cinema its catalog describes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog import CinemaInfo
from infrastructure.db.models import CinemaRow, InstallationRow
from infrastructure.db.repositories import upsert_into


class SqlInstallation:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def key(self, proposed: str, at: datetime) -> str:
        # Insert-if-missing, then read: two processes starting together agree on one key.
        statement = upsert_into(self.session, InstallationRow).values(id=1, key=proposed, created_at=at)
        await self.session.execute(statement.on_conflict_do_nothing(index_elements=[InstallationRow.id]))
        return str(await self.session.scalar(select(InstallationRow.key).where(InstallationRow.id == 1)))


class SqlCinema:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> CinemaInfo | None:
        row = await self.session.scalar(select(CinemaRow).where(CinemaRow.id == 1))
        return CinemaInfo(row.name, row.address, row.timezone, row.currency) if row else None

    async def put(self, cinema: CinemaInfo, at: datetime) -> None:
        values = {"name": cinema.name, "address": cinema.address, "timezone": cinema.timezone,
                  "currency": cinema.currency, "updated_at": at}
        statement = upsert_into(self.session, CinemaRow).values(id=1, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=[CinemaRow.id], set_=values))
