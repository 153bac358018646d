"""What leaving the booking flow does to the seats a customer still holds.

A hold left behind (a screen abandoned for /cancel, /language, a deep link or
another showtime) would keep seats shown as taken to everyone for minutes and
then end in a "your hold ran out" notice about seats the customer gave up. Each
hold is watched (dialogs.context.watch_selection), so the watches say where they
are; leaving releases them and says exactly which seats went back on sale.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.context import AppServices, Texts, owner_token
from dialogs.formatting import clock, day_label
from domain.errors import NotFound
from domain.hall import seat_name
from domain.holds import WatchedHold


@dataclass(frozen=True, slots=True)
class Released:
    showtime_id: int
    seats: tuple[str, ...]


async def _holds(services: AppServices, user_id: int) -> list[tuple[WatchedHold, Released]]:
    """Each watched hold of the customer with the seats it still holds (none when
    it lapsed or was given up meanwhile)."""
    watcher = services.hold_watch
    if watcher is None:
        return []
    owner = owner_token(user_id)
    found = []
    for watch in await watcher.of_user(user_id):
        selection = await services.seats.selection(watch.showtime_id, owner)
        found.append((watch, Released(watch.showtime_id, tuple(selection.seats))))
    return found


async def release_holds(services: AppServices, user_id: int, keep: int | None = None) -> list[Released]:
    """Release every seat the customer holds, except at showtime ``keep`` (the one
    they are choosing seats for now)."""
    watcher = services.hold_watch
    if watcher is None:
        return []
    released = []
    for watch, held in await _holds(services, user_id):
        if watch.showtime_id == keep:
            continue
        if held.seats:
            await services.seats.release_all(watch.showtime_id, owner_token(user_id))
            released.append(held)
        await watcher.forget(watch)
    return released


async def still_held(services: AppServices, user_id: int) -> list[Released]:
    """The seats the customer holds now, by showtime (nothing is released)."""
    return [held for _, held in await _holds(services, user_id) if held.seats]


async def released_text(
    services: AppServices, released: list[Released], t: Texts, key: str = "holds-released"
) -> str:
    """"Seats K11, K12 (The Last Observatory, Thu 3 Dec 20:00) are free again." per
    showtime; empty when nothing was held."""
    lines = []
    zone = services.policy.zone
    for item in released:
        try:
            showtime, movie, hall = await services.catalog.showtime(item.showtime_id)
        except NotFound:
            continue
        order = sorted(item.seats, key=lambda c: (hall.seats[c].row_index, hall.seats[c].number) if c in hall.seats else (0, 0))
        lines.append(
            t(
                key,
                seats=", ".join(seat_name(c) for c in order),
                title=movie.title_in(t.locale),
                date=day_label(showtime.starts_at, t, zone),
                time=clock(showtime.starts_at, zone),
            )
        )
    return "\n".join(lines)
