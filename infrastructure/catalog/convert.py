"""Between the catalog file (CatalogFile) and the domain's CatalogData, both ways.

Times in the file are the cinema's wall-clock times (or carry an explicit offset);
the domain gets aware UTC. Amounts are decimal strings in the file and integer minor
units (or basis points) in the domain.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from domain.catalog import Movie, PriceRule, TicketType
from domain.genres import canonical_genres
from domain.hall import Hall, LayoutError, RowSpec, SeatKind, parse_layout
from domain.money import Money, decimal_text
from domain.promo import PromoKind
from domain.catalog import CinemaInfo
from domain.services.catalog_data import CatalogData, CatalogError, PromoSpec, ShowtimeSpec
from domain.services.catalog_rules import check_unique, hall_place, movie_place, promo_place, ticket_type_place
from infrastructure.catalog.fields import WEEKDAYS
from infrastructure.catalog.schema import (
    CatalogFile,
    HallModel,
    PromoModel,
    ScheduleModel,
    TicketTypeModel,
)

MAX_SCHEDULE_DAYS = 366


def to_data(doc: CatalogFile, *, today: date | None = None) -> CatalogData:
    """The domain's view of a validated file. ``today`` (the cinema's local date by
    default) is what ``start: today`` in a schedule means."""
    zone = ZoneInfo(doc.cinema.timezone)
    currency = doc.cinema.currency
    local_today = today or datetime.now(zone).date()

    movies = [
        Movie(
            None, m.ref, m.title, m.runtime_min, m.age_rating, m.original_title, canonical_genres(m.genres),
            m.synopsis, m.poster, tuple(m.languages), tuple(m.subtitles), dict(m.titles), dict(m.synopses),
        )
        for m in doc.movies
    ]
    check_unique(((m.ref, movie_place(i, m)) for i, m in enumerate(movies)), "ref")
    halls = [_hall(i, h) for i, h in enumerate(doc.halls)]
    check_unique(((h.ref, hall_place(i, h)) for i, h in enumerate(halls)), "ref")

    price_lists = {
        name: {kind: Money(amount, currency) for kind, amount in table.items()}
        for name, table in doc.price_lists.items()
    }
    showtimes: list[ShowtimeSpec] = []
    for i, s in enumerate(doc.showtimes):
        place = f"showtimes[{i}] (ref {s.ref})"
        showtimes.append(
            ShowtimeSpec(
                s.ref, s.movie, s.hall, _utc(s.starts_at, zone, place, "starts_at"),
                _prices(place, s.price_list, s.prices, price_lists, currency),
                s.format, s.language, s.subtitles, s.sales_close_minutes, source=place,
            )
        )
    for i, schedule in enumerate(doc.schedules):
        showtimes.extend(_expand(i, schedule, zone, local_today, price_lists, currency))
    check_unique(((s.ref, s.source) for s in showtimes), "ref")

    ticket_types = [_ticket_type(i, t) for i, t in enumerate(doc.ticket_types)]
    check_unique(((t.code, ticket_type_place(i, t)) for i, t in enumerate(ticket_types)), "code")
    promos = [_promo(i, p, zone) for i, p in enumerate(doc.promo_codes)]
    check_unique(((p.code, promo_place(i, p)) for i, p in enumerate(promos)), "code")

    cinema = CinemaInfo(doc.cinema.name, doc.cinema.address, doc.cinema.timezone, currency)
    return CatalogData(movies, halls, showtimes, ticket_types, promos, cinema, doc.cinema.cleaning_minutes)


def _hall(i: int, model: HallModel) -> Hall:
    place = f"halls[{i}] (ref {model.ref})"
    rows = tuple(RowSpec(*text.split()) for text in model.rows)
    try:
        parse_layout(rows)  # the rows alone first, so a layout error names "rows"
    except LayoutError as exc:
        raise CatalogError(place, "rows", str(exc)) from None
    seen: set[str] = set()
    for code in model.blocked:
        if code in seen:
            raise CatalogError(place, "blocked", f"seat {code} is listed twice")
        seen.add(code)
    try:
        return Hall(None, model.ref, model.name, rows, frozenset(model.blocked))
    except LayoutError as exc:
        raise CatalogError(place, "blocked", str(exc)) from None


def _utc(moment: datetime, zone: ZoneInfo, place: str, field: str) -> datetime:
    """A wall-clock time of the cinema (or one with an offset) as aware UTC."""
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc)
    aware = moment.replace(tzinfo=zone)
    utc = aware.astimezone(timezone.utc)
    # A time skipped when the clocks go forward does not survive the round trip.
    if utc.astimezone(zone).replace(tzinfo=None) != moment:
        raise CatalogError(
            place, field, f"{moment:%Y-%m-%d %H:%M} does not exist in {zone.key} (clocks change that night)"
        )
    return utc


def _prices(
    place: str,
    price_list: str | None,
    prices: dict[SeatKind, int] | None,
    lists: dict[str, dict[SeatKind, Money]],
    currency: str,
) -> dict[SeatKind, Money]:
    table: dict[SeatKind, Money] = {}
    if price_list is not None:
        if price_list not in lists:
            raise CatalogError(place, "price_list", f"unknown price list {price_list!r} — define it under price_lists")
        table.update(lists[price_list])
    # Inline prices add to (or override) the named list.
    table.update({kind: Money(amount, currency) for kind, amount in (prices or {}).items()})
    if not table:
        raise CatalogError(place, "prices", "no prices: give prices, a price_list, or both")
    return table


def _expand(
    i: int,
    s: ScheduleModel,
    zone: ZoneInfo,
    today: date,
    lists: dict[str, dict[SeatKind, Money]],
    currency: str,
) -> list[ShowtimeSpec]:
    """A schedule's showtimes, with refs stable across imports:
    <movie>-<hall>-<YYYYMMDD>-<HHMM> in the cinema's local time."""
    place = f"schedules[{i}] (movie {s.movie}, hall {s.hall})"
    first = today if s.start == "today" else s.start
    assert isinstance(first, date)
    if s.until is not None and s.days is not None:
        raise CatalogError(place, "days", "give either days or until, not both")
    if s.until is None and s.days is None:
        raise CatalogError(place, "days", "give days (a count) or until (a last date)")
    last = s.until if s.until is not None else first + timedelta(days=(s.days or 1) - 1)
    if last < first:
        raise CatalogError(place, "until", f"{last} is before the start {first}")
    if (last - first).days >= MAX_SCHEDULE_DAYS:
        raise CatalogError(place, "until", f"a schedule covers at most {MAX_SCHEDULE_DAYS} days")
    if len(set(s.times)) != len(s.times):
        raise CatalogError(place, "times", "a time is listed twice")
    weekdays = {WEEKDAYS.index(w) for w in s.weekdays} if s.weekdays else set(range(7))
    prices = _prices(place, s.price_list, s.prices, lists, currency)
    specs = []
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            for clock in sorted(s.times):
                ref = f"{s.movie}-{s.hall}-{day:%Y%m%d}-{clock:%H%M}"
                source = f"schedules[{i}] (ref {ref})"
                starts = _utc(datetime.combine(day, clock), zone, source, "times")
                specs.append(
                    ShowtimeSpec(
                        ref, s.movie, s.hall, starts, dict(prices), s.format, s.language,
                        s.subtitles, s.sales_close_minutes, source=source,
                    )
                )
        day += timedelta(days=1)
    return specs


