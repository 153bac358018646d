"""The catalog as data: what an import reads and an export writes (refs, not ids),
what an import reports, and the one-line CatalogError it refuses with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.catalog import CinemaInfo, Movie, Showtime, TicketType
from domain.errors import DomainError
from domain.hall import Hall, SeatKind
from domain.money import Money
from domain.promo import PromoKind

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
