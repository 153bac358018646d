"""Loading a showtime together with what it is shown in, for several use cases.

Showtimes, movies, halls and ticket types change only through a catalog import,
which may run in another process (``cinebooker import``) or on another replica,
so nothing can tell this process when they change. ``CatalogLookup`` keeps them
for a few seconds instead: a seat map is drawn several times a second during a
sale, and reading the same three rows for every click was the largest share of
the bot's database work. Seat states, holds and sales are never kept here: they
change with every click and are always read fresh.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable

from domain.catalog import Movie, Showtime, TicketType
from domain.errors import NotFound
from domain.hall import Hall
from domain.ports import UnitOfWork, UnitOfWorkFactory

ShowtimeInfo = tuple[Showtime, Movie, Hall]


async def load_showtime(uow: UnitOfWork, showtime_id: int) -> ShowtimeInfo:
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


class CatalogLookup:
    """Showtimes (with movie and hall) and ticket types, each kept ``ttl_s``
    seconds after it was read; ``ttl_s=0`` reads every time.

    What is returned is shared between callers: read it, never change it. At most
    ``max_showtimes`` showtimes are kept (least recently used go first), and an
    unknown id is never remembered, so forged ids cannot fill the cache and a
    showtime just imported is found at once. After an import the old data can be
    served for up to ``ttl_s``; checkout does not use it (it reads in its own
    transaction), so no booking is priced on stale data.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ttl_s: float = 0.0,
        max_showtimes: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s < 0 or max_showtimes < 1:
            raise ValueError("ttl_s must be >= 0 and max_showtimes >= 1")
        self._uow = uow
        self.ttl_s = ttl_s
        self.max_showtimes = max_showtimes
        self._clock = clock
        self._showtimes: OrderedDict[int, tuple[float, ShowtimeInfo]] = OrderedDict()
        self._ticket_types: tuple[float, list[TicketType]] | None = None

    async def showtime(self, showtime_id: int, uow: UnitOfWork | None = None) -> ShowtimeInfo:
        """From the cache while fresh; else read through ``uow`` (or a unit of
        work of its own). NotFound as ``load_showtime``."""
        now = self._clock()
        entry = self._showtimes.get(showtime_id)
        if entry is not None and now < entry[0]:
            self._showtimes.move_to_end(showtime_id)
            return entry[1]
        if uow is not None:
            info = await load_showtime(uow, showtime_id)
        else:
            async with self._uow().read_only() as own:
                info = await load_showtime(own, showtime_id)
        if self.ttl_s > 0:
            self._showtimes[showtime_id] = (now + self.ttl_s, info)
            self._showtimes.move_to_end(showtime_id)
            while len(self._showtimes) > self.max_showtimes:
                self._showtimes.popitem(last=False)
        return info

    async def ticket_types(self, uow: UnitOfWork | None = None) -> list[TicketType]:
        """All ticket types in their order (a new list; the types are frozen)."""
        now = self._clock()
        if self._ticket_types is not None and now < self._ticket_types[0]:
            return list(self._ticket_types[1])
        if uow is not None:
            types = await uow.ticket_types.list()
        else:
            async with self._uow().read_only() as own:
                types = await own.ticket_types.list()
        if self.ttl_s > 0:
            self._ticket_types = (now + self.ttl_s, list(types))
        return list(types)

    def forget(self) -> None:
        """Drop everything kept (after an import in this process)."""
        self._showtimes.clear()
        self._ticket_types = None
