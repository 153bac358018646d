"""Seat holds: the fast first filter before a booking exists.

A hold keeps a set of seats of one showtime for an owner token for a short time.
Holds are never the only guard against selling a seat twice: the database's
unique index over active booking seats decides at checkout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence


@dataclass(frozen=True, slots=True)
class HoldResult:
    """Outcome of an all-or-nothing hold.

    ``ok`` is true when every requested seat is now held by the owner; otherwise
    nothing changed and ``conflicts`` lists the seats someone else holds.
    """

    ok: bool
    conflicts: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class LiveHold:
    """Who holds a seat, and for how many more milliseconds."""

    owner: str
    remaining_ms: int


@dataclass(frozen=True, slots=True)
class WatchedHold:
    """A chat to tell when its customer's hold on a showtime runs out."""

    user_id: int
    chat_id: int
    showtime_id: int


class HoldStore(Protocol):
    """Port for seat holds; adapters: Redis (production) and memory (embedded)."""

    async def hold(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> HoldResult:
        """Hold all ``seats`` for ``owner`` or none of them.

        Seats the owner already holds count as free for the owner and get the new
        TTL; seats held by another owner (and not yet expired) are conflicts.
        """
        ...

    async def release(self, showtime_id: int, seats: Sequence[str], owner: str) -> int:
        """Release those of ``seats`` that ``owner`` holds; returns how many."""
        ...

    async def release_all(self, showtime_id: int, owner: str) -> int:
        """Release every seat ``owner`` holds in the showtime; returns how many."""
        ...

    async def extend(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> bool:
        """Give ``seats`` a fresh TTL; true only if the owner still holds all of them.

        When any seat is no longer the owner's, nothing is changed.
        """
        ...

    async def holders(self, showtime_id: int) -> dict[str, str]:
        """Live holds of the showtime: seat code -> owner token."""
        ...

    async def owned(self, showtime_id: int, owner: str) -> dict[str, int]:
        """Seats ``owner`` holds: seat code -> remaining milliseconds."""
        ...

    async def live(self, showtime_id: int) -> dict[str, LiveHold]:
        """Every live hold of the showtime with its owner and remaining time, in
        one call: what ``holders`` and ``owned`` tell, read at one moment."""
        ...
