"""Engines for Postgres (asyncpg) and the embedded SQLite (aiosqlite)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


# An execution option of the engine that read-only units of work use.
READ_ONLY_OPTION = "cinebooker_read_only"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# Connections older than this are replaced when next checked out: a server or a
# proxy that drops idle connections never hands us a dead one.
POOL_RECYCLE_S = 1800
# Kept open: a connection beyond pool_size is closed when returned, and opening
# one costs several round trips (asyncpg sets up its type codecs), so a busy
# bot should rarely need the overflow. The bot handles at most 16 updates at
# once (bot/telegram.py), each holding one connection at a time.
POOL_SIZE, MAX_OVERFLOW = 20, 10
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def is_local(url: str) -> bool:
    """A server on this machine: a loopback host or a Unix socket (no host)."""
    host = make_url(url).host
    return host is None or host in _LOOPBACK


def create_engine(url: str, *, echo: bool = False, pre_ping: bool | None = None) -> AsyncEngine:
    """``pre_ping`` (default: only for a server on another machine) tests each
    connection with a round trip before use. It costs a round trip for every
    transaction, a visible share of the bot's CPU in a flash sale; on this
    machine a connection is not lost by a network, and one lost by a restart
    fails once and makes the pool reconnect."""
    if not is_sqlite(url):
        if pre_ping is None:
            pre_ping = not is_local(url)
        return create_async_engine(
            url,
            echo=echo,
            pool_pre_ping=pre_ping,
            pool_recycle=POOL_RECYCLE_S,
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
        )
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and begins lazily; take
    # over: every transaction is BEGIN IMMEDIATE so that two writers queue on the
    # busy timeout instead of failing when a read transaction tries to write.
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A read-only unit of work (infrastructure/db/uow.py) never writes: a
        # deferred BEGIN lets it read beside a writer (WAL) instead of queueing.
        reading = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
