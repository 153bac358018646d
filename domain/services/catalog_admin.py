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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from domain.catalog import CinemaInfo, Movie, Showtime, TicketType
from domain.services.cinema import CinemaChanged, check_same_cinema
from domain.errors import DomainError, NotFound
from domain.hall import Hall, SeatKind
from domain.money import Money
from domain.ports import UnitOfWork
from domain.promo import PromoCode, PromoKind, normalize_code
from domain.services.deps import Deps

DEFAULT_CLEANING_MINUTES = 15


MAX_LINE = 400  # characters of a catalog error line


class CatalogError(DomainError):
    """Bad catalog data; ``str()`` is one line naming the place and the field."""

    code = "catalog_invalid"

    def __init__(self, place: str, field: str, message: str) -> None:
        self.place, self.field, self.detail = place, field, message
        text = f"{place}: {field}: {message}" if field else f"{place}: {message}"
        # One line whatever the parts hold, and a short one: a bad value may be huge.
        line = " ".join(text.split())
        super().__init__(line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…", place=place, field=field)


@dataclass(slots=True)
class ShowtimeSpec:
    """A showtime named by refs rather than database ids."""

    ref: str
    movie_ref: str
    hall_ref: str
    starts_at: datetime  # aware
    prices: dict[SeatKind, Money]
    format: str = "2D"
    language: str = ""
    subtitles: str = ""
    sales_close_minutes: int = 0
    # Where the file defined it (for example a schedule), so errors point there.
    source: str = field(default="", compare=False)


@dataclass(slots=True)
class PromoSpec:
    """A promo code whose scope names movies and showtimes by ref."""

    code: str
    kind: PromoKind
    value: int  # basis points for PERCENT, minor units for FIXED
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    min_tickets: int = 1
    movie_refs: frozenset[str] = frozenset()
    showtime_refs: frozenset[str] = frozenset()
    seat_kinds: frozenset[SeatKind] = frozenset()
    active: bool = True


@dataclass(slots=True)
class CatalogData:
    movies: list[Movie] = field(default_factory=list)
    halls: list[Hall] = field(default_factory=list)
    showtimes: list[ShowtimeSpec] = field(default_factory=list)
    ticket_types: list[TicketType] = field(default_factory=list)
    promos: list[PromoSpec] = field(default_factory=list)
    cinema: CinemaInfo = CinemaInfo()
    # A showtime occupies its hall for the runtime plus this much cleaning.
    cleaning_minutes: int = DEFAULT_CLEANING_MINUTES


@dataclass(slots=True)
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class ImportReport:
    movies: KindCounts = field(default_factory=KindCounts)
    halls: KindCounts = field(default_factory=KindCounts)
    showtimes: KindCounts = field(default_factory=KindCounts)
    ticket_types: KindCounts = field(default_factory=KindCounts)
    promos: KindCounts = field(default_factory=KindCounts)

    def summary(self) -> str:
        parts = []
        for kind in ("movies", "halls", "showtimes", "ticket_types", "promos"):
            c: KindCounts = getattr(self, kind)
            parts.append(f"{kind}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
        return "; ".join(parts)


@dataclass(slots=True)
class ExistingCatalog:
    """What the database already holds, as far as a check of the data needs it."""

    movies: dict[str, Movie] = field(default_factory=dict)  # by ref, all of them
    halls: dict[str, Hall] = field(default_factory=dict)  # by ref, all of them
    # By ref: those near the data's showtimes in time, and those the data names.
    showtimes: dict[str, Showtime] = field(default_factory=dict)


# --- checking -------------------------------------------------------------------


def movie_place(i: int, movie: Movie) -> str:
    return f"movies[{i}] (ref {movie.ref})"


def hall_place(i: int, hall: Hall) -> str:
    return f"halls[{i}] (ref {hall.ref})"


def showtime_place(i: int, spec: ShowtimeSpec) -> str:
    return spec.source or f"showtimes[{i}] (ref {spec.ref})"


def ticket_type_place(i: int, ticket_type: TicketType) -> str:
    return f"ticket_types[{i}] (code {ticket_type.code})"


def promo_place(i: int, promo: PromoSpec) -> str:
    return f"promo_codes[{i}] (code {promo.code})"


def check_catalog(data: CatalogData, existing: ExistingCatalog | None = None) -> None:
    """Raise CatalogError for the first problem of the data, read together with what
    the database holds (nothing, when ``existing`` is None)."""
    known = existing or ExistingCatalog()
    _check_movies(data.movies)
    _check_halls(data.halls)
    _check_showtimes(data, known)
    _check_ticket_types(data.ticket_types)
    _check_promos(data, known)


def check_unique(keys: Iterable[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for key, place in keys:
        if key in seen:
            raise CatalogError(place, what, f"duplicate {what} {key!r}, already used by {seen[key]}")
        seen[key] = place


def _check_movies(movies: Sequence[Movie]) -> None:
    check_unique(((m.ref, movie_place(i, m)) for i, m in enumerate(movies)), "ref")
    for i, m in enumerate(movies):
        if not m.ref:
            raise CatalogError(movie_place(i, m), "ref", "a movie needs a ref")
        if not m.title.strip():
            raise CatalogError(movie_place(i, m), "title", "a movie needs a title")
        if m.runtime_min <= 0:
            raise CatalogError(movie_place(i, m), "runtime_min", "the runtime must be positive")


def _check_halls(halls: Sequence[Hall]) -> None:
    check_unique(((h.ref, hall_place(i, h)) for i, h in enumerate(halls)), "ref")
    for i, h in enumerate(halls):
        if not h.ref:
            raise CatalogError(hall_place(i, h), "ref", "a hall needs a ref")
        if not h.name.strip():
            raise CatalogError(hall_place(i, h), "name", "a hall needs a name")
        if h.capacity == 0:
            raise CatalogError(hall_place(i, h), "blocked", "every seat of the hall is blocked")


def _check_showtimes(data: CatalogData, known: ExistingCatalog) -> None:
    specs = data.showtimes
    check_unique(((s.ref, showtime_place(i, s)) for i, s in enumerate(specs)), "ref")
    movies = {**known.movies, **{m.ref: m for m in data.movies}}
    halls = {**known.halls, **{h.ref: h for h in data.halls}}
    for i, spec in enumerate(specs):
        place = showtime_place(i, spec)
        if not spec.ref:
            raise CatalogError(place, "ref", "a showtime needs a ref")
        if spec.movie_ref not in movies:
            raise CatalogError(
                place, "movie", f"unknown movie {spec.movie_ref!r} — define it under movies or fix the ref"
            )
        hall = halls.get(spec.hall_ref)
        if hall is None:
            raise CatalogError(
                place, "hall", f"unknown hall {spec.hall_ref!r} — define it under halls or fix the ref"
            )
        if spec.starts_at.tzinfo is None:
            raise CatalogError(place, "starts_at", "the start time needs a time zone")
        if spec.sales_close_minutes < 0:
            raise CatalogError(place, "sales_close_minutes", "cannot be negative")
        _check_prices(place, spec, hall, data.cinema.currency)
    _check_overlaps(data, known, movies)


def _check_prices(place: str, spec: ShowtimeSpec, hall: Hall, currency: str) -> None:
    for kind, price in spec.prices.items():
        if price.amount < 0:
            raise CatalogError(place, f"prices.{kind}", f"price {price} cannot be negative")
        if price.currency != currency:
            raise CatalogError(
                place, f"prices.{kind}", f"currency {price.currency} differs from the cinema's {currency}"
            )
    sellable = {s.kind for s in hall.seats.values() if not s.blocked}
    missing = sorted(sellable - set(spec.prices))
    if missing:
        raise CatalogError(
            place,
            "prices",
            f"no price for {', '.join(missing)} seats, which hall {hall.ref!r} has — add them to the prices",
        )


@dataclass(frozen=True, slots=True)
class _Slot:
    start: datetime
    end: datetime  # exclusive: runtime plus cleaning
    ref: str
    place: str | None  # None: already in the database, not in the data


def _check_overlaps(data: CatalogData, known: ExistingCatalog, movies: dict[str, Movie]) -> None:
    cleaning = timedelta(minutes=data.cleaning_minutes)
    runtime_by_id = {m.id: movies[m.ref].runtime_min for m in known.movies.values()}
    hall_ref_by_id = {h.id: h.ref for h in known.halls.values()}
    slots: dict[str, list[_Slot]] = {}
    for i, spec in enumerate(data.showtimes):
        length = timedelta(minutes=movies[spec.movie_ref].runtime_min) + cleaning
        slot = _Slot(spec.starts_at, spec.starts_at + length, spec.ref, showtime_place(i, spec))
        slots.setdefault(spec.hall_ref, []).append(slot)
    in_data = {s.ref for s in data.showtimes}
    for ref, stored in known.showtimes.items():
        hall_ref = hall_ref_by_id.get(stored.hall_id)
        runtime = runtime_by_id.get(stored.movie_id)
        if ref in in_data or hall_ref is None or runtime is None:
            continue  # replaced by the data, or not ours to judge
        end = stored.starts_at + timedelta(minutes=runtime) + cleaning
        slots.setdefault(hall_ref, []).append(_Slot(stored.starts_at, end, ref, None))
    zone = ZoneInfo(data.cinema.timezone)
    for hall_ref, items in slots.items():
        items.sort(key=lambda s: (s.start, s.end))
        latest = items[0]  # the slot reaching furthest so far
        for slot in items[1:]:
            if slot.start < latest.end and (slot.place or latest.place):
                raise _overlap(hall_ref, slot, latest, data.cleaning_minutes, zone)
            if slot.end > latest.end:
                latest = slot


def _overlap(hall_ref: str, slot: _Slot, other: _Slot, cleaning: int, zone: ZoneInfo) -> CatalogError:
    # Name the place in the data; the other one may be only in the database.
    here, there = (slot, other) if slot.place else (other, slot)
    where = f"from {there.place}" if there.place else "already in the database (import never deletes)"
    span = f"{there.start.astimezone(zone):%Y-%m-%d %H:%M}–{there.end.astimezone(zone):%H:%M}"
    field = "times" if str(here.place).startswith("schedules") else "starts_at"
    return CatalogError(
        str(here.place),
        field,
        f"overlaps showtime {there.ref!r} in hall {hall_ref!r} ({span} with {cleaning} min cleaning), "
        f"{where} — move one of them",
    )


def _check_ticket_types(types: Sequence[TicketType]) -> None:
    check_unique(((t.code, ticket_type_place(i, t)) for i, t in enumerate(types)), "code")
    for i, t in enumerate(types):
        if not t.code:
            raise CatalogError(ticket_type_place(i, t), "code", "a ticket type needs a code")
        if not t.name.strip():
            raise CatalogError(ticket_type_place(i, t), "name", "a ticket type needs a name")
        if t.value < 0:
            raise CatalogError(ticket_type_place(i, t), str(t.rule), "cannot be negative")


def _check_promos(data: CatalogData, known: ExistingCatalog) -> None:
    promos = data.promos
    check_unique(((normalize_code(p.code), promo_place(i, p)) for i, p in enumerate(promos)), "code")
    movie_refs = set(known.movies) | {m.ref for m in data.movies}
    showtime_refs = set(known.showtimes) | {s.ref for s in data.showtimes}
    field_name = {PromoKind.PERCENT: "percent", PromoKind.FIXED: "amount_off"}
    for i, p in enumerate(promos):
        place = promo_place(i, p)
        if not normalize_code(p.code):
            raise CatalogError(place, "code", "a promo code cannot be empty")
        if p.value <= 0:
            raise CatalogError(place, field_name[p.kind], "the discount must be positive")
        if p.kind is PromoKind.PERCENT and p.value > 10_000:
            raise CatalogError(place, "percent", "cannot exceed 100")
        if p.valid_from and p.valid_until and p.valid_until <= p.valid_from:
            raise CatalogError(place, "valid_until", "must be after valid_from")
        for name, limit in (("max_uses", p.max_uses), ("max_uses_per_customer", p.max_uses_per_customer)):
            if limit is not None and limit < 1:
                raise CatalogError(place, name, "must be at least 1 (leave it out for no limit)")
        if p.min_tickets < 1:
            raise CatalogError(place, "min_tickets", "must be at least 1")
        unknown_movies = sorted(p.movie_refs - movie_refs)
        if unknown_movies:
            raise CatalogError(place, "movies", f"unknown movie {unknown_movies[0]!r} — define it under movies")
        unknown_showtimes = sorted(p.showtime_refs - showtime_refs)
        if unknown_showtimes:
            raise CatalogError(place, "showtimes", f"unknown showtime {unknown_showtimes[0]!r}")


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
