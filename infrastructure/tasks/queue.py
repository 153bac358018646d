"""The JobQueue port on Dramatiq, and the outbox hand-over after a commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextvars import ContextVar
from typing import Any, AsyncIterator

from dramatiq import Actor

from domain.jobs import JobQueue, OutboxJob
from domain.ports import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)


class DramatiqJobQueue:
    def __init__(self, actors: dict[str, Actor[Any, Any]]) -> None:
        self.actors = actors

    async def send(self, job: str, payload: dict[str, Any], outbox_id: int | None = None) -> None:
        actor = self.actors.get(job)
        if actor is None:
            raise KeyError(f"no actor for job {job!r}")
        kwargs = dict(payload)
        if outbox_id is not None:
            kwargs["outbox_id"] = outbox_id
        # RedisBroker's enqueue is blocking network I/O: keep it off the event loop.
        await asyncio.to_thread(actor.send_with_options, kwargs=kwargs)


# Jobs committed inside `holding_jobs()`, with who hands them over, in this task.
_HELD: ContextVar[list[tuple["OutboxHandOver", list[OutboxJob]]] | None] = ContextVar("held_jobs", default=None)


@contextlib.asynccontextmanager
async def holding_jobs() -> AsyncIterator[None]:
    """Jobs committed inside the block are handed over when it ends, so what the
    block then shows comes before what the workers send: back from a pay page, the
    booking's card before the worker's "paid" and invoice. They are in the outbox
    already; a crash before the end leaves them to the sweeper, never lost."""
    held: list[tuple[OutboxHandOver, list[OutboxJob]]] = []
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)
        for handover, jobs in held:
            await handover(jobs)


class OutboxHandOver:
    """After a commit: hand the transaction's jobs to the queue and note that they
    were handed over. Whatever fails here stays due in the outbox for the sweeper."""

    def __init__(self, queue: JobQueue, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.queue, self.uow, self.clock = queue, uow, clock

    async def __call__(self, jobs: list[OutboxJob]) -> None:
        held = _HELD.get()
        if held is not None:
            held.append((self, jobs))
            return
        sent: list[int] = []
        for job in jobs:
            try:
                await self.queue.send(job.job, job.payload, job.id)
            except Exception:  # noqa: BLE001 - the broker is down: the sweeper retries
                log.warning("could not queue job %s #%s now; the outbox sweeper will", job.job, job.id)
                continue
            sent.append(job.id)
        if sent:
            async with self.uow() as uow:
                await uow.outbox.mark_sent(sent, self.clock.now())
                await uow.commit()
