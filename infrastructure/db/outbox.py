"""The transactional outbox of jobs, and the reminders' bookkeeping (they never commit)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.booking import BookingStatus
from domain.jobs import OutboxJob
from infrastructure.db.models import BookingRow, CustomerRow, OutboxRow, ShowtimeRow


class SqlOutbox:
    def __init__(self, session: AsyncSession, staged: list[OutboxJob]) -> None:
        self.session = session
        self._staged = staged  # what this transaction wrote, for the hand-over after commit

    async def add(self, job: str, payload: dict[str, Any], at: datetime) -> None:
        row = OutboxRow(job=job, payload=dict(payload), created_at=at)
        self.session.add(row)
        await self.session.flush()
        self._staged.append(OutboxJob(row.id, job, dict(payload), row.created_at))

    async def due(
        self, now: datetime, unsent_after_s: float, lost_after_s: float, max_attempts: int, limit: int = 100
    ) -> list[OutboxJob]:
        unsent = now - timedelta(seconds=unsent_after_s)
        lost = now - timedelta(seconds=lost_after_s)
        rows = await self.session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.done_at.is_(None),
                OutboxRow.attempts < max_attempts,
                or_(
                    (OutboxRow.sent_at.is_(None)) & (OutboxRow.created_at <= unsent),
                    OutboxRow.sent_at <= lost,
                ),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [OutboxJob(r.id, r.job, dict(r.payload), r.created_at, r.attempts) for r in rows]

    async def mark_sent(self, ids: list[int], at: datetime) -> None:
        if ids:
            await self.session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids))
                .values(sent_at=at, attempts=OutboxRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )

    async def mark_done(self, outbox_id: int, at: datetime) -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id == outbox_id, OutboxRow.done_at.is_(None)).values(done_at=at)
        )


class SqlReminders:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(self, starts_from: datetime, starts_until: datetime, limit: int = 200) -> list[int]:
        rows = await self.session.scalars(
            select(BookingRow.id)
            .join(ShowtimeRow, ShowtimeRow.id == BookingRow.showtime_id)
            .join(CustomerRow, CustomerRow.telegram_id == BookingRow.customer_id)
            .where(
                BookingRow.status == str(BookingStatus.PAID),
                BookingRow.reminded_at.is_(None),
                CustomerRow.reminders.is_(True),
                ShowtimeRow.starts_at >= starts_from,
                ShowtimeRow.starts_at < starts_until,
            )
            .order_by(ShowtimeRow.starts_at, BookingRow.id)
            .limit(limit)
        )
        return list(rows)

    async def claim(self, booking_id: int, at: datetime) -> bool:
        result = await self.session.execute(
            update(BookingRow).where(BookingRow.id == booking_id, BookingRow.reminded_at.is_(None)).values(reminded_at=at)
        )
        return result.rowcount == 1

    async def set_enabled(self, telegram_id: int, on: bool) -> bool:
        result = await self.session.execute(
            update(CustomerRow).where(CustomerRow.telegram_id == telegram_id).values(reminders=on)
        )
        return result.rowcount == 1
