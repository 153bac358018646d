"""Browsing: what is showing, on which days, and the seat map of a showtime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.catalog import Movie, Showtime, ShowtimeSummary, TicketType
from domain.hall import Hall
from domain.seatmap import SeatMap, build_seat_map
from domain.services.deps import Deps
from domain.services.lookups import CatalogLookup


@dataclass(frozen=True, slots=True)
class NowShowing:
    movie: Movie
    next_showtimes: list[Showtime]
    formats: list[str]


@dataclass(frozen=True, slots=True)
class SeatMapView:
    showtime: Showtime
    movie: Movie
    hall: Hall
    seat_map: SeatMap
    # The owner's selection, read with the other holds: the seats the owner
    # holds (sorted) and the milliseconds left on the first to run out.
    held: tuple[str, ...] = ()
    held_ms: int = 0


class CatalogService:
    def __init__(self, deps: Deps, lookup: CatalogLookup | None = None) -> None:
        self.d = deps
        self.lookup = lookup or CatalogLookup(deps.uow)

    def _window(self) -> tuple[datetime, datetime]:
        now = self.d.clock.now()
        return now, now + timedelta(days=self.d.policy.days_ahead)

    async def now_showing(self) -> list[NowShowing]:
        """Movies with a showtime still on sale in the coming days, soonest first."""
        start, end = self._window()
        async with self.d.uow().read_only() as uow:
            showtimes = [s for s in await uow.showtimes.between(start, end) if s.on_sale(start)]
            by_movie: dict[int, list[Showtime]] = {}
            for s in showtimes:
                by_movie.setdefault(s.movie_id, []).append(s)
            result = []
            for movie_id, items in by_movie.items():
                movie = await uow.movies.get(movie_id)
                if movie is None:
                    continue
                formats = sorted({s.format for s in items})
                result.append(NowShowing(movie, items, formats))
        result.sort(key=lambda n: (n.next_showtimes[0].starts_at, n.movie.title))
        return result

    async def days(self, movie_id: int) -> list[date]:
        """Local dates (cinema's zone) that have a showtime of the movie on sale."""
        start, end = self._window()
        zone = self.d.policy.zone
        async with self.d.uow().read_only() as uow:
            showtimes = await uow.showtimes.between(start, end, movie_id)
        return sorted({s.starts_at.astimezone(zone).date() for s in showtimes if s.on_sale(start)})

    async def showtimes_on(self, day: date, movie_id: int | None = None) -> list[ShowtimeSummary]:
        """Showtimes on a local date, with seats left (not sold and not held)."""
        zone = self.d.policy.zone
        now = self.d.clock.now()
        today = now.astimezone(zone).date()
        if not today - timedelta(days=1) <= day <= today + timedelta(days=self.d.policy.days_ahead + 1):
            return []  # outside the programme (a forged day: nothing, and no overflow at year 9999)
        day_start = datetime.combine(day, time(0), zone)
        day_end = datetime.combine(day + timedelta(days=1), time(0), zone)
        async with self.d.uow().read_only() as uow:
            showtimes = [
                s for s in await uow.showtimes.between(day_start, day_end, movie_id) if s.on_sale(now)
            ]
            sold = await uow.bookings.sold_counts([s.id for s in showtimes if s.id is not None])
            halls: dict[int, Hall] = {}
            movies: dict[int, Movie] = {}
            summaries = []
            for s in showtimes:
                hall = halls.get(s.hall_id) or await uow.halls.get(s.hall_id)
                movie = movies.get(s.movie_id) or await uow.movies.get(s.movie_id)
                if hall is None or movie is None:
                    continue
                halls[s.hall_id], movies[s.movie_id] = hall, movie
                held = len(await self.d.holds.holders(s.id)) if s.id is not None else 0
                left = max(0, hall.capacity - sold.get(s.id, 0) - held)
                summaries.append(
                    ShowtimeSummary(s, movie, hall.name, left, s.starts_at.astimezone(zone))
                )
        return summaries

    def on_sale(self, showtime: Showtime) -> bool:
        return showtime.on_sale(self.d.clock.now())

    def today(self) -> date:
        """The date at the cinema now (its zone, not the server's)."""
        return self.d.clock.now().astimezone(self.d.policy.zone).date()

    async def ticket_types(self) -> list[TicketType]:
        return await self.lookup.ticket_types()

    async def showtime(self, showtime_id: int) -> tuple[Showtime, Movie, Hall]:
        return await self.lookup.showtime(showtime_id)

    async def seat_map(
        self, showtime_id: int, owner: str | None = None, customer_id: int | None = None
    ) -> SeatMap:
        return (await self.showing(showtime_id, owner, customer_id)).seat_map

    async def showing(
        self, showtime_id: int, owner: str | None = None, customer_id: int | None = None
    ) -> SeatMapView:
        """A showtime with its movie, hall and seat map (seat states read fresh),
        and the owner's selection."""
        # Holders before sold seats: checkout commits the booking and then releases
        # the hold, so read in this order a seat is always seen as held or sold.
        # One read gives every hold with its owner and time left.
        live = await self.d.holds.live(showtime_id)
        async with self.d.uow().read_only() as uow:
            showtime, movie, hall = await self.lookup.showtime(showtime_id, uow)
            sold = await uow.bookings.sold_seats(showtime_id)
        holders = {seat: hold.owner for seat, hold in live.items()}
        mine = {seat: hold.remaining_ms for seat, hold in live.items() if owner is not None and hold.owner == owner}
        return SeatMapView(
            showtime,
            movie,
            hall,
            build_seat_map(hall, sold, holders, owner, customer_id),
            tuple(sorted(mine)),
            min(mine.values(), default=0),
        )
