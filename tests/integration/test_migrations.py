"""Alembic migrations go up and down on SQLite and Postgres and match the models."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.migrations import downgrade, upgrade
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.models import Base
from infrastructure.db.uow import SqlUnitOfWorkFactory
from tests.conftest import pg_url, recreate_pg_database
from tests.services import require_or_skip

TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    with ThreadPoolExecutor(1) as pool:
        problem = pool.submit(asyncio.run, recreate_pg_database("cinebooker_migrations")).result()
    if problem:
        require_or_skip("PostgreSQL", problem)
    return pg_url("cinebooker_migrations")


async def _schema(url: str):
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            def read(sync_conn):
                tables = set(inspect(sync_conn).get_table_names()) - {"alembic_version"}
                diff = compare_metadata(MigrationContext.configure(sync_conn), Base.metadata)
                indexes = {i["name"] for i in inspect(sync_conn).get_indexes("booking_seats")} if "booking_seats" in tables else set()
                return tables, diff, indexes
            return await conn.run_sync(read)
    finally:
        await engine.dispose()


def _run(fn, *args):
    # Alembic's env calls asyncio.run: keep it off the test's event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


async def test_upgrade_downgrade_upgrade(fresh_url):
    _run(upgrade, fresh_url)
    tables, diff, indexes = await _schema(fresh_url)
    assert tables == TABLES
    assert diff == [], f"models and migrations differ: {diff}"
    assert "uq_booking_seats_active_seat" in indexes
    _run(downgrade, fresh_url)
    tables, _, _ = await _schema(fresh_url)
    assert tables == set()
    _run(upgrade, fresh_url)
    tables, diff, _ = await _schema(fresh_url)
    assert tables == TABLES and diff == []


async def test_movies_stored_before_texts_per_language_get_none_and_keep_the_rest(fresh_url):
    _run(upgrade, fresh_url, "0004")
    engine = create_engine(fresh_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO movies (ref, title, original_title, runtime_min, age_rating, genres, synopsis,"
                " poster, languages, subtitles) VALUES ('old', 'Alt', '', 90, '', '[\"Familie\"]', 'S', '', '[]', '[]')"
            ))
        _run(upgrade, fresh_url)
        async with SqlUnitOfWorkFactory(session_factory(engine))() as uow:
            movie = await uow.movies.get_by_ref("old")
        assert (movie.titles, movie.synopses, movie.genres) == ({}, {}, ("Familie",))
        assert movie.title_in("ru") == "Alt"
        _run(downgrade, fresh_url, "0004")
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT title FROM movies"))).scalar_one() == "Alt"
    finally:
        await engine.dispose()
