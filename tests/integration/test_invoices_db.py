"""Invoices, tickets, the outbox and reminders on SQLite and Postgres: gapless
numbers under concurrency, idempotent issuing, jobs handed over only after commit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.booking import BookingStatus
from domain.customer import Customer
from domain.invoices import InvoiceKind, Party
from domain.jobs import Jobs
from domain.money import Money
from domain.promo import PromoCode, PromoKind
from domain.services.bookings import BookingService
from domain.services.checkout import CheckoutService
from domain.services.deps import Deps
from domain.services.invoices import InvoicePolicy, InvoiceService
from domain.services.jobs import OutboxSweeper, ReminderService, SweepPolicy
from domain.services.seats import SeatService
from infrastructure.db.uow import SqlUnitOfWorkFactory
from infrastructure.holds.memory import MemoryHoldStore
from infrastructure.tasks.queue import OutboxHandOver
from tests.fakes import FakeClock
from tests.integration.seed import NOW, seed_cinema

POLICY = InvoicePolicy("CB", Party("Kino Lichtspiel GmbH", "Hauptstr. 1, Berlin", "DE123456789"))


class RecordingQueue:
    """A JobQueue that records what it was handed (or fails, while ``down``)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict, int | None]] = []
        self.down = False

    async def send(self, job: str, payload: dict, outbox_id: int | None = None) -> None:
        if self.down:
            raise ConnectionError("broker down")
        self.sent.append((job, dict(payload), outbox_id))


async def _world(uow_factory: SqlUnitOfWorkFactory, queue: RecordingQueue | None = None):
    cinema = await seed_cinema(uow_factory, rows=10, row="ssssssssss")
    clock = FakeClock(NOW)
    if queue is not None:
        uow_factory.after_commit = OutboxHandOver(queue, uow_factory, clock)
    deps = Deps(uow_factory, MemoryHoldStore(clock=lambda: clock.now().timestamp()), clock)
    return cinema, clock, deps


async def _paid(
    deps: Deps, cinema, seats: list[str], customer_id: int, name: str = "Анна", promo_code: str | None = None
) -> int:
    owner = f"c{customer_id}"
    await SeatService(deps).hold(cinema.show.id, seats, owner)
    booking = await CheckoutService(deps).checkout(
        cinema.show.id, owner, Customer(customer_id, name, "ru"), promo_code=promo_code
    )
    result = await BookingService(deps).confirm_payment(
        booking.id, "stripe", f"pi_{booking.id}", booking.total.amount, booking.currency
    )
    assert result.booking.status is BookingStatus.PAID
    return booking.id


async def test_fifty_concurrent_invoices_are_numbered_1_to_50_without_gaps(uow_factory):
    cinema, _, deps = await _world(uow_factory)
    seats = [f"{row}-{n}" for row in "BCDEFGHIJ" for n in range(1, 11)]  # A-1 is blocked
    bookings = [await _paid(deps, cinema, [seats[i]], 1000 + i) for i in range(50)]
    service = InvoiceService(deps, POLICY)
    invoices = await asyncio.gather(*(service.issue(b) for b in bookings))
    numbers = sorted(i.seq for i in invoices)
    assert numbers == list(range(1, 51))
    assert {i.series for i in invoices} == {f"CB-{NOW.year}"}
    assert len({i.booking_id for i in invoices}) == 50
    # Issuing again (also concurrently) returns the same invoice, takes no number.
    again = await asyncio.gather(*(service.issue(bookings[0]) for _ in range(5)))
    assert {i.number for i in again} == {invoices[0].number}
    async with uow_factory() as uow:
        assert await uow.invoices.next_seq(f"CB-{NOW.year}") == 51


async def test_a_rolled_back_number_is_given_back(uow_factory):
    await _world(uow_factory)
    async with uow_factory() as uow:
        assert await uow.invoices.next_seq("CB-2026") == 1
        await uow.rollback()
    async with uow_factory() as uow:
        assert await uow.invoices.next_seq("CB-2026") == 1
        assert await uow.invoices.next_seq("CB-2025") == 1  # a series each year
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.invoices.next_seq("CB-2026") == 2


async def test_invoice_snapshot_tickets_and_cancellation(uow_factory):
    cinema, clock, deps = await _world(uow_factory)
    booking_id = await _paid(deps, cinema, ["E-5", "E-6"], 7)
    service = InvoiceService(deps, POLICY)
    assert await service.cancel(booking_id) is None  # not refunded: nothing to cancel
    invoice = await service.issue(booking_id)
    assert invoice.number == f"CB-{NOW.year}-000001" and invoice.kind is InvoiceKind.INVOICE
    assert invoice.seller == POLICY.seller and invoice.buyer.name == "Анна" and invoice.language == "ru"
    assert [line.seat for line in invoice.lines] == ["E-5", "E-6"]
    assert invoice.lines[0].movie == cinema.movie.title and invoice.total == Money(2400, "EUR")
    tickets = await service.tickets(booking_id)
    assert [t.seat for t in tickets] == ["E-5", "E-6"] and len({t.secret for t in tickets}) == 2
    assert all(len(t.secret) >= 20 for t in tickets)

    bookings = BookingService(deps)
    await bookings.cancel(booking_id, 7)
    await bookings.mark_refunded(booking_id, "re_1")
    clock.advance(days=1)
    cancellation = await service.cancel(booking_id)
    assert cancellation.kind is InvoiceKind.CANCELLATION and cancellation.seq == 2
    assert cancellation.cancels == invoice.number and cancellation.total == Money(-2400, "EUR")
    assert cancellation.vat == -invoice.vat
    assert (await service.cancel(booking_id)).number == cancellation.number  # idempotent
    assert await service.tickets(booking_id) == tickets  # tickets are not re-issued


