"""Databases for bench/flash_sale.py: a fresh Postgres database and Redis db, the
flash-sale catalog (one 200-seat hall, one showtime tomorrow), and the check of
what was sold."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import text
from sqlalchemy.engine import make_url

from domain.catalog import Movie, Showtime, TicketType
from domain.hall import Hall, RowSpec, SeatKind
from domain.money import Money
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.uow import SqlUnitOfWorkFactory

# 10 rows of 20 seats, 10 | 10 around a centre aisle. Even blocks let pairs of
# adjacent seats sell the hall out exactly.
ROWS = tuple(RowSpec(chr(ord("A") + i), "ssssssssss_ssssssssss") for i in range(10))


@dataclass(frozen=True)
class Sale:
    showtime_id: int
    hall_seats: int


async def recreate_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``admin_url``; its URL."""
    import asyncpg

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        database=url.database, timeout=10,
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def migrate(database_url: str) -> None:
    """Alembic's env calls asyncio.run, so it runs in a thread of its own."""
    from bot.migrations import upgrade

    await asyncio.to_thread(upgrade, database_url)


async def flush_redis(redis_url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


async def seed_sale(database_url: str, currency: str = "EUR") -> Sale:
    """The catalog of the sale, written through the repositories."""
    engine = create_engine(database_url)
    try:
        async with SqlUnitOfWorkFactory(session_factory(engine))() as uow:
            movie = await uow.movies.add(
                Movie(None, "premiere", "Flash Sale Premiere", 120, "FSK 12", languages=("en",))
            )
            hall = await uow.halls.add(Hall(None, "main", "Main Hall", ROWS))
            starts = (datetime.now(timezone.utc) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            price = Money(1200, currency)
            show = await uow.showtimes.add(
                Showtime(None, "premiere-1", movie.id, hall.id, starts, {SeatKind.STANDARD: price}, "2D", "en")
            )
            await uow.ticket_types.upsert(TicketType("adult", "Adult"))
            await uow.commit()
        assert show.id is not None
        return Sale(show.id, hall.capacity)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class SoldCheck:
    seats_sold: int  # active booking seats of the showtime
    seats_sold_twice: int  # seats with more than one active booking row
    bookings: int
    statuses: dict[str, int]
    seats: frozenset[str]


async def check_sold(database_url: str, showtime_id: int) -> SoldCheck:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT bs.seat_code, b.status FROM booking_seats bs"
                        " JOIN bookings b ON b.id = bs.booking_id"
                        " WHERE bs.showtime_id = :show AND bs.active"
                    ),
                    {"show": showtime_id},
                )
            ).all()
            statuses = dict(
                (
                    await conn.execute(
                        text("SELECT status, count(*) FROM bookings WHERE showtime_id = :show GROUP BY status"),
                        {"show": showtime_id},
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    per_seat = Counter(code for code, _ in rows)
    return SoldCheck(
        seats_sold=len(rows),
        seats_sold_twice=sum(1 for n in per_seat.values() if n > 1),
        bookings=sum(statuses.values()),
        statuses={str(k): int(v) for k, v in statuses.items()},
        seats=frozenset(per_seat),
    )



async def store_counters(admin_url: str, database: str, redis_url: str) -> dict[str, int]:
    """Postgres transactions of ``database`` and Redis commands so far (server-wide;
    during a run only the bot uses this Redis). Postgres publishes a backend's
    counts when it goes idle or exits, so read them after the bot has stopped."""
    import asyncpg
    from redis.asyncio import Redis

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        database=url.database, timeout=10,
    )
    try:
        xacts = await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", database
        )
    finally:
        await conn.close()
    client = Redis.from_url(redis_url)
    try:
        stats = await client.info("stats")
    finally:
        await client.aclose()
    return {"pg_transactions": int(xacts or 0), "redis_commands": int(stats.get("total_commands_processed", 0))}
