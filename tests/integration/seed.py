"""A small cinema written through the real repositories, for integration tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from domain.catalog import Movie, PriceRule, Showtime, TicketType
from domain.hall import Hall, RowSpec, SeatKind
from domain.money import Money
from domain.ports import UnitOfWorkFactory

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
PRICES = {
    SeatKind.STANDARD: Money(1200, "EUR"),
    SeatKind.VIP: Money(1800, "EUR"),
    SeatKind.WHEELCHAIR: Money(1200, "EUR"),
    SeatKind.COMPANION: Money(1200, "EUR"),
    SeatKind.COUCH: Money(1500, "EUR"),
}


@dataclass
class Cinema:
    movie: Movie
    hall: Hall
    show: Showtime


async def seed_cinema(
    uow_factory: UnitOfWorkFactory,
    rows: int = 10,
    row: str = "ssss_ssssssss_ssss",
    starts_at: datetime | None = None,
    hall_name: str = "Saal 1",
) -> Cinema:
    """``starts_at``: the show's start; a day after NOW by default. Tests on the
    real clock pass a time from today, or the show would be past some day."""
    labels = [chr(ord("A") + i) for i in range(rows)]
    async with uow_factory() as uow:
        movie = await uow.movies.add(
            Movie(None, "dune", "Дюна: Часть вторая", 166, "FSK 12", "Dune: Part Two",
                  ("sci-fi", "drama"), "Paul joins the Fremen.", "", ("en", "ru"), ("de",))
        )
        hall = await uow.halls.add(
            Hall(None, "h1", hall_name, tuple(RowSpec(label, row) for label in labels), frozenset({"A-1"}))
        )
        show = await uow.showtimes.add(
            Showtime(
                None, "dune-1", movie.id, hall.id, starts_at or NOW + timedelta(days=1), dict(PRICES), "IMAX", "en", "de", 15
            )
        )
        await uow.ticket_types.upsert(TicketType("adult", "Adult"))
        await uow.ticket_types.upsert(TicketType("student", "Student", PriceRule.MINUS, 200, 1, True))
        await uow.commit()
    return Cinema(movie, hall, show)


def tomorrow() -> datetime:
    """A start a day from the real now, for tests whose services use the system clock."""
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
