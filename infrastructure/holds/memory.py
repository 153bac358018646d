"""In-process seat holds for the embedded mode and for tests.

Every method runs without an ``await`` inside, so on one event loop each call
is atomic, exactly like a Lua script on Redis. Not shared between processes.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence

from domain.holds import HoldResult, LiveHold
from infrastructure.holds._validate import check_owner, check_ttl, unique_seats

# Showtimes nobody touches again would keep their expired holds forever; a
# sweep over all showtimes at most this often bounds that.
_SWEEP_EVERY_MS = 60_000


class MemoryHoldStore:
    """Holds in a dict: showtime id -> seat -> (owner, expiry in clock ms)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._holds: dict[int, dict[str, tuple[str, int]]] = {}
        self._next_sweep_ms: int | None = None

    def _now_ms(self) -> int:
        # Whole milliseconds, the resolution the Redis adapter works in.
        return math.floor(self._clock() * 1000)

    def _live(self, showtime_id: int, now_ms: int) -> dict[str, tuple[str, int]]:
        """The showtime's seats with expired holds dropped (created if absent)."""
        if self._next_sweep_ms is None or now_ms >= self._next_sweep_ms:
            self._sweep(now_ms)
        seats = self._holds.setdefault(showtime_id, {})
        expired = [seat for seat, (_, expiry) in seats.items() if expiry <= now_ms]
        for seat in expired:
            del seats[seat]
        return seats

    def _sweep(self, now_ms: int) -> None:
        for showtime_id in list(self._holds):
            seats = self._holds[showtime_id]
            for seat in [s for s, (_, expiry) in seats.items() if expiry <= now_ms]:
                del seats[seat]
            if not seats:
                del self._holds[showtime_id]
        self._next_sweep_ms = now_ms + _SWEEP_EVERY_MS

    def _forget_if_empty(self, showtime_id: int) -> None:
        if not self._holds.get(showtime_id):
            self._holds.pop(showtime_id, None)

    async def hold(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> HoldResult:
        check_owner(owner)
        check_ttl(ttl_ms)
        wanted = unique_seats(seats)
        if not wanted:
            return HoldResult(ok=True)
        now = self._now_ms()
        held = self._live(showtime_id, now)
        conflicts = tuple(s for s in wanted if s in held and held[s][0] != owner)
        if conflicts:
            self._forget_if_empty(showtime_id)
            return HoldResult(ok=False, conflicts=conflicts)
        expiry = now + ttl_ms
        for seat in wanted:
            held[seat] = (owner, expiry)
        return HoldResult(ok=True)

    async def release(self, showtime_id: int, seats: Sequence[str], owner: str) -> int:
        check_owner(owner)
        wanted = unique_seats(seats)
        held = self._live(showtime_id, self._now_ms())
        mine = [s for s in wanted if s in held and held[s][0] == owner]
        for seat in mine:
            del held[seat]
        self._forget_if_empty(showtime_id)
        return len(mine)

    async def release_all(self, showtime_id: int, owner: str) -> int:
        check_owner(owner)
        held = self._live(showtime_id, self._now_ms())
        mine = [s for s, (o, _) in held.items() if o == owner]
        for seat in mine:
            del held[seat]
        self._forget_if_empty(showtime_id)
        return len(mine)

    async def extend(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> bool:
        check_owner(owner)
        check_ttl(ttl_ms)
        wanted = unique_seats(seats)
        now = self._now_ms()
        held = self._live(showtime_id, now)
        ok = all(s in held and held[s][0] == owner for s in wanted)
        if ok:
            for seat in wanted:
                held[seat] = (owner, now + ttl_ms)
        self._forget_if_empty(showtime_id)
        return ok

    async def holders(self, showtime_id: int) -> dict[str, str]:
        held = self._live(showtime_id, self._now_ms())
        result = {seat: o for seat, (o, _) in held.items()}
        self._forget_if_empty(showtime_id)
        return result

    async def live(self, showtime_id: int) -> dict[str, LiveHold]:
        now = self._now_ms()
        held = self._live(showtime_id, now)
        result = {seat: LiveHold(o, expiry - now) for seat, (o, expiry) in held.items()}
        self._forget_if_empty(showtime_id)
        return result

    async def owned(self, showtime_id: int, owner: str) -> dict[str, int]:
        check_owner(owner)
        now = self._now_ms()
        held = self._live(showtime_id, now)
        result = {seat: expiry - now for seat, (o, expiry) in held.items() if o == owner}
        self._forget_if_empty(showtime_id)
        return result
