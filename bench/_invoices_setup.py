"""The data of bench/invoices.py: a cinema with a Cyrillic title, customers whose
chats have /start'ed the bot, and K paid 4-seat bookings made through the
services, as the bot makes them. Nothing here queues a job: the bench hands the
bookings' outbox jobs to the queue itself, at once, when the worker is ready.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from bot.container import Container
from domain.catalog import Movie, PriceRule, Showtime, TicketType
from domain.customer import Customer
from domain.hall import Hall, RowSpec, SeatKind
from domain.jobs import Jobs
from domain.money import Money
from domain.services.bookings import BookingService, PaymentOutcome
from domain.services.checkout import CheckoutService
from domain.services.seats import SeatService
from infrastructure.db.models import OutboxRow
from playground.client import PlaygroundClient

SEATS_PER_BOOKING = 4
# 20 rows of 40 seats in three blocks: room for 200 bookings of 4 side by side
# per showtime; more bookings use more showtimes of the same hall.
ROWS = tuple(RowSpec(chr(ord("A") + i), "ssssssssss_ssssssssssssssssssss_ssssssssss") for i in range(20))
SEATS_PER_ROW = 40
BOOKINGS_PER_SHOW = len(ROWS) * SEATS_PER_ROW // SEATS_PER_BOOKING
FIRST_USER_ID = 300_000_001
# Names and languages of the buyers in turn: invoices come out in both locales.
BUYERS = (("Анна Смирнова", "ru"), ("Jonas Becker", "en"), ("Дмитрий Соколов", "ru"), ("Emma Schulz", "en"))
# Each booking's ticket types, seat by seat: a student line carries a reduced price.
TICKET_TYPES = ("adult", "adult", "student", "child")


@dataclass(frozen=True)
class Paid:
    booking_id: int
    customer_id: int
    outbox_id: int | None = None


async def seed_cinema(container: Container, bookings: int) -> list[int]:
    """Movie, hall, ticket types, and enough showtimes (tomorrow and after, so
    sales are open and no reminder is due) for ``bookings`` bookings."""
    starts = (datetime.now(timezone.utc) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    prices = {SeatKind.STANDARD: Money(1250, "EUR")}
    async with container.deps.uow() as uow:
        movie = await uow.movies.add(
            Movie(None, "stalker", "Сталкер", 161, "FSK 12", "Stalker", ("drama", "sci-fi"), languages=("ru",))
        )
        hall = await uow.halls.add(Hall(None, "h1", "Зал 1", ROWS))
        await uow.ticket_types.upsert(TicketType("adult", "Adult"))
        await uow.ticket_types.upsert(TicketType("student", "Student", PriceRule.MINUS, 200, 1, True))
        await uow.ticket_types.upsert(TicketType("child", "Child", PriceRule.PERCENT, 7000, 2))
        shows = []
        for n in range(-(-bookings // BOOKINGS_PER_SHOW)):
            show = await uow.showtimes.add(
                Showtime(None, f"stalker-{n + 1}", movie.id, hall.id, starts + timedelta(hours=3 * n), dict(prices),
                         "2D", "ru", "de")
            )
            shows.append(show.id)
        await uow.commit()
    return shows


def customer_ids(count: int) -> list[int]:
    return [FIRST_USER_ID + i for i in range(count)]


def buyer(index: int) -> tuple[str, str]:
    name, language = BUYERS[index % len(BUYERS)]
    return f"{name} {index + 1}", language


async def start_chats(client: PlaygroundClient, users: list[int]) -> None:
    """Playground users whose private chats with the bot have begun: a bot may
    only write to those who wrote first (sendDocument is refused otherwise)."""

    async def one(index: int, user_id: int) -> None:
        name, language = buyer(index)
        await client.create_user(name, user_id=user_id, language_code=language)
        await client.send_text(user_id, "/start")

    for batch in range(0, len(users), 50):
        await asyncio.gather(*(one(batch + i, u) for i, u in enumerate(users[batch: batch + 50])))


def seats_of(index: int) -> list[str]:
    """Four adjacent seats of booking ``index`` within its showtime."""
    place = index % BOOKINGS_PER_SHOW
    row = ROWS[place * SEATS_PER_BOOKING // SEATS_PER_ROW].label
    first = place * SEATS_PER_BOOKING % SEATS_PER_ROW + 1
    return [f"{row}-{first + n}" for n in range(SEATS_PER_BOOKING)]


async def paid_bookings(container: Container, shows: list[int], users: list[int], concurrency: int = 8) -> list[Paid]:
    """Hold -> checkout -> confirm_payment for every user, as the bot and the
    payment webhook do (a few at a time: this is set-up, not the measurement)."""
    deps = container.deps
    seats, checkout, bookings = SeatService(deps), CheckoutService(deps), BookingService(deps)
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, user_id: int) -> Paid:
        async with gate:
            show = shows[index // BOOKINGS_PER_SHOW]
            owner = f"tg{user_id}"
            codes = seats_of(index)
            await seats.hold(show, codes, owner)
            name, language = buyer(index)
            types = dict(zip(codes, TICKET_TYPES))
            booking = await checkout.checkout(show, owner, Customer(user_id, name, language), types)
            assert booking.id is not None
            paid = await bookings.confirm_payment(
                booking.id, "stripe", f"pi_bench_{index + 1}", booking.total.amount, booking.currency
            )
            if paid.outcome is not PaymentOutcome.CONFIRMED:
                raise RuntimeError(f"booking {booking.id}: payment {paid.outcome}")
            return Paid(booking.id, user_id)

    return list(await asyncio.gather(*(one(i, u) for i, u in enumerate(users))))


async def claim_outbox(container: Container, paid: list[Paid]) -> list[Paid]:
    """The bookings' "invoices.issue" outbox rows, marked as handed over now.

    This is what the bot's after-commit hand-over does, done before the worker
    starts: the worker's outbox sweeper then leaves them alone (it re-queues only
    rows never handed over, 30 s after they were written), so no invoice job is
    queued twice, and each job carries its outbox id, so the worker also pays
    for marking it done, as in production.
    """
    by_booking: dict[int, int] = {}
    async with container.deps.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = (await session.execute(
            update(OutboxRow)
            .where(OutboxRow.job == Jobs.ISSUE_INVOICE, OutboxRow.sent_at.is_(None))
            .values(sent_at=datetime.now(timezone.utc), attempts=OutboxRow.attempts + 1)
            .returning(OutboxRow.id, OutboxRow.payload)
        )).all()
        await uow.commit()
    for outbox_id, payload in rows:
        by_booking[int(payload["booking_id"])] = int(outbox_id)
    missing = [p.booking_id for p in paid if p.booking_id not in by_booking]
    if missing:
        raise RuntimeError(f"no outbox job for bookings {missing[:5]}")
    return [Paid(p.booking_id, p.customer_id, by_booking[p.booking_id]) for p in paid]
