"""Catalog import into a unit of work: upserts by ref, one commit, all or nothing."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from domain.promo import normalize_code
from domain.services.catalog_admin import CatalogAdmin, CatalogData, CatalogError
from domain.services.deps import BookingPolicy, Deps
from infrastructure.catalog import dump_catalog, load_catalog, parse_catalog
from infrastructure.holds.memory import MemoryHoldStore
from tests.fakes import FakeClock, FakeUnitOfWork, Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"
TODAY = date(2026, 11, 23)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def admin(store: Store) -> CatalogAdmin:
    deps = Deps(
        uow=lambda: FakeUnitOfWork(store),
        holds=MemoryHoldStore(),
        clock=FakeClock(),
        policy=BookingPolicy(timezone="Europe/Berlin", currency="EUR"),
    )
    return CatalogAdmin(deps)


@pytest.fixture
def data() -> CatalogData:
    return load_catalog(EXAMPLE, today=TODAY)


def snapshot(store: Store) -> dict[str, object]:
    return {k: copy.deepcopy(v) for k, v in vars(store).items() if k != "commits"}


async def test_import_creates_everything_in_one_commit(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    report = await admin.import_catalog(data)

    assert store.commits == 1
    assert len(store.movies) == report.movies.created == 8
    assert len(store.halls) == report.halls.created == 3
    assert len(store.showtimes) == report.showtimes.created == len(data.showtimes)
    assert len(store.ticket_types) == report.ticket_types.created == 4
    assert len(store.promos) == report.promos.created == len(data.promos)
    palast = next(h for h in store.halls.values() if h.ref == "palast")
    sternwarte = next(m for m in store.movies.values() if m.ref == "letzte-sternwarte")
    show = next(s for s in store.showtimes.values() if s.ref == "letzte-sternwarte-palast-20261201-1900")
    assert (show.hall_id, show.movie_id) == (palast.id, sternwarte.id)
    promo = next(p for p in store.promos.values() if p.code == "STERNWARTE")
    assert promo.movie_ids == frozenset({sternwarte.id})
    assert "8 created" in report.summary()


async def test_a_second_import_creates_nothing_and_changes_nothing(
    admin: CatalogAdmin, store: Store, data: CatalogData
) -> None:
    await admin.import_catalog(data)
    before = snapshot(store)

    report = await admin.import_catalog(data)

    assert snapshot(store) == before
    for kind in ("movies", "halls", "showtimes", "ticket_types", "promos"):
        counts = getattr(report, kind)
        assert (counts.created, counts.updated) == (0, 0), kind
        assert counts.unchanged > 0


async def test_changes_are_updated_in_place_by_ref(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    await admin.import_catalog(data)
    ids = {m.ref: m.id for m in store.movies.values()}
    changed = dataclasses.replace(
        data,
        movies=[dataclasses.replace(m, title=m.title + " (Director's Cut)") if m.ref == "jardin-hiver" else m
                for m in data.movies],
    )

    report = await admin.import_catalog(changed)

    assert (report.movies.created, report.movies.updated, report.movies.unchanged) == (0, 1, 7)
    assert {m.ref: m.id for m in store.movies.values()} == ids
    assert store.movies[ids["jardin-hiver"]].title == "Der Wintergarten (Director's Cut)"


async def test_promo_uses_survive_a_reimport(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    await admin.import_catalog(data)
    promo_id = next(p.id for p in store.promos.values() if p.code == "ERSTE100")
    async with FakeUnitOfWork(store) as uow:
        for customer in (1, 2, 3):
            assert await uow.promos.redeem(promo_id, customer)
        await uow.commit()
    changed = dataclasses.replace(
        data,
        promos=[dataclasses.replace(p, max_uses=50) if p.code == "ERSTE100" else p for p in data.promos],
    )

    report = await admin.import_catalog(changed)

    assert report.promos.updated == 1
    assert store.promos[promo_id].max_uses == 50
    assert store.promos[promo_id].uses == 3


async def test_showtimes_missing_from_the_file_are_left_alone(
    admin: CatalogAdmin, store: Store, data: CatalogData
) -> None:
    await admin.import_catalog(data)
    count = len(store.showtimes)

    await admin.import_catalog(dataclasses.replace(data, showtimes=data.showtimes[:5]))

    assert len(store.showtimes) == count


async def test_a_bad_file_writes_nothing(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    await admin.import_catalog(data)
    before, commits = snapshot(store), store.commits
    bad = dataclasses.replace(
        data,
        movies=[dataclasses.replace(m, title="Renamed") for m in data.movies],  # valid, but must not land
        showtimes=[*data.showtimes, dataclasses.replace(data.showtimes[0], ref="extra", hall_ref="h9")],
    )

    with pytest.raises(CatalogError) as caught:
        await admin.import_catalog(bad)

    assert caught.value.field == "hall" and "unknown hall 'h9'" in str(caught.value)
    assert snapshot(store) == before
    assert store.commits == commits


async def test_an_overlap_with_a_stored_showtime_is_refused(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    await admin.import_catalog(data)
    before = snapshot(store)
    # A new ref in the slot of a stored showtime: import never deletes, so they would clash.
    stored = next(s for s in data.showtimes if s.ref == "kaiju-harbor-kinobar-20261125-2100")
    clash = dataclasses.replace(stored, ref="late-kaiju", source="")
    partial = CatalogData(showtimes=[clash], cinema=data.cinema, cleaning_minutes=data.cleaning_minutes)

    with pytest.raises(CatalogError) as caught:
        await admin.import_catalog(partial)

    assert caught.value.place == "showtimes[0] (ref late-kaiju)"
    assert "already in the database" in str(caught.value)
    assert snapshot(store) == before


async def test_a_partial_file_may_refer_to_stored_movies_and_halls(
    admin: CatalogAdmin, store: Store, data: CatalogData
) -> None:
    await admin.import_catalog(data)
    text = """
cinema: {timezone: Europe/Berlin, currency: EUR, cleaning_minutes: 20}
showtimes:
  - ref: sternwarte-midnight
    movie: letzte-sternwarte
    hall: kinobar
    starts_at: "2026-11-24 23:30"
    prices: {standard: "9.00", vip: "12.00", wheelchair: "7.00", companion: "4.00"}
promo_codes:
  - {code: midnight, percent: "50", showtimes: [sternwarte-midnight]}
"""
    report = await admin.import_catalog(parse_catalog(text, today=TODAY))

    assert (report.showtimes.created, report.promos.created) == (1, 1)
    show = next(s for s in store.showtimes.values() if s.ref == "sternwarte-midnight")
    promo = next(p for p in store.promos.values() if p.code == normalize_code("midnight"))
    assert promo.showtime_ids == frozenset({show.id})


async def test_export_then_import_changes_nothing(admin: CatalogAdmin, store: Store, data: CatalogData) -> None:
    await admin.import_catalog(data)
    before = snapshot(store)

    exported = await admin.export_catalog()
    again = parse_catalog(dump_catalog(exported), today=TODAY)
    report = await admin.import_catalog(again)

    assert snapshot(store) == before
    assert report.showtimes.unchanged == len(data.showtimes)
    assert report.promos.unchanged == len(data.promos)
    assert {s.ref for s in exported.showtimes} == {s.ref for s in data.showtimes}