def _ticket_type(i: int, t: TicketTypeModel) -> TicketType:
    rules = [(rule, value) for rule, value in (
        (PriceRule.PERCENT, t.percent), (PriceRule.MINUS, t.minus), (PriceRule.FIXED, t.fixed)
    ) if value is not None]
    if len(rules) != 1:
        raise CatalogError(
            f"ticket_types[{i}] (code {t.code})", "percent", "give exactly one of percent, minus or fixed"
        )
    rule, value = rules[0]
    position = t.position if t.position is not None else i
    return TicketType(t.code, t.name, rule, value, position, t.needs_proof)


def _promo(i: int, p: PromoModel, zone: ZoneInfo) -> PromoSpec:
    place = f"promo_codes[{i}] (code {p.code})"
    if (p.percent is None) == (p.amount_off is None):
        raise CatalogError(place, "percent", "give exactly one of percent or amount_off")
    kind, value = (PromoKind.PERCENT, p.percent) if p.percent is not None else (PromoKind.FIXED, p.amount_off)
    assert value is not None
    if value == 0:
        raise CatalogError(place, "percent" if kind is PromoKind.PERCENT else "amount_off", "must be positive")
    if kind is PromoKind.PERCENT and value > 10_000:
        raise CatalogError(place, "percent", "cannot exceed 100")
    return PromoSpec(
        code=p.code,
        kind=kind,
        value=value,
        valid_from=_bound(p.valid_from, zone, place, "valid_from", end=False),
        valid_until=_bound(p.valid_until, zone, place, "valid_until", end=True),
        max_uses=p.max_uses,
        max_uses_per_customer=p.max_uses_per_customer,
        min_tickets=p.min_tickets,
        movie_refs=frozenset(p.movies),
        showtime_refs=frozenset(p.showtimes),
        seat_kinds=frozenset(p.seat_kinds),
        active=p.active,
    )


