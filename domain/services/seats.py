"""Holding seats: tap to hold, tap again to release, or ask for the best N."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidSeats, SalesClosed, SeatsUnavailable
from domain.hall import Hall
from domain.seatmap import SeatState, best_seats, build_seat_map
from domain.services.deps import Deps
from domain.services.lookups import CatalogLookup


@dataclass(frozen=True, slots=True)
class Selection:
    """The seats an owner holds now, and for how many more milliseconds."""

    seats: tuple[str, ...]
    remaining_ms: int


class SeatService:
    # A race for the best seats is retried with the contested seats left out.
    BEST_ATTEMPTS = 5

    def __init__(self, deps: Deps, lookup: CatalogLookup | None = None) -> None:
        self.d = deps
        self.lookup = lookup or CatalogLookup(deps.uow)

    async def _hall_on_sale(self, showtime_id: int) -> Hall:
        showtime, _, hall = await self.lookup.showtime(showtime_id)
        if not showtime.on_sale(self.d.clock.now()):
            raise SalesClosed(f"sales closed for showtime {showtime_id}")
        return hall

    def _expand(self, hall: Hall, codes: list[str]) -> list[str]:
        """Validate seat codes and add couch partners (a couch is sold whole)."""
        wanted: list[str] = []
        for code in codes:
            seat = hall.seat(code)
            if seat is None:
                raise InvalidSeats(f"no seat {code!r} in {hall.name}", seat=code)
            if seat.blocked:
                raise InvalidSeats(f"seat {code} is not for sale", seat=code)
            for c in (code, seat.couch_partner):
                if c and c not in wanted:
                    wanted.append(c)
        return wanted

    async def selection(self, showtime_id: int, owner: str) -> Selection:
        owned = await self.d.holds.owned(showtime_id, owner)
        return Selection(tuple(sorted(owned)), min(owned.values(), default=0))

    async def hold(self, showtime_id: int, codes: list[str], owner: str) -> Selection:
        """Add ``codes`` to the owner's selection, all or none."""
        hall = await self._hall_on_sale(showtime_id)
        wanted = self._expand(hall, codes)
        current = await self.d.holds.owned(showtime_id, owner)
        if len(set(current) | set(wanted)) > self.d.policy.max_seats:
            raise InvalidSeats(
                f"at most {self.d.policy.max_seats} seats a booking", max=self.d.policy.max_seats
            )
        async with self.d.uow().read_only() as uow:
            sold = await uow.bookings.sold_seats(showtime_id)
        taken = [c for c in wanted if c in sold]
        if taken:
            raise SeatsUnavailable(taken)
        # Re-holding the whole selection keeps one expiry for all of its seats.
        seats = sorted(set(current) | set(wanted))
        result = await self.d.holds.hold(showtime_id, seats, owner, self.d.policy.hold_ms)
        if not result.ok:
            raise SeatsUnavailable(list(result.conflicts))
        # The script wrote all of them with the full hold time; no need to ask.
        return Selection(tuple(seats), self.d.policy.hold_ms)

    async def release(self, showtime_id: int, codes: list[str], owner: str) -> Selection:
        _, _, hall = await self.lookup.showtime(showtime_id)
        await self.d.holds.release(showtime_id, self._expand(hall, codes), owner)
        return await self.selection(showtime_id, owner)

    async def toggle(self, showtime_id: int, code: str, owner: str) -> Selection:
        """A tap on a seat: hold it if free, release it if it is the owner's."""
        owned = await self.d.holds.owned(showtime_id, owner)
        if code in owned:
            return await self.release(showtime_id, [code], owner)
        return await self.hold(showtime_id, [code], owner)

    async def release_all(self, showtime_id: int, owner: str) -> None:
        await self.d.holds.release_all(showtime_id, owner)

    async def extend(self, showtime_id: int, owner: str) -> bool:
        """A fresh hold time for the whole selection; False if any seat was lost."""
        owned = await self.d.holds.owned(showtime_id, owner)
        if not owned:
            return False
        return await self.d.holds.extend(showtime_id, list(owned), owner, self.d.policy.hold_ms)

    async def hold_best(self, showtime_id: int, count: int, owner: str) -> Selection:
        """Replace the owner's selection with the best ``count`` adjacent seats."""
        if not 1 <= count <= self.d.policy.max_seats:
            raise InvalidSeats(f"between 1 and {self.d.policy.max_seats} seats", max=self.d.policy.max_seats)
        hall = await self._hall_on_sale(showtime_id)
        excluded: set[str] = set()
        async with self.d.uow().read_only() as uow:
            sold = await uow.bookings.sold_seats(showtime_id)
        for _ in range(self.BEST_ATTEMPTS):
            # Sold seats, then holders right before holding: the freshest view of
            # the holds. A booking committed meanwhile is caught after the hold.
            holders = await self.d.holds.holders(showtime_id)
            seat_map = build_seat_map(hall, sold, holders, owner, None)
            available = {
                code
                for code, state in seat_map.states.items()
                if state in (SeatState.FREE, SeatState.YOURS) and code not in sold
            } - excluded
            choice = best_seats(hall, available, count)
            if choice is None:
                error = SeatsUnavailable([], message=f"no {count} adjacent seats left")
                error.params["contested"] = bool(excluded)
                raise error
            previous = set(seat_map.yours()) - set(choice)
            result = await self.d.holds.hold(showtime_id, choice, owner, self.d.policy.hold_ms)
            if not result.ok:
                # The sold seats read before are still a valid first filter: the
                # check after a successful hold is what catches a new sale.
                excluded |= set(result.conflicts)
                continue
            # A booking can only commit seats its owner holds, so once our hold
            # stands, any booking of these seats has committed: this read sees it.
            async with self.d.uow().read_only() as uow:
                sold = await uow.bookings.sold_seats(showtime_id)
            clash = [code for code in choice if code in sold]
            if clash:
                await self.d.holds.release(showtime_id, clash, owner)
                excluded |= set(clash)
                continue
            if previous:
                await self.d.holds.release(showtime_id, sorted(previous), owner)
            # The owner now holds exactly ``choice``, all written with the full
            # hold time by the script above.
            return Selection(tuple(sorted(choice)), self.d.policy.hold_ms)
        error = SeatsUnavailable([], message="the best seats were taken while choosing; try again")
        error.params["contested"] = True
        raise error
