"""Background jobs: their names, and the ports that queue them.

A service never queues a job itself. It writes the job to the outbox of its unit
of work; the job is handed to the queue only after that transaction commits (a
rollback sends nothing), and a sweeper hands over again what a crash lost. Jobs
take ids only and are idempotent, so a job handed over twice does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class Jobs:
    """Job names, `area.action` (they are also the Dramatiq actor names)."""

    ISSUE_INVOICE = "invoices.issue"  # booking_id: a paid booking gets its invoice and tickets
    CANCEL_INVOICE = "invoices.cancel"  # booking_id: a refunded booking gets a cancellation invoice
    EXPIRE_BOOKINGS = "bookings.expire_overdue"  # periodic
    SEND_REMINDERS = "reminders.send_due"  # periodic
    SWEEP_OUTBOX = "outbox.sweep"  # periodic


@dataclass(frozen=True, slots=True)
class OutboxJob:
    id: int
    job: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int = 0


class JobQueue(Protocol):
    async def send(self, job: str, payload: dict[str, Any], outbox_id: int | None = None) -> None:
        """Hand a job to the queue (the broker); raises when the broker is down."""


class OutboxRepository(Protocol):
    async def add(self, job: str, payload: dict[str, Any], at: datetime) -> None:
        """Write a job in the current transaction."""

    async def due(
        self, now: datetime, unsent_after_s: float, lost_after_s: float, max_attempts: int, limit: int = 100
    ) -> list[OutboxJob]:
        """Jobs not done: never handed over ``unsent_after_s`` after they were
        written, or handed over ``lost_after_s`` ago, fewer than ``max_attempts`` times."""

    async def mark_sent(self, ids: list[int], at: datetime) -> None: ...

    async def mark_done(self, outbox_id: int, at: datetime) -> None: ...
