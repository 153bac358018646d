"""Alembic environment, async: runs migrations on the engine CineBooker uses."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from infrastructure.db.engine import create_engine, is_sqlite
from infrastructure.db.models import Base
from infrastructure.db.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    # An explicit URL (tests, `cinebooker migrate`) wins over the environment.
    return (
        config.attributes.get("database_url")
        or os.environ.get("CINEBOOKER_DATABASE_URL")
        or "sqlite+aiosqlite:///./var/cinebooker.db"
    )


def _render_item(type_: str, obj: object, autogen_context) -> str | bool:  # type: ignore[no-untyped-def]
    # Migrations stay free of app imports: UTCDateTime is a timestamptz column.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table.
        render_as_batch=is_sqlite(url or str(connection.engine.url)),  # type: ignore[union-attr]
        compare_type=True,
        render_item=_render_item,
        literal_binds=connection is None,
    )


def run_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(run_online())
