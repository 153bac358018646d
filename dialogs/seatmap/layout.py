"""A hall cut into views that each fit one inline keyboard, and their buttons.

Telegram allows 8 buttons a keyboard row and 100 in all, so a big hall is shown a
piece at a time. A view is one block of the hall (aisles split rows into blocks),
cut into column slices when the block is wider than a keyboard row, and a band of
rows. Bands are the same for the whole hall, so views form a grid the window can
step through (``neighbours``): front to back, left to right.

Everything here is data: row labels and seat numbers, never translated words. The
caller puts ``View.rows_label`` / ``View.seats_label`` into its own sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from domain.hall import AISLE, SEAT_CODE, Hall, Seat, SeatKind, seat_name
from domain.seatmap import SeatMap, SeatState

MAX_ROW_BUTTONS = 8  # Telegram: buttons in one inline keyboard row
# Characters a keyboard row shows across a 390-pixel phone before labels are cut:
# eight buttons show two each ("G10" is cut to "G…"), seven show three (measured
# in the web chat, which lays buttons out as Telegram's mobile apps do:
# tests/browser/test_phone_booking.py).
ROW_CHARS = 28
MAX_BUTTONS = 100  # Telegram: buttons in one inline keyboard
SEAT_BUTTONS = 72  # the grid's share; the window adds up to 28 controls
SEAT_ITEM_MAX_BYTES = 7  # "ABC-999": a 3-character row label and seat 999
DASH = "\u2013"  # en dash for ranges: "A–H", "1–7"

# A seat a press is sent to the service for: hold a free seat, release your own,
# try one someone holds (holds lapse within minutes); a sold seat too, so that it
# is explained as a seat someone has just taken is, by the same answer.
_PRESSABLE = frozenset({SeatState.FREE, SeatState.YOURS, SeatState.HELD, SeatState.SOLD})


@dataclass(frozen=True, slots=True)
class View:
    """One keyboard's worth of a hall. ``grid`` holds seat codes, None = spacer."""

    index: int  # position in plan_views' list
    band: int  # band of rows, 0 = front (screen side)
    block: int  # block of the hall, 0 = left; counted over the whole hall
    part: int  # column slice of the block, 0 = left
    parts: int  # how many slices the block is cut into (1 = not cut)
    row_indices: tuple[int, ...]  # hall rows shown, front to back
    row_labels: tuple[str, ...]
    columns: tuple[int, ...]  # layout columns shown, one keyboard column each
    grid: tuple[tuple[str | None, ...], ...]
    first_seat: int  # lowest and highest seat number shown
    last_seat: int

    @property
    def rows_label(self) -> str:
        """"A–H", or "K" for a single row."""
        first, last = self.row_labels[0], self.row_labels[-1]
        return first if first == last else f"{first}{DASH}{last}"

    @property
    def seats_label(self) -> str:
        """"1–7", or "5" for a single seat."""
        if self.first_seat == self.last_seat:
            return str(self.first_seat)
        return f"{self.first_seat}{DASH}{self.last_seat}"

    @property
    def seat_codes(self) -> tuple[str, ...]:
        return tuple(code for row in self.grid for code in row if code is not None)

    @property
    def buttons(self) -> int:
        return sum(len(row) for row in self.grid)

    def __contains__(self, code: object) -> bool:
        return any(code in row for row in self.grid)


@dataclass(frozen=True, slots=True)
class SeatSymbols:
    """What a seat button shows. Every seat shows its name ("F3"), so the row is
    visible without a label button a full row has no room for; a kind's mark and a
    taken seat's symbol go in front where the button has room for both, and a
    taken seat shows only its symbol where it has not. A name is never cut: a
    phone cuts a label that does not fit, and "💺…" tells nobody which seat.
    """

    vip: str = "💺"
    wheelchair: str = "♿"
    companion: str = "🤝"
    couch: str = "🛋"
    yours: str = "✅"
    held: str = "⏳"
    sold: str = "✖"
    blocked: str = "·"
    # Not a space: Telegram refuses buttons whose text is only whitespace.
    spacer: str = "\u2800"

    def mark(self, kind: SeatKind) -> str:
        return {
            SeatKind.STANDARD: "",
            SeatKind.VIP: self.vip,
            SeatKind.WHEELCHAIR: self.wheelchair,
            SeatKind.COMPANION: self.companion,
            SeatKind.COUCH: self.couch,
        }[kind]

    def taken(self, state: SeatState) -> str:
        return {
            SeatState.YOURS: self.yours,
            SeatState.HELD: self.held,
            SeatState.SOLD: self.sold,
            SeatState.BLOCKED: self.blocked,
        }[state]


