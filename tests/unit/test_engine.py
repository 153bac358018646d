"""Engine options: the pool pre-ping only where a connection can be lost on the way."""

from __future__ import annotations

from infrastructure.db.engine import POOL_RECYCLE_S, create_engine, is_local


def test_loopback_and_unix_sockets_are_local():
    assert is_local("postgresql+asyncpg://postgres@127.0.0.1:5432/db")
    assert is_local("postgresql+asyncpg://postgres@localhost/db")
    assert is_local("postgresql+asyncpg://postgres@/db?host=/var/run/postgresql")
    assert not is_local("postgresql+asyncpg://postgres@db.internal:5432/db")


def test_pre_ping_only_for_a_remote_server_and_connections_are_recycled():
    local = create_engine("postgresql+asyncpg://postgres@127.0.0.1/db")
    remote = create_engine("postgresql+asyncpg://postgres@db.internal/db")
    forced = create_engine("postgresql+asyncpg://postgres@127.0.0.1/db", pre_ping=True)
    assert (local.pool._pre_ping, remote.pool._pre_ping, forced.pool._pre_ping) == (False, True, True)
    assert local.pool._recycle == POOL_RECYCLE_S
