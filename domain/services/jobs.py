"""The outbox sweeper and the reminders: periodic work of the workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.jobs import JobQueue
from domain.services.bookings import BookingService, BookingView
from domain.services.deps import Deps


@dataclass(frozen=True, slots=True)
class SweepPolicy:
    unsent_after_s: float = 30  # written but not handed over (a crash right after the commit)
    lost_after_s: float = 15 * 60  # handed over but not done: longer than all Dramatiq retries
    max_attempts: int = 10  # then it waits for a person (logged), instead of looping


class OutboxSweeper:
    def __init__(self, deps: Deps, queue: JobQueue, policy: SweepPolicy | None = None) -> None:
        self.d, self.queue, self.policy = deps, queue, policy or SweepPolicy()

    async def sweep(self) -> int:
        """Hand over again what was lost; returns how many jobs were handed over."""
        p = self.policy
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            due = await uow.outbox.due(now, p.unsent_after_s, p.lost_after_s, p.max_attempts)
        sent = []
        for job in due:
            try:
                await self.queue.send(job.job, job.payload, job.id)
            except Exception:  # noqa: BLE001 - broker still down: next sweep
                break
            sent.append(job.id)
        if sent:
            async with self.d.uow() as uow:
                await uow.outbox.mark_sent(sent, now)
                await uow.commit()
        return len(sent)

    async def done(self, outbox_id: int) -> None:
        async with self.d.uow() as uow:
            await uow.outbox.mark_done(outbox_id, self.d.clock.now())
            await uow.commit()


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    before: timedelta = timedelta(hours=2)
    # Shows starting sooner than this are not reminded of (the customer is on the way).
    too_late: timedelta = timedelta(minutes=15)


class ReminderService:
    def __init__(self, deps: Deps, policy: ReminderPolicy | None = None) -> None:
        self.d, self.policy = deps, policy or ReminderPolicy()
        self.bookings = BookingService(deps)

    async def claim_due(self) -> list[BookingView]:
        """Paid bookings whose show starts within the reminder window, each claimed
        once (a reminder is sent at most once, also with several workers)."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            due = await uow.reminders.due(now + self.policy.too_late, now + self.policy.before)
        claimed: list[BookingView] = []
        for booking_id in due:
            async with self.d.uow() as uow:
                if not await uow.reminders.claim(booking_id, now):
                    continue
                booking = await uow.bookings.get(booking_id)
                await uow.commit()
            if booking is not None:
                claimed.append(await self.bookings.view(booking))
        return claimed

    async def set_enabled(self, customer_id: int, on: bool) -> bool:
        async with self.d.uow() as uow:
            changed = await uow.reminders.set_enabled(customer_id, on)
            await uow.commit()
        return changed

    async def enabled(self, customer_id: int) -> bool:
        """Whether the customer gets reminders (on for a customer not known yet)."""
        async with self.d.uow().read_only() as uow:
            customer = await uow.customers.get(customer_id)
        return customer.reminders if customer is not None else True

    async def toggle(self, customer_id: int) -> bool | None:
        """Switch a customer's reminders; returns the new state (None: unknown customer)."""
        async with self.d.uow() as uow:
            customer = await uow.customers.get(customer_id)
            if customer is None:
                return None
            await uow.reminders.set_enabled(customer_id, not customer.reminders)
            await uow.commit()
        return not customer.reminders