def _bound(value: datetime | date | None, zone: ZoneInfo, place: str, field: str, *, end: bool) -> datetime | None:
    """A validity bound; a bare date means the start of that day, or for the end
    bound the whole day included (so the code expires at the next midnight)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1) if end else value, time(0))
    return _utc(value, zone, place, field)


# --- export ---------------------------------------------------------------------------


def to_document(data: CatalogData, zone: ZoneInfo) -> dict[str, Any]:
    """A plain mapping in the file format, ready for yaml.safe_dump."""
    cinema = data.cinema
    doc: dict[str, Any] = {
        "version": 1,
        "cinema": _compact({
            "name": cinema.name,
            "address": cinema.address,
            "timezone": zone.key,
            "currency": cinema.currency,
            "cleaning_minutes": data.cleaning_minutes,
        }, keep=("timezone", "currency", "cleaning_minutes")),
        "movies": [_movie_doc(m) for m in data.movies],
        "halls": [_hall_doc(h) for h in data.halls],
    }
    # Showtimes share a few price tables: name each distinct one once.
    tables: dict[tuple[tuple[str, int], ...], str] = {}
    showtimes = []
    for s in data.showtimes:
        key = tuple((str(kind), s.prices[kind].amount) for kind in SeatKind if kind in s.prices)
        name = tables.setdefault(key, f"price-{len(tables) + 1}")
        showtimes.append(_compact({
            "ref": s.ref,
            "movie": s.movie_ref,
            "hall": s.hall_ref,
            "starts_at": _local_text(s.starts_at, zone),
            "format": s.format,
            "language": s.language,
            "subtitles": s.subtitles,
            "price_list": name,
            "sales_close_minutes": s.sales_close_minutes,
        }, keep=("ref", "movie", "hall", "starts_at", "format", "price_list")))
    currency = cinema.currency
    doc["price_lists"] = {
        name: {kind: decimal_text(a, currency) for kind, a in key} for key, name in tables.items()
    }
    doc["ticket_types"] = [_ticket_type_doc(i, t, currency) for i, t in enumerate(data.ticket_types)]
    doc["showtimes"] = showtimes
    doc["promo_codes"] = [_promo_doc(p, zone, currency) for p in data.promos]
    return doc


def _compact(item: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Leave out empty and default values, so an export reads like a hand-written file."""
    kept = set(keep)
    return {k: v for k, v in item.items() if k in kept or v not in ("", [], {}, None, 0, False)}


def _movie_doc(m: Movie) -> dict[str, Any]:
    return _compact({
        "ref": m.ref,
        "title": m.title,
        "original_title": m.original_title,
        "runtime_min": m.runtime_min,
        "age_rating": m.age_rating,
        # As an import would store them (genres stored before the vocabulary too).
        "genres": list(canonical_genres(m.genres)),
        "languages": list(m.languages),
        "subtitles": list(m.subtitles),
        "synopsis": m.synopsis,
        "poster": m.poster,
        "titles": dict(sorted(m.titles.items())),
        "synopses": dict(sorted(m.synopses.items())),
    }, keep=("ref", "title", "runtime_min"))


def _hall_doc(h: Hall) -> dict[str, Any]:
    blocked = sorted(h.blocked, key=lambda code: (h.seats[code].row_index, h.seats[code].number))
    return _compact({
        "ref": h.ref,
        "name": h.name,
        "rows": [f"{r.label} {r.places}" for r in h.rows],
        "blocked": blocked,
    }, keep=("ref", "name", "rows"))


def _ticket_type_doc(i: int, t: TicketType, currency: str) -> dict[str, Any]:
    value = _percent_text(t.value) if t.rule is PriceRule.PERCENT else decimal_text(t.value, currency)
    item: dict[str, Any] = {"code": t.code, "name": t.name, str(t.rule): value, "needs_proof": t.needs_proof}
    if t.position != i:
        item["position"] = t.position
    return _compact(item, keep=("code", "name", str(t.rule)))


def _promo_doc(p: PromoSpec, zone: ZoneInfo, currency: str) -> dict[str, Any]:
    discount = (
        {"percent": _percent_text(p.value)}
        if p.kind is PromoKind.PERCENT
        else {"amount_off": decimal_text(p.value, currency)}
    )
    item = {
        "code": p.code,
        **discount,
        "valid_from": _local_text(p.valid_from, zone) if p.valid_from else None,
        "valid_until": _local_text(p.valid_until, zone) if p.valid_until else None,
        "max_uses": p.max_uses,
        "max_uses_per_customer": p.max_uses_per_customer,
        "min_tickets": p.min_tickets if p.min_tickets != 1 else None,
        "movies": sorted(p.movie_refs),
        "showtimes": sorted(p.showtime_refs),
        "seat_kinds": sorted(str(k) for k in p.seat_kinds),
    }
    if not p.active:
        item["active"] = False
    return _compact(item, keep=("code", "active"))


def _percent_text(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return f"{whole}.{rest:02d}" if rest else str(whole)


def _local_text(moment: datetime, zone: ZoneInfo) -> str:
    """Wall-clock time in the zone; with its offset only where the wall clock alone is
    ambiguous (the hour repeated when the clocks go back)."""
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    text = naive.isoformat(sep=" ", timespec="minutes" if not (naive.second or naive.microsecond) else "auto")
    if naive.replace(tzinfo=zone, fold=0).astimezone(timezone.utc) != moment.astimezone(timezone.utc):
        text = local.isoformat(sep=" ", timespec="minutes" if not (local.second or local.microsecond) else "auto")
    return text
