"""A hall and its seat layout.

A layout is a list of rows, front (screen side) first. Each row is a label and a
string, one character a place, left to right as seen from the seats:

    s standard   v VIP   w wheelchair   c companion   d couch (pairs, sold together)
    _ aisle (splits the row into blocks)   . gap (no seat, keeps the geometry)

Seats are numbered from 1 left to right, aisles and gaps not counted. A seat's
code is ``<row>-<number>`` (for example ``F-12``): short enough for callback data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType


class SeatKind(StrEnum):
    STANDARD = "standard"
    VIP = "vip"
    WHEELCHAIR = "wheelchair"
    COMPANION = "companion"
    COUCH = "couch"


KIND_BY_CHAR = {
    "s": SeatKind.STANDARD,
    "v": SeatKind.VIP,
    "w": SeatKind.WHEELCHAIR,
    "c": SeatKind.COMPANION,
    "d": SeatKind.COUCH,
}
CHAR_BY_KIND = {kind: char for char, kind in KIND_BY_CHAR.items()}
AISLE, GAP = "_", "."
ROW_LABEL = re.compile(r"^[A-Z0-9]{1,3}$")
SEAT_CODE = re.compile(r"^([A-Z0-9]{1,3})-([1-9][0-9]{0,2})$")


def seat_name(code: str) -> str:
    """How a seat is written for people, on buttons and in texts alike: "K11" for
    "K-11"; the dash stays where the row label ends in a digit ("10-5", not "105")."""
    row, _, number = code.partition("-")
    return code if not row or row[-1].isdigit() else f"{row}{number}"


class LayoutError(ValueError):
    """A layout that cannot be a hall; the message names the row and the place."""


@dataclass(frozen=True, slots=True)
class Seat:
    code: str
    row: str
    number: int
    kind: SeatKind
    row_index: int  # 0 = front row
    column: int  # position in the row string, aisles and gaps included
    block: int  # 0-based, counted left to right within the row
    couch_partner: str | None = None
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class RowSpec:
    label: str
    places: str


@dataclass(frozen=True, slots=True)
class Layout:
    """What a layout parses to, with the derived figures callers ask for often.

    Immutable, so one parse is shared by every Hall with the same rows and
    blocked seats (``layout_of``): a hall is read for nearly every update, and
    parsing it each time was a visible share of the bot's CPU.
    """

    seats: Mapping[str, Seat]
    by_row: tuple[tuple[Seat, ...], ...]  # seats of each row, left to right
    width: int
    capacity: int
    blocks: int
    kinds: frozenset[SeatKind]

    def __copy__(self) -> Layout:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Layout:
        return self  # immutable: copies of a Hall share it


@lru_cache(maxsize=128)
def layout_of(rows: tuple[RowSpec, ...], blocked: frozenset[str] = frozenset()) -> Layout:
    """The parsed layout; LayoutError if it cannot be a hall (never cached)."""
    seats = parse_layout(rows, blocked)
    by_row: list[list[Seat]] = [[] for _ in rows]
    for seat in seats.values():
        by_row[seat.row_index].append(seat)
    return Layout(
        seats=MappingProxyType(seats),
        by_row=tuple(tuple(sorted(row, key=lambda s: s.column)) for row in by_row),
        width=max(len(r.places) for r in rows),
        capacity=sum(1 for s in seats.values() if not s.blocked),
        blocks=1 + max((s.block for s in seats.values()), default=0),
        kinds=frozenset(s.kind for s in seats.values()),
    )


@dataclass(slots=True)
class Hall:
    id: int | None
    ref: str
    name: str
    rows: tuple[RowSpec, ...]
    blocked: frozenset[str] = frozenset()
    layout: Layout = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Hashable forms, so equal layouts share one parse.
        self.rows = tuple(self.rows)
        self.blocked = frozenset(self.blocked)
        self.layout = layout_of(self.rows, self.blocked)

    @property
    def seats(self) -> Mapping[str, Seat]:
        return self.layout.seats

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def capacity(self) -> int:
        """Seats that can be sold (blocked ones excluded)."""
        return self.layout.capacity

    def seat(self, code: str) -> Seat | None:
        return self.seats.get(code)

    def row_seats(self, row_index: int) -> list[Seat]:
        rows = self.layout.by_row
        return list(rows[row_index]) if 0 <= row_index < len(rows) else []

    def blocks(self) -> int:
        return self.layout.blocks

    def kinds(self) -> set[SeatKind]:
        return set(self.layout.kinds)

    def best_spot(self) -> tuple[float, float]:
        """(row_index, column) of the best place to sit: centred, about 2/3 back."""
        return (round((len(self.rows) - 1) * 0.65, 2), (self.width - 1) / 2)


def parse_layout(rows: tuple[RowSpec, ...], blocked: frozenset[str] = frozenset()) -> dict[str, Seat]:
    if not rows:
        raise LayoutError("a hall needs at least one row")
    seats: dict[str, Seat] = {}
    labels: set[str] = set()
    for row_index, spec in enumerate(rows):
        if not ROW_LABEL.match(spec.label):
            raise LayoutError(f"row {spec.label!r}: label must be 1-3 of A-Z 0-9")
        if spec.label in labels:
            raise LayoutError(f"row {spec.label!r}: duplicate row label")
        labels.add(spec.label)
        number, block = 0, 0
        couch_open: Seat | None = None
        previous_was_seat = False
        for column, char in enumerate(spec.places):
            if char == AISLE:
                if couch_open:
                    raise LayoutError(f"row {spec.label}: couch seat {couch_open.code} has no partner")
                if previous_was_seat:
                    block += 1
                previous_was_seat = False
                continue
            if char == GAP:
                if couch_open:
                    raise LayoutError(f"row {spec.label}: couch seat {couch_open.code} has no partner")
                continue
            kind = KIND_BY_CHAR.get(char)
            if kind is None:
                raise LayoutError(
                    f"row {spec.label}, place {column + 1}: unknown character {char!r} "
                    f"(use s v w c d _ .)"
                )
            number += 1
            if number > 999:
                raise LayoutError(f"row {spec.label}: more than 999 seats")
            code = f"{spec.label}-{number}"
            seat = Seat(code, spec.label, number, kind, row_index, column, block)
            previous_was_seat = True
            if kind is SeatKind.COUCH:
                if couch_open is None:
                    couch_open = seat
                else:
                    seats[couch_open.code] = _with_partner(couch_open, code)
                    seat = _with_partner(seat, couch_open.code)
                    couch_open = None
            elif couch_open:
                raise LayoutError(f"row {spec.label}: couch seat {couch_open.code} has no partner")
            seats[code] = seat
        if couch_open:
            raise LayoutError(f"row {spec.label}: couch seat {couch_open.code} has no partner")
    unknown = sorted(set(blocked) - set(seats))
    if unknown:
        raise LayoutError(f"blocked seats not in the layout: {', '.join(unknown)}")
    for code in blocked:
        seat = seats[code]
        seats[code] = Seat(
            seat.code, seat.row, seat.number, seat.kind, seat.row_index, seat.column,
            seat.block, seat.couch_partner, blocked=True,
        )
    if not seats:
        raise LayoutError("a hall needs at least one seat")
    return seats


def _with_partner(seat: Seat, partner: str) -> Seat:
    return Seat(seat.code, seat.row, seat.number, seat.kind, seat.row_index, seat.column, seat.block, partner)
