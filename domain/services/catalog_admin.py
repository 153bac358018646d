"""Catalog import and export: the cinema's programme in and out as one piece of data.

Import matches items by stable keys: movies, halls and showtimes by ``ref``; ticket
types and promo codes by ``code``. New items are created, known ones updated in
place. It is additive: nothing missing from the data is deleted (a showtime dropped
from the file stays, with its bookings). Everything is checked against the data and
the database before the first write, and the whole import is one transaction.

Not checked (yet): changing a hall's layout, or moving a showtime, under seats that
active bookings already hold. Staff must not edit a sold hall that way.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from domain.catalog import CinemaInfo, Movie, Showtime, TicketType
from domain.services.cinema import CinemaChanged, check_same_cinema
from domain.errors import NotFound
from domain.hall import Hall
from domain.ports import UnitOfWork
from domain.promo import PromoCode, normalize_code
from domain.services.catalog_data import (
    DEFAULT_CLEANING_MINUTES,
    CatalogData,
    CatalogError,
    ExistingCatalog,
    ImportReport,
    KindCounts,
    PromoSpec,
    ShowtimeSpec,
)
from domain.services.catalog_rules import check_catalog
from domain.services.deps import Deps

# --- the use cases ----------------------------------------------------------------


class CatalogAdmin:
    def __init__(self, deps: Deps) -> None:
        self.d = deps

    async def import_catalog(self, data: CatalogData) -> ImportReport:
        """Check the data against the database, then upsert it all in one commit.
        Raises CatalogError (nothing written) when anything is wrong."""
        async with self.d.uow() as uow:
            existing = await self._existing(uow, data)
            try:
                check_same_cinema(await uow.cinema.get(), data.cinema, bool(await uow.showtimes.list()))
            except CinemaChanged as exc:
                raise CatalogError("cinema", "", str(exc)) from None
            check_catalog(data, existing)
            report = ImportReport()
            movie_ids = await self._movies(uow, data.movies, existing, report)
            hall_ids = await self._halls(uow, data.halls, existing, report)
            showtime_ids = await self._showtimes(uow, data.showtimes, existing, movie_ids, hall_ids, report)
            await self._ticket_types(uow, data.ticket_types, report)
            await self._promos(uow, data.promos, movie_ids, showtime_ids, report)
            await uow.cinema.put(data.cinema, self.d.clock.now())
            await uow.commit()
        return report

    async def export_catalog(
        self, *, cinema: CinemaInfo | None = None, since: datetime | None = None
    ) -> CatalogData:
        """Everything stored, by refs; ``since`` keeps only showtimes from then on."""
        policy = self.d.policy
        async with self.d.uow() as uow:
            info = cinema or await uow.cinema.get() or CinemaInfo(timezone=policy.timezone, currency=policy.currency)
            movies = sorted(await uow.movies.list(), key=lambda m: m.id or 0)
            halls = sorted(await uow.halls.list(), key=lambda h: h.id or 0)
            showtimes = await uow.showtimes.list()
            ticket_types = sorted(await uow.ticket_types.list(), key=lambda t: (t.position, t.code))
            promos = sorted(await uow.promos.list(), key=lambda p: p.code)
        movie_refs = {m.id: m.ref for m in movies}
        hall_refs = {h.id: h.ref for h in halls}
        showtime_refs = {s.id: s.ref for s in showtimes}
        specs = []
        for s in sorted(showtimes, key=lambda s: (s.starts_at, hall_refs.get(s.hall_id, ""), s.ref)):
            if since is not None and s.starts_at < since:
                continue
            if s.movie_id not in movie_refs or s.hall_id not in hall_refs:
                raise NotFound(f"showtime {s.ref} lacks its movie or hall", kind="showtime")
            specs.append(
                ShowtimeSpec(
                    s.ref, movie_refs[s.movie_id], hall_refs[s.hall_id], s.starts_at, dict(s.prices),
                    s.format, s.language, s.subtitles, s.sales_close_minutes,
                )
            )
        return CatalogData(
            movies=[dataclasses.replace(m, id=None) for m in movies],
            halls=[Hall(None, h.ref, h.name, h.rows, h.blocked) for h in halls],
            showtimes=specs,
            ticket_types=ticket_types,
            promos=[_promo_spec(p, movie_refs, showtime_refs) for p in promos],
            cinema=info,
        )

    async def _existing(self, uow: UnitOfWork, data: CatalogData) -> ExistingCatalog:
        movies = {m.ref: m for m in await uow.movies.list()}
        halls = {h.ref: h for h in await uow.halls.list()}
        showtimes: dict[str, Showtime] = {}
        if data.showtimes:
            # Any stored showtime that could overlap one of the data starts less
            # than the longest movie (plus cleaning) before it.
            runtimes = [m.runtime_min for m in movies.values()] + [m.runtime_min for m in data.movies]
            longest = timedelta(minutes=max(runtimes, default=0) + max(data.cleaning_minutes, 0))
            starts = [s.starts_at for s in data.showtimes]
            near = await uow.showtimes.between(min(starts) - longest, max(starts) + longest)
            showtimes = {s.ref: s for s in near}
        wanted = {s.ref for s in data.showtimes}.union(*(p.showtime_refs for p in data.promos))
        for ref in sorted(wanted - set(showtimes)):
            stored = await uow.showtimes.get_by_ref(ref)
            if stored is not None:
                showtimes[ref] = stored
        return ExistingCatalog(movies, halls, showtimes)

    async def _movies(
        self, uow: UnitOfWork, movies: list[Movie], existing: ExistingCatalog, report: ImportReport
    ) -> dict[str, int]:
        ids = {ref: m.id for ref, m in existing.movies.items() if m.id is not None}
        for movie in movies:
            old = existing.movies.get(movie.ref)
            new = dataclasses.replace(movie, id=old.id if old else None)
            ids[movie.ref] = await _save(uow.movies, old, new, report.movies)
        return ids

    async def _halls(
        self, uow: UnitOfWork, halls: list[Hall], existing: ExistingCatalog, report: ImportReport
    ) -> dict[str, int]:
        ids = {ref: h.id for ref, h in existing.halls.items() if h.id is not None}
        for hall in halls:
            old = existing.halls.get(hall.ref)
            new = Hall(old.id if old else None, hall.ref, hall.name, hall.rows, hall.blocked)
            ids[hall.ref] = await _save(uow.halls, old, new, report.halls)
        return ids

    async def _showtimes(
        self,
        uow: UnitOfWork,
        specs: list[ShowtimeSpec],
        existing: ExistingCatalog,
        movie_ids: dict[str, int],
        hall_ids: dict[str, int],
        report: ImportReport,
    ) -> dict[str, int]:
        ids = {ref: s.id for ref, s in existing.showtimes.items() if s.id is not None}
        for spec in specs:
            old = existing.showtimes.get(spec.ref)
            new = Showtime(
                old.id if old else None, spec.ref, movie_ids[spec.movie_ref], hall_ids[spec.hall_ref],
                spec.starts_at, dict(spec.prices), spec.format, spec.language, spec.subtitles,
                spec.sales_close_minutes,
            )
            ids[spec.ref] = await _save(uow.showtimes, old, new, report.showtimes)
        return ids

    async def _ticket_types(self, uow: UnitOfWork, types: list[TicketType], report: ImportReport) -> None:
        stored = {t.code: t for t in await uow.ticket_types.list()}
        for ticket_type in types:
            old = stored.get(ticket_type.code)
            if old == ticket_type:
                report.ticket_types.unchanged += 1
                continue
            await uow.ticket_types.upsert(ticket_type)
            if old is None:
                report.ticket_types.created += 1
            else:
                report.ticket_types.updated += 1

    async def _promos(
        self,
        uow: UnitOfWork,
        specs: list[PromoSpec],
        movie_ids: dict[str, int],
        showtime_ids: dict[str, int],
        report: ImportReport,
    ) -> None:
        stored = {p.code: p for p in await uow.promos.list()}
        for spec in specs:
            old = stored.get(normalize_code(spec.code))
            new = PromoCode(
                id=old.id if old else None,
                code=spec.code,
                kind=spec.kind,
                value=spec.value,
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
                max_uses=spec.max_uses,
                max_uses_per_customer=spec.max_uses_per_customer,
                min_tickets=spec.min_tickets,
                movie_ids=frozenset(movie_ids[r] for r in spec.movie_refs),
                showtime_ids=frozenset(showtime_ids[r] for r in spec.showtime_refs),
                seat_kinds=spec.seat_kinds,
                uses=old.uses if old else 0,  # counters belong to the customers, not the file
                active=spec.active,
            )
            await _save(uow.promos, old, new, report.promos)


async def _save(repo: Any, old: Any, new: Any, counts: KindCounts) -> int:
    """Add ``new``, or update it in place when it differs from ``old``; its id."""
    if old is None:
        added = await repo.add(new)
        counts.created += 1
        return int(added.id)
    if new != old:
        await repo.update(new)
        counts.updated += 1
    else:
        counts.unchanged += 1
    return int(old.id)


def _promo_spec(p: PromoCode, movie_refs: dict[int | None, str], showtime_refs: dict[int | None, str]) -> PromoSpec:
    return PromoSpec(
        code=p.code,
        kind=p.kind,
        value=p.value,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
        max_uses=p.max_uses,
        max_uses_per_customer=p.max_uses_per_customer,
        min_tickets=p.min_tickets,
        movie_refs=frozenset(movie_refs[i] for i in p.movie_ids if i in movie_refs),
        showtime_refs=frozenset(showtime_refs[i] for i in p.showtime_ids if i in showtime_refs),
        seat_kinds=p.seat_kinds,
        active=p.active,
    )


__all__ = [
    "DEFAULT_CLEANING_MINUTES",
    "CatalogAdmin",
    "CatalogData",
    "CatalogError",
    "CinemaInfo",
    "ExistingCatalog",
    "ImportReport",
    "KindCounts",
    "PromoSpec",
    "ShowtimeSpec",
    "check_catalog",
]
