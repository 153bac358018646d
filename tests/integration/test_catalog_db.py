"""The sample catalog goes into SQLite and Postgres, and again without duplicates."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from domain.ports import SystemClock
from domain.services.catalog_admin import CatalogAdmin
from domain.services.deps import BookingPolicy, Deps
from infrastructure.catalog import dump_catalog, load_catalog, parse_catalog
from infrastructure.holds.memory import MemoryHoldStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"


async def test_import_twice_and_round_trip(uow_factory):
    data = load_catalog(EXAMPLE, today=date(2026, 11, 23))
    admin = CatalogAdmin(Deps(uow_factory, MemoryHoldStore(), SystemClock(), BookingPolicy(timezone="Europe/Berlin")))
    first = await admin.import_catalog(data)
    assert first.showtimes.created == len(data.showtimes) > 100
    second = await admin.import_catalog(load_catalog(EXAMPLE, today=date(2026, 11, 23)))
    assert (second.movies.created, second.movies.updated, second.showtimes.created, second.showtimes.updated) == (0, 0, 0, 0)
    async with uow_factory() as uow:
        assert len(await uow.showtimes.list()) == len(data.showtimes)
        assert len(await uow.movies.list()) == 8
        big = max(await uow.halls.list(), key=lambda h: h.capacity)
        assert big.capacity >= 300 and big.blocks() == 3
    exported = await admin.export_catalog()
    again = await admin.import_catalog(parse_catalog(dump_catalog(exported)))
    assert again.showtimes.created == again.showtimes.updated == 0
    assert again.promos.created == again.promos.updated == 0


async def test_times_are_stored_in_utc(uow_factory):
    data = load_catalog(EXAMPLE, today=date(2026, 11, 23))
    admin = CatalogAdmin(Deps(uow_factory, MemoryHoldStore(), SystemClock()))
    await admin.import_catalog(data)
    spec = data.showtimes[0]
    async with uow_factory() as uow:
        stored = await uow.showtimes.get_by_ref(spec.ref)
    assert stored.starts_at == spec.starts_at and stored.starts_at.tzinfo == timezone.utc
    assert stored.starts_at > datetime(2026, 11, 23, tzinfo=timezone.utc)


async def test_texts_per_language_and_genres_are_stored_and_exported(uow_factory):
    data = load_catalog(EXAMPLE, today=date(2026, 11, 23))
    admin = CatalogAdmin(Deps(uow_factory, MemoryHoldStore(), SystemClock(), BookingPolicy(timezone="Europe/Berlin")))
    await admin.import_catalog(data)
    async with uow_factory() as uow:
        stored = await uow.movies.get_by_ref("fuchs-und-kraehe")
    assert stored.title_in("ru") == "Лис и ворона" and stored.title_in("de") == "Fuchs und Krähe"
    assert stored.synopsis_in("ru").startswith("Гордому лису") and stored.genres == ("animation", "family")
    exported = await admin.export_catalog()
    assert [m for m in exported.movies if m.ref == "fuchs-und-kraehe"][0].titles == stored.titles
    # A title changed for one language is an update in place; the same file again is none.
    changed = parse_catalog(dump_catalog(exported).replace("ru: Лис и ворона", "ru: Лис и Ворона"))
    report = await admin.import_catalog(changed)
    assert (report.movies.updated, report.movies.unchanged) == (1, 7)
    async with uow_factory() as uow:
        assert (await uow.movies.get_by_ref("fuchs-und-kraehe")).titles["ru"] == "Лис и Ворона"
