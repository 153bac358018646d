"""Jobs committed while a reply is being made are handed to the workers after it
(infrastructure/tasks/queue.holding_jobs), also when the reply fails."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain.jobs import OutboxJob
from infrastructure.tasks.queue import OutboxHandOver, holding_jobs


class Queue:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int | None]] = []

    async def send(self, job: str, payload: dict, outbox_id: int | None = None) -> None:
        self.sent.append((job, outbox_id))


class Outbox:
    def __init__(self) -> None:
        self.marked: list[int] = []

    async def mark_sent(self, ids: list[int], at: datetime) -> None:
        self.marked += ids


class Uow:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def __aenter__(self) -> Uow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None


def _handover() -> tuple[OutboxHandOver, Queue, Outbox]:
    queue, outbox = Queue(), Outbox()
    clock = type("Clock", (), {"now": staticmethod(lambda: datetime(2026, 12, 2, tzinfo=timezone.utc))})()
    return OutboxHandOver(queue, lambda: Uow(outbox), clock), queue, outbox  # type: ignore[arg-type]


def _job(job_id: int) -> OutboxJob:
    return OutboxJob(job_id, "invoices.issue", {"booking_id": 1}, datetime(2026, 12, 2, tzinfo=timezone.utc))


async def test_jobs_wait_for_the_end_of_the_block() -> None:
    handover, queue, outbox = _handover()
    async with holding_jobs():
        await handover([_job(1)])
        await handover([_job(2)])
        assert queue.sent == []  # the reply is still being made
    assert queue.sent == [("invoices.issue", 1), ("invoices.issue", 2)] and outbox.marked == [1, 2]


async def test_jobs_are_handed_over_when_the_block_fails_and_at_once_outside_it() -> None:
    handover, queue, _ = _handover()
    with pytest.raises(RuntimeError):
        async with holding_jobs():
            await handover([_job(3)])
            raise RuntimeError("the reply failed")
    assert queue.sent == [("invoices.issue", 3)]  # committed jobs are never kept back
    await handover([_job(4)])
    assert queue.sent[-1] == ("invoices.issue", 4)
