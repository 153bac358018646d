"""The actors: thin, named `area.action`, taking ids only. Each hands its job to
the runner the worker process built (services, bot, storage live there)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import dramatiq
from dramatiq import Actor, Broker

from domain.jobs import Jobs
from infrastructure.tasks.broker import QUEUE

# (job name, payload, outbox id) -> done; raising makes Dramatiq retry with backoff.
JobRunner = Callable[[str, dict[str, Any], "int | None"], Awaitable[None]]


def declare_actors(broker: Broker, run: JobRunner) -> dict[str, Actor[Any, Any]]:
    """Register the actors on ``broker`` (declared here, not at import time, so
    every process and test gets its own broker)."""

    async def issue_invoice(booking_id: int, outbox_id: int | None = None) -> None:
        await run(Jobs.ISSUE_INVOICE, {"booking_id": booking_id}, outbox_id)

    async def cancel_invoice(booking_id: int, outbox_id: int | None = None) -> None:
        await run(Jobs.CANCEL_INVOICE, {"booking_id": booking_id}, outbox_id)

    async def expire_overdue(outbox_id: int | None = None) -> None:
        await run(Jobs.EXPIRE_BOOKINGS, {}, outbox_id)

    async def send_reminders(outbox_id: int | None = None) -> None:
        await run(Jobs.SEND_REMINDERS, {}, outbox_id)

    async def sweep_outbox(outbox_id: int | None = None) -> None:
        await run(Jobs.SWEEP_OUTBOX, {}, outbox_id)

    functions = {
        Jobs.ISSUE_INVOICE: issue_invoice,
        Jobs.CANCEL_INVOICE: cancel_invoice,
        # Periodic jobs: a lost one is simply done at the next tick, so no retries.
        Jobs.EXPIRE_BOOKINGS: expire_overdue,
        Jobs.SEND_REMINDERS: send_reminders,
        Jobs.SWEEP_OUTBOX: sweep_outbox,
    }
    periodic = {Jobs.EXPIRE_BOOKINGS, Jobs.SEND_REMINDERS, Jobs.SWEEP_OUTBOX}
    return {
        name: dramatiq.actor(
            fn, broker=broker, actor_name=name, queue_name=QUEUE, **({"max_retries": 0} if name in periodic else {})
        )
        for name, fn in functions.items()
    }
