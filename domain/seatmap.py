"""The seat map of one showtime as a customer sees it, and "best N seats"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.hall import Hall, Seat, SeatKind


class SeatState(StrEnum):
    FREE = "free"
    HELD = "held"  # held by someone else
    YOURS = "yours"  # held by you or in your booking
    SOLD = "sold"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class SeatMap:
    hall: Hall
    states: dict[str, SeatState]

    def free_count(self) -> int:
        return sum(1 for s in self.states.values() if s is SeatState.FREE)

    def yours(self) -> list[str]:
        return [code for code, state in self.states.items() if state is SeatState.YOURS]

    def state(self, code: str) -> SeatState | None:
        return self.states.get(code)


def build_seat_map(
    hall: Hall,
    sold: dict[str, int],
    holders: dict[str, str],
    owner: str | None,
    customer_id: int | None,
) -> SeatMap:
    """``sold``: seat -> customer id of the active booking; ``holders``: seat -> owner."""
    states: dict[str, SeatState] = {}
    for code, seat in hall.seats.items():
        if seat.blocked:
            states[code] = SeatState.BLOCKED
        elif code in sold:
            mine = customer_id is not None and sold[code] == customer_id
            states[code] = SeatState.YOURS if mine else SeatState.SOLD
        elif code in holders:
            states[code] = SeatState.YOURS if holders[code] == owner else SeatState.HELD
        else:
            states[code] = SeatState.FREE
    return SeatMap(hall, states)


# Seats meant for someone in particular are never suggested automatically.
_NOT_SUGGESTED = frozenset({SeatKind.WHEELCHAIR, SeatKind.COMPANION})


def best_seats(
    hall: Hall, available: set[str], count: int, kinds: set[SeatKind] | None = None
) -> list[str] | None:
    """``count`` adjacent available seats nearest the hall's best spot.

    Adjacent means side by side in one row and one block. Couch pairs are taken
    whole or not at all. A choice that strands a lone empty seat beside it loses
    to one that does not, where there is such a choice. None if nothing fits.
    """
    if count < 1:
        return None
    best_row, best_col = hall.best_spot()
    best: tuple[tuple[int, float, int, int], list[str]] | None = None
    for row_index in range(len(hall.rows)):
        for run in _runs(hall.row_seats(row_index)):
            for start in range(len(run) - count + 1):
                window = run[start : start + count]
                if not all(_suggestable(s, available, kinds) for s in window):
                    continue
                if not _couches_whole(window):
                    continue
                lone = _strands_lone_seat(run, start, count, available)
                centre = (window[0].column + window[-1].column) / 2
                # Rows count more than columns: moving back or forth changes the
                # view more than sliding along the row.
                distance = 2.0 * abs(row_index - best_row) + abs(centre - best_col)
                key = (lone, distance, row_index, window[0].column)
                if best is None or key < best[0]:
                    best = (key, [s.code for s in window])
    return best[1] if best else None


def _suggestable(seat: Seat, available: set[str], kinds: set[SeatKind] | None) -> bool:
    if seat.code not in available or seat.blocked or seat.kind in _NOT_SUGGESTED:
        return False
    return kinds is None or seat.kind in kinds


def _runs(row: list[Seat]) -> list[list[Seat]]:
    """Split a row into runs of physically adjacent seats (no aisle or gap between)."""
    runs: list[list[Seat]] = []
    for seat in row:
        if runs and runs[-1][-1].block == seat.block and runs[-1][-1].column + 1 == seat.column:
            runs[-1].append(seat)
        else:
            runs.append([seat])
    return runs


def _couches_whole(window: list[Seat]) -> bool:
    codes = {s.code for s in window}
    return all(s.couch_partner is None or s.couch_partner in codes for s in window)


def _strands_lone_seat(run: list[Seat], start: int, count: int, available: set[str]) -> int:
    """1 if taking run[start:start+count] leaves a single free seat at either side."""
    def free(i: int) -> bool:
        return 0 <= i < len(run) and run[i].code in available and not run[i].blocked

    left, right = start - 1, start + count
    lone_left = free(left) and not free(left - 1)
    lone_right = free(right) and not free(right + 1)
    return int(lone_left or lone_right)
