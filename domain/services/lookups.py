"""Loading a showtime together with what it is shown in, for several use cases."""

from __future__ import annotations

from domain.catalog import Movie, Showtime
from domain.errors import NotFound
from domain.hall import Hall
from domain.ports import UnitOfWork


async def load_showtime(uow: UnitOfWork, showtime_id: int) -> tuple[Showtime, Movie, Hall]:
    """The showtime, its movie and its hall; NotFound when any is missing (a
    forged or stale id looks the same as an unknown one)."""
    showtime = await uow.showtimes.get(showtime_id)
    if showtime is None:
        raise NotFound(f"showtime {showtime_id}", kind="showtime")
    movie = await uow.movies.get(showtime.movie_id)
    hall = await uow.halls.get(showtime.hall_id)
    if movie is None or hall is None:
        raise NotFound(f"showtime {showtime_id} lacks its movie or hall", kind="showtime")
    return showtime, movie, hall
