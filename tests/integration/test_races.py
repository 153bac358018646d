"""Races against real Postgres and Redis: no seat is sold twice, no promo use
is handed out past its limit."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy import select

from domain.customer import Customer
from domain.errors import PromoRefused, SeatsUnavailable
from domain.promo import PromoCode, PromoKind
from domain.services.checkout import CheckoutService
from domain.services.deps import Deps
from domain.services.seats import SeatService
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.models import BookingSeatRow
from infrastructure.db.uow import SqlUnitOfWorkFactory
from infrastructure.holds.memory import MemoryHoldStore
from infrastructure.holds.redis import RedisHoldStore
from tests.fakes import FakeClock
from tests.integration.seed import NOW, seed_cinema
from tests.services import connect_test_redis

CUSTOMERS = 200


def _wishes(hall, count: int, seed: int) -> list[list[str]]:
    """Overlapping wishes: 1-4 adjacent seats somewhere in the hall."""
    rng = random.Random(seed)
    rows = [hall.row_seats(i) for i in range(len(hall.rows))]
    wishes = []
    for _ in range(count):
        row = [s for s in rng.choice(rows) if not s.blocked]
        size = rng.randint(1, 4)
        start = rng.randrange(0, len(row) - size + 1)
        wishes.append([s.code for s in row[start : start + size]])
    return wishes


async def _active_seat_rows(uow_factory) -> list[tuple[int, str, int]]:
    async with uow_factory() as uow:
        result = await uow.session.execute(
            select(BookingSeatRow.showtime_id, BookingSeatRow.seat_code, BookingSeatRow.booking_id).where(
                BookingSeatRow.active.is_(True)
            )
        )
        return [tuple(r) for r in result.all()]


async def _race(uow_factory, deps_for, cinema, wishes):
    async def customer(i: int, seats: list[str]):
        deps = deps_for(i)
        owner = f"owner-{i}"
        try:
            await SeatService(deps).hold(cinema.show.id, seats, owner)
            booking = await CheckoutService(deps).checkout(
                cinema.show.id, owner, Customer(10_000 + i, f"Customer {i}")
            )
        except SeatsUnavailable:
            return i, None
        return i, booking

    return await asyncio.gather(*(customer(i, seats) for i, seats in enumerate(wishes)))


def _check(results, wishes, rows):
    winners = {i: b for i, b in results if b is not None}
    per_seat = Counter((showtime, code) for showtime, code, _ in rows)
    assert max(per_seat.values()) == 1, "a seat was sold twice"
    won = [code for b in winners.values() for code in b.seat_codes]
    assert len(won) == len(set(won)), "two winners share a seat"
    assert len(rows) == len(set(won)), "seats sold differ from the seats won"
    for i, booking in winners.items():
        assert sorted(booking.seat_codes) == sorted(wishes[i])
        assert {code for _, code, bid in rows if bid == booking.id} == set(wishes[i])
    return winners


@pytest.fixture
async def pg_uow_factory(postgres_url):
    engine = create_engine(postgres_url)
    yield SqlUnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


async def test_200_customers_race_on_postgres_and_redis(pg_uow_factory):
    cinema = await seed_cinema(pg_uow_factory)
    flushed = await connect_test_redis()
    # As the bot builds it (bot/container.py): 200 customers at once may want
    # more than the pool's 100 connections, and then wait for one.
    redis = Redis.from_pool(
        BlockingConnectionPool(max_connections=100, timeout=20, **flushed.connection_pool.connection_kwargs)
    )
    await flushed.aclose()
    try:
        deps = Deps(pg_uow_factory, RedisHoldStore(redis), FakeClock(NOW))
        wishes = _wishes(cinema.hall, CUSTOMERS, seed=7)
        results = await _race(pg_uow_factory, lambda _: deps, cinema, wishes)
        winners = _check(results, wishes, await _active_seat_rows(pg_uow_factory))
        assert 10 < len(winners) < CUSTOMERS  # the wishes really overlapped
        # Winners' holds were released; a loser keeps no hold on a sold seat.
        leftover = await RedisHoldStore(redis).holders(cinema.show.id)
        sold = {code for _, code, _ in await _active_seat_rows(pg_uow_factory)}
        assert not set(leftover) & sold
    finally:
        await redis.aclose()


async def test_the_database_alone_stops_double_sales(pg_uow_factory):
    # Every customer gets a hold store of their own, so holds never conflict
    # (a lost Redis, a stale replica): the partial unique index must decide.
    cinema = await seed_cinema(pg_uow_factory)
    clock = FakeClock(NOW)
    stores = [MemoryHoldStore() for _ in range(CUSTOMERS)]
    wishes = _wishes(cinema.hall, CUSTOMERS, seed=11)
    results = await _race(pg_uow_factory, lambda i: Deps(pg_uow_factory, stores[i], clock), cinema, wishes)
    winners = _check(results, wishes, await _active_seat_rows(pg_uow_factory))
    assert 10 < len(winners) < CUSTOMERS


async def test_last_promo_use_goes_to_exactly_one(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await uow.promos.add(PromoCode(None, "LAST", PromoKind.PERCENT, 2000, max_uses=1))
        await uow.promos.add(PromoCode(None, "ONCEEACH", PromoKind.FIXED, 100, max_uses_per_customer=1))
        await uow.commit()
    deps = Deps(uow_factory, MemoryHoldStore(), FakeClock(NOW))
    seats = [s.code for s in cinema.hall.row_seats(3)][:12]

    async def attempt(i: int, code: str, customer_id: int):
        owner = f"{code}-{i}"
        await SeatService(deps).hold(cinema.show.id, [seats[i]], owner)
        try:
            return await CheckoutService(deps).checkout(
                cinema.show.id, owner, Customer(customer_id, "c"), promo_code=code
            )
        except PromoRefused as exc:
            assert exc.reason in ("exhausted", "already_used")
            return None

    # Many customers, one use left.
    results = await asyncio.gather(*(attempt(i, "last", 500 + i) for i in range(6)))
    assert sum(r is not None for r in results) == 1
    # One customer, several tabs, one use each.
    results = await asyncio.gather(*(attempt(i, "onceeach", 900) for i in range(6, 12)))
    assert sum(r is not None for r in results) == 1
    async with uow_factory() as uow:
        last = await uow.promos.get_by_code("LAST")
        each = await uow.promos.get_by_code("ONCEEACH")
        assert last.uses == 1 and each.uses == 1
        assert await uow.promos.customer_uses(each.id, 900) == 1
        assert len(await uow.bookings.sold_seats(cinema.show.id)) == 2
