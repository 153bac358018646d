"""The cinema's zone and currency: one home, the catalog. A catalog may describe
another cinema only while nothing has been put on sale: a cinema does not move, and
prices and paid bookings in one currency cannot silently become another."""

from __future__ import annotations

from domain.catalog import CinemaInfo
from domain.errors import DomainError


class CinemaChanged(DomainError):
    """The catalog describes a cinema in another zone or currency than the stored one."""

    code = "cinema_changed"


def check_same_cinema(stored: CinemaInfo | None, incoming: CinemaInfo, on_sale: bool) -> None:
    """Raise CinemaChanged when ``incoming`` would move a cinema that has showtimes."""
    if stored is None or not on_sale:
        return
    for field in ("timezone", "currency"):
        ours, theirs = getattr(stored, field), getattr(incoming, field)
        if ours != theirs:
            raise CinemaChanged(
                f"cinema.{field}: the file says {theirs}, but the cinema in the database is in {ours} and has "
                f"showtimes; write {field}: {ours} in the file (a cinema's {field} cannot change once it sells)"
            )