async def test_the_promo_code_is_kept_in_the_snapshot_and_on_its_cancellation(uow_factory):
    cinema, _, deps = await _world(uow_factory)
    async with uow_factory() as uow:
        await uow.promos.add(PromoCode(None, "KINO10", PromoKind.PERCENT, 1000))
        await uow.commit()
    with_code = await _paid(deps, cinema, ["G-1"], 31, promo_code="kino10")
    without = await _paid(deps, cinema, ["G-2"], 32)
    service = InvoiceService(deps, POLICY)
    issued = await service.issue(with_code)
    assert issued.promo_code == "KINO10" and issued.discount == Money(120, "EUR")
    async with uow_factory() as uow:  # read back from the stored JSON, not the object just built
        stored, _ = await uow.invoices.load(issued.id)
    assert stored.promo_code == "KINO10"
    assert (await service.issue(without)).promo_code is None

    bookings = BookingService(deps)
    await bookings.cancel(with_code, 31)
    await bookings.mark_refunded(with_code, "re_31")
    assert (await service.cancel(with_code)).promo_code == "KINO10"


async def test_never_paid_bookings_get_no_invoice(uow_factory):
    cinema, _, deps = await _world(uow_factory)
    await SeatService(deps).hold(cinema.show.id, ["C-1"], "c9")
    booking = await CheckoutService(deps).checkout(cinema.show.id, "c9", Customer(9, "Bo"))
    assert await InvoiceService(deps, POLICY).issue(booking.id) is None


async def test_jobs_are_handed_over_after_commit_only(uow_factory):
    queue = RecordingQueue()
    cinema, _, deps = await _world(uow_factory, queue)
    booking_id = await _paid(deps, cinema, ["D-1"], 3)
    assert [(job, payload) for job, payload, _ in queue.sent] == [(Jobs.ISSUE_INVOICE, {"booking_id": booking_id})]
    outbox_id = queue.sent[0][2]
    assert outbox_id is not None

    async with uow_factory() as uow:  # a transaction that rolls back sends nothing
        await uow.outbox.add(Jobs.ISSUE_INVOICE, {"booking_id": 999}, NOW)
        await uow.rollback()
    assert len(queue.sent) == 1
    sweeper = OutboxSweeper(deps, queue, SweepPolicy(unsent_after_s=0, lost_after_s=600))
    assert await sweeper.sweep() == 0  # handed over, not lost yet

    await sweeper.done(outbox_id)
    async with uow_factory() as uow:
        assert await uow.outbox.due(NOW + timedelta(days=1), 0, 0, 10) == []


async def test_the_sweeper_hands_over_what_a_broker_outage_lost(uow_factory):
    queue = RecordingQueue()
    cinema, clock, deps = await _world(uow_factory, queue)
    queue.down = True
    booking_id = await _paid(deps, cinema, ["D-2"], 4)  # committed; hand-over failed
    assert queue.sent == []
    sweeper = OutboxSweeper(deps, queue, SweepPolicy(unsent_after_s=30, lost_after_s=900, max_attempts=3))
    clock.advance(seconds=31)
    assert await sweeper.sweep() == 0  # still down: nothing marked
    queue.down = False
    assert await sweeper.sweep() == 1
    assert queue.sent[0][:2] == (Jobs.ISSUE_INVOICE, {"booking_id": booking_id})
    assert await sweeper.sweep() == 0  # handed over: not again until it counts as lost
    clock.advance(seconds=901)
    assert await sweeper.sweep() == 1  # handed over but never done: again
    clock.advance(seconds=901)
    assert await sweeper.sweep() == 1
    clock.advance(seconds=901)
    assert await sweeper.sweep() == 0  # three attempts: left for a person


async def test_reminders_once_and_only_for_those_who_want_them(uow_factory):
    cinema, clock, deps = await _world(uow_factory)
    wanted = await _paid(deps, cinema, ["F-1"], 21)
    opted_out = await _paid(deps, cinema, ["F-2"], 22)
    reminders = ReminderService(deps)
    assert await reminders.set_enabled(22, False) and not await reminders.set_enabled(999, False)
    assert await reminders.claim_due() == []  # the show is a day away
    clock._now = cinema.show.starts_at - timedelta(minutes=90)
    due = await reminders.claim_due()
    assert [v.booking.id for v in due] == [wanted] and due[0].movie.title == cinema.movie.title
    assert await reminders.claim_due() == []  # once
    assert opted_out not in [v.booking.id for v in due]