@dataclass(frozen=True, slots=True)
class SeatCell:
    """One button. ``seat_code`` is None where a press can do nothing (a spacer,
    a sold or blocked seat); the caller still has to check the seat on a press."""

    text: str
    seat_code: str | None
    state: SeatState | None = None  # None for a spacer


class Neighbours(NamedTuple):
    left: int | None
    right: int | None
    front: int | None
    back: int | None


def plan_views(hall: Hall, max_seat_buttons: int = SEAT_BUTTONS, max_row: int = MAX_ROW_BUTTONS) -> list[View]:
    """The views of a hall, front to back and left to right. The same hall always
    gives the same list, so a view index stays valid between two presses."""
    if not 1 <= max_row <= MAX_ROW_BUTTONS:
        raise ValueError(f"max_row must be 1-{MAX_ROW_BUTTONS}, not {max_row}")
    if not 1 <= max_seat_buttons <= MAX_BUTTONS:
        raise ValueError(f"max_seat_buttons must be 1-{MAX_BUTTONS}, not {max_seat_buttons}")
    max_row = min(max_row, max_seat_buttons)

    at = {(s.row_index, s.column): s for s in hall.seats.values()}
    couch_joins = {
        (s.column, hall.seats[s.couch_partner].column)
        for s in hall.seats.values()
        if s.couch_partner is not None
    }
    slices = [
        (block, _slice(columns, max_row, couch_joins))
        for block, columns in enumerate(_blocks(hall))
    ]
    widest = max(len(part) for _, parts in slices for part in parts)
    rows_with_seats = sorted({s.row_index for s in hall.seats.values()})
    bands = _even_chunks(rows_with_seats, max(1, max_seat_buttons // widest))

    views: list[View] = []
    for band, band_rows in enumerate(bands):
        for block, parts in slices:
            for part, part_columns in enumerate(parts):
                view = _view(hall, at, band_rows, part_columns)
                if view is not None:
                    views.append(
                        View(len(views), band, block, part, len(parts), *view)
                    )
    return views


def view_of_seat(views: Sequence[View], seat_code: str) -> int:
    """Index of the view showing the seat. KeyError if no view shows it."""
    for view in views:
        if seat_code in view:
            return view.index
    raise KeyError(seat_code)


def views_with_free(seat_map: SeatMap, views: Sequence[View]) -> list[int]:
    """How many free seats each view shows, for the navigation labels."""
    return [
        sum(1 for code in view.seat_codes if seat_map.state(code) is SeatState.FREE)
        for view in views
    ]


def neighbours(views: Sequence[View], index: int) -> Neighbours:
    """The views beside, in front of and behind a view (None at the hall's edge).
    Front and back pick the view of that band nearest in columns."""
    here = views[index]
    slot = _slot(here)
    same_band = [v for v in views if v.band == here.band]
    left = max((v for v in same_band if _slot(v) < slot), key=_slot, default=None)
    right = min((v for v in same_band if _slot(v) > slot), key=_slot, default=None)

    def nearest(bands: Sequence[int]) -> int | None:
        for band in bands:
            row = [v for v in views if v.band == band]
            if row:
                return min(row, key=lambda v: (abs(_centre(v) - _centre(here)), _slot(v))).index
        return None

    last_band = max(v.band for v in views)
    return Neighbours(
        left.index if left else None,
        right.index if right else None,
        nearest(range(here.band - 1, -1, -1)),
        nearest(range(here.band + 1, last_band + 1)),
    )


def render_view(seat_map: SeatMap, view: View, symbols: SeatSymbols | None = None) -> list[list[SeatCell]]:
    """The buttons of a view, keyboard row by keyboard row."""
    symbols = symbols or SeatSymbols()
    hall = seat_map.hall
    room = label_room(len(view.columns))
    return [_row(hall, seat_map, symbols, room, row) for row in view.grid]


def _row(hall: Hall, seat_map: SeatMap, symbols: SeatSymbols, room: int, row: tuple[str | None, ...]) -> list[SeatCell]:
    """A keyboard row of seats. Where names do not fit ("G10" among eight buttons)
    seats show their number, and the row's first seat its name where that fits
    ("G8 9 10 …"); the picture and the text name the rows. A label is never cut
    to "G…", which names no seat at all."""
    codes = [code for code in row if code]
    crowded = any(_width(seat_name(code)) > room for code in codes)
    first = codes[0] if codes else None
    cells = []
    for code in row:
        if code is None:
            cells.append(SeatCell(symbols.spacer, None))
            continue
        seat = hall.seats[code]
        named = not crowded or (code == first and _width(seat_name(code)) <= room)
        cells.append(_cell(seat, seat_map, symbols, room, seat_name(code) if named else str(seat.number)))
    return cells


def label_room(buttons: int) -> int:
    """Characters a button shows uncut when ``buttons`` share a phone's row (a
    button's padding takes about one)."""
    return max(2, ROW_CHARS // max(1, buttons) - 1)


def best_view(hall: Hall, views: Sequence[View]) -> int:
    """The view a seat map opens on: the one with the seat nearest the hall's best
    spot (centred, two thirds back), where "best N" looks first."""
    row, column = hall.best_spot()
    nearest = min(hall.seats.values(), key=lambda s: (abs(s.row_index - row) * 2 + abs(s.column - column), s.code))
    return view_of_seat(views, nearest.code)


def seat_item_ok(code: object) -> bool:
    """True if a callback item has the shape of a seat code ("F-12"). Whether the
    seat exists and may be taken is the caller's and the service's to check."""
    return (
        isinstance(code, str)
        and len(code.encode()) <= SEAT_ITEM_MAX_BYTES
        # fullmatch: SEAT_CODE ends in "$", which would let "F-12\n" through.
        and SEAT_CODE.fullmatch(code) is not None
    )


def _cell(seat: Seat, seat_map: SeatMap, symbols: SeatSymbols, room: int, name: str) -> SeatCell:
    # A seat missing from the map is treated as blocked: never offered.
    state = SeatState.BLOCKED if seat.blocked else seat_map.state(seat.code) or SeatState.BLOCKED
    mark = symbols.mark(seat.kind) if state is SeatState.FREE else symbols.taken(state)
    if not mark:
        text = name
    elif _width(mark + name) <= room:
        text = mark + name
    else:  # no room for both: a free seat keeps its name, a taken one its symbol
        text = name if state is SeatState.FREE else mark
    return SeatCell(text, seat.code if state in _PRESSABLE else None, state)


def _width(text: str) -> int:
    # An emoji takes about two letters' width on a phone.
    return sum(2 if ord(ch) > 0x2000 else 1 for ch in text)


def _blocks(hall: Hall) -> list[list[int]]:
    """Layout columns of each block, left to right. A column without a seat in any
    row but with an aisle in some row separates blocks; a column of gaps only
    belongs to no block (it would be a column of spacers)."""
    seat_columns = {s.column for s in hall.seats.values()}
    aisle_columns = {c for r in hall.rows for c, char in enumerate(r.places) if char == AISLE}
    blocks: list[list[int]] = []
    current: list[int] = []
    for column in range(hall.width):
        if column in seat_columns:
            current.append(column)
        elif column in aisle_columns and current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _slice(columns: list[int], max_row: int, couch_joins: set[tuple[int, int]]) -> list[list[int]]:
    """Cut a block's columns into as few even slices of at most max_row as
    possible, moving a cut by one where it would part a couch pair."""
    count = math.ceil(len(columns) / max_row)
    cuts = [round(i * len(columns) / count) for i in range(count + 1)]
    for i in range(1, count):
        for cut in (cuts[i], cuts[i] - 1, cuts[i] + 1):
            fits = 0 < cut - cuts[i - 1] <= max_row and 0 < cuts[i + 1] - cut <= max_row
            if fits and (columns[cut - 1], columns[cut]) not in couch_joins:
                cuts[i] = cut
                break
    return [columns[a:b] for a, b in zip(cuts, cuts[1:])]


def _even_chunks(items: list[int], most: int) -> list[list[int]]:
    """As few chunks of at most ``most`` as possible, sizes differing by one at most."""
    count = math.ceil(len(items) / most)
    bounds = [round(i * len(items) / count) for i in range(count + 1)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]


def _view(
    hall: Hall, at: dict[tuple[int, int], Seat], band_rows: list[int], part_columns: list[int]
) -> tuple[tuple[int, ...], tuple[str, ...], tuple[int, ...], tuple[tuple[str | None, ...], ...], int, int] | None:
    """The fields of a view after its numbering ones, or None if it shows no seat.
    Rows without a seat here are dropped; a column is kept if any kept row has a
    seat in it, so spacers appear only where they keep the columns aligned."""
    seats = [at[r, c] for r in band_rows for c in part_columns if (r, c) in at]
    if not seats:
        return None
    rows = tuple(sorted({s.row_index for s in seats}))
    columns = tuple(sorted({s.column for s in seats}))
    grid = tuple(
        tuple(seat.code if (seat := at.get((r, c))) else None for c in columns) for r in rows
    )
    numbers = [s.number for s in seats]
    labels = tuple(hall.rows[r].label for r in rows)
    return rows, labels, columns, grid, min(numbers), max(numbers)


def _slot(view: View) -> tuple[int, int]:
    return (view.block, view.part)


def _centre(view: View) -> float:
    return (view.columns[0] + view.columns[-1]) / 2
