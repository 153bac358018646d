"""Argument checks shared by the hold adapters, so both reject the same input."""

from __future__ import annotations

from typing import Sequence

# The Redis adapter stores "owner|expiry_ms"; a '|' in the owner would make
# the stored value ambiguous, so both adapters refuse it.
OWNER_SEPARATOR = "|"


def check_owner(owner: str) -> None:
    if not owner:
        raise ValueError("owner token must not be empty")
    if OWNER_SEPARATOR in owner:
        raise ValueError(f"owner token must not contain {OWNER_SEPARATOR!r}: {owner!r}")


def check_ttl(ttl_ms: int) -> None:
    if ttl_ms <= 0:
        raise ValueError(f"ttl_ms must be positive, got {ttl_ms}")


def unique_seats(seats: Sequence[str]) -> list[str]:
    """Seats without repeats, first occurrence order kept (conflicts stay stable)."""
    if isinstance(seats, str):
        # A bare string is a Sequence[str] too; "A12" would become three seats.
        raise TypeError("seats must be a sequence of seat codes, not a single string")
    return list(dict.fromkeys(seats))
