"""Shared fixtures: databases (SQLite and Postgres) migrated by Alembic."""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.s3 import aws_env, moto_endpoint  # noqa: F401 - fixtures for every test folder
from tests.services import require_or_skip

POSTGRES_URL = os.environ.get(
    "CINEBOOKER_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# Overridable so that two test runs on one machine do not share a database.
TEST_DATABASE = os.environ.get("CINEBOOKER_TEST_DATABASE", "cinebooker_test")


def _in_thread(fn, *args):  # type: ignore[no-untyped-def]
    """Run blocking set-up that calls asyncio.run (Alembic's env) off the event loop
    of the test that first asked for it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def pg_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


async def recreate_pg_database(name: str = TEST_DATABASE) -> str | None:
    """Drop and create a database; returns why it failed, or None."""
    import asyncpg

    url = make_url(POSTGRES_URL)
    try:
        conn = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password,
            database=url.database, timeout=5,
        )
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return None


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A migrated Postgres database for the session, or why there is none."""
    problem = _in_thread(asyncio.run, recreate_pg_database())
    if problem:
        yield "unreachable: " + problem
        return
    from bot.migrations import upgrade

    _in_thread(upgrade, pg_url(TEST_DATABASE))
    yield None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (faster than migrating)."""
    from bot.migrations import upgrade

    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _in_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    return path


async def _truncate_pg(url: str) -> None:
    from infrastructure.db.engine import create_engine
    from infrastructure.db.models import Base

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "cinebooker.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def postgres_url(postgres_template: str | None) -> str:
    if postgres_template:
        require_or_skip("PostgreSQL", f"{POSTGRES_URL} {postgres_template}")
    url = pg_url(TEST_DATABASE)
    await _truncate_pg(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
async def uow_factory(db_url: str) -> AsyncIterator[object]:
    from infrastructure.db.engine import create_engine, session_factory
    from infrastructure.db.uow import SqlUnitOfWorkFactory

    engine = create_engine(db_url)
    try:
        yield SqlUnitOfWorkFactory(session_factory(engine))
    finally:
        await engine.dispose()
