"""What a catalog may hold: refs unique and known, prices for every seat kind in
the cinema's currency, no two showtimes in one hall at once (cleaning included),
sane ticket types and promo codes. Each refusal is a CatalogError naming its place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from domain.catalog import Movie, TicketType
from domain.hall import Hall
from domain.promo import PromoKind, normalize_code
from domain.services.catalog_data import CatalogData, CatalogError, ExistingCatalog, PromoSpec, ShowtimeSpec


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
