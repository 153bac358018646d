"""What the cinema shows: movies, showtimes and ticket types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from domain.genres import Texts, genre_names
from domain.hall import SeatKind
from domain.money import Money


@dataclass(slots=True)
class Movie:
    id: int | None
    ref: str
    title: str  # the default, shown where no title of the reader's language is given
    runtime_min: int
    age_rating: str = ""
    original_title: str = ""
    genres: tuple[str, ...] = ()  # codes of domain.genres, or as the catalog wrote them
    synopsis: str = ""
    poster: str = ""
    languages: tuple[str, ...] = ()
    subtitles: tuple[str, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)  # language code -> title
    synopses: dict[str, str] = field(default_factory=dict)  # language code -> synopsis

    def title_in(self, locale: str) -> str:
        """The title a reader of ``locale`` ("ru", "pt-br") sees."""
        return in_language(self.titles, locale, self.title)

    def synopsis_in(self, locale: str) -> str:
        return in_language(self.synopses, locale, self.synopsis)

    def genres_in(self, t: Texts) -> tuple[str, ...]:
        """The genres in the language of ``t`` (the reader's texts)."""
        return genre_names(self.genres, t)


def in_language(texts: dict[str, str], locale: str, default: str) -> str:
    """The one fallback rule of catalog texts: the text of the locale's language
    ("pt-br" reads "pt"), else the default the catalog wrote."""
    language = locale.lower().replace("_", "-").split("-")[0]
    return texts.get(language) or default


@dataclass(slots=True)
class Showtime:
    id: int | None
    ref: str
    movie_id: int
    hall_id: int
    starts_at: datetime  # aware, UTC
    prices: dict[SeatKind, Money]
    format: str = "2D"
    language: str = ""
    subtitles: str = ""
    sales_close_minutes: int = 0

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None:
            raise ValueError("showtime start must be timezone-aware")
        self.starts_at = self.starts_at.astimezone(timezone.utc)
        currencies = {p.currency for p in self.prices.values()}
        if len(currencies) > 1:
            raise ValueError("all prices of a showtime must share one currency")
        if any(p.amount < 0 for p in self.prices.values()):
            raise ValueError("prices cannot be negative")

    @property
    def currency(self) -> str:
        return next(iter(self.prices.values())).currency

    @property
    def sales_close_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.sales_close_minutes)

    def on_sale(self, now: datetime) -> bool:
        return now < self.sales_close_at

    def price_for(self, kind: SeatKind) -> Money | None:
        return self.prices.get(kind)

    def price_from(self) -> Money:
        return min(self.prices.values(), key=lambda m: m.amount)


class PriceRule(StrEnum):
    PERCENT = "percent"  # value: basis points of the seat price (7000 = 70%)
    MINUS = "minus"  # value: minor units off the seat price, not below zero
    FIXED = "fixed"  # value: minor units, whatever the seat price


@dataclass(frozen=True, slots=True)
class TicketType:
    code: str  # adult, child, student, senior...
    name: str
    rule: PriceRule = PriceRule.PERCENT
    value: int = 10_000
    position: int = 0
    needs_proof: bool = False  # a student card or ID is checked at the door

    def price(self, seat_price: Money) -> Money:
        if self.rule is PriceRule.PERCENT:
            return seat_price.percent(self.value)
        if self.rule is PriceRule.MINUS:
            return Money(max(0, seat_price.amount - self.value), seat_price.currency)
        return Money(self.value, seat_price.currency)


DEFAULT_TICKET_TYPE = "adult"


@dataclass(frozen=True, slots=True)
class ShowtimeSummary:
    """A showtime as a list shows it: with its movie, hall and seats left."""

    showtime: Showtime
    movie: Movie
    hall_name: str
    seats_left: int
    local_start: datetime = field(compare=False)


@dataclass(frozen=True, slots=True)
class CinemaInfo:
    """The cinema a catalog describes. Its zone and currency have one home: the
    catalog, stored with it (the settings only stand in before any import)."""

    name: str = ""
    address: str = ""
    timezone: str = "UTC"
    currency: str = "EUR"
