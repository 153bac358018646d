"""The seat map's picture for a phone: the block the keyboard shows, zoomed so its
seat numbers read at a phone's width, with the whole hall in miniature in the top
right corner and that block outlined in it.

Drawn across a phone (~390 px), the whole-hall picture gave a seat 14 px of the
width of the sample's big hall, and digits of 5 px. Here the picture is never
wider than a keyboard row of seats (8) and the two row-label columns, so a seat
gets at least a tenth of the width: 39 px at 390 px, digits of 16 px.

From top to bottom: the legend (left) beside the miniature (right), the screen
when the block is at the front, the block's rows with their labels on both
sides. A hall shown whole by its one block gets no miniature. Words come from the
caller, translated; the same input gives the same bytes (``block_picture_key``).
Everything that does not depend on the seat states is made once per block and
kept in the palette, as for the whole-hall picture (see hall_picture.py).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PIL import Image, ImageDraw

from domain.hall import Hall, SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.render.hall_picture import MAX_SIDE, Area, picture_key
from infrastructure.render.hall_pieces import (
    BACKGROUND,
    MUTED,
    WHEELCHAIR_MARK,
    couch_side,
    fit_text,
    fold,
    in_palette,
    load_font,
    screen_patch,
    seat_fill,
    seat_in_palette,
    seat_state,
)
from infrastructure.render.legend import Entry, draw_legend, legend_entries, wrap
from infrastructure.render.overview import Overview, draw_screen_bar, draw_seats_and_frame

STYLE = "block-1"  # part of block_picture_key: change it when the drawing changes
BASE_PITCH = 80  # px from one seat to the next, unless the picture would pass MAX_SIDE
MIN_PITCH = 12
MIN_COLUMNS = 8  # Telegram's buttons in a keyboard row: a narrower block is centred
SIDE = 1.0  # row-label column on each side, in pitches
MARGIN = 0.4
OVERVIEW_SHARE = 0.4  # of the picture's width at most
OVERVIEW_HEIGHT = 3.2  # pitches at most
SCREEN = 1.9  # pitches: the screen's arc and its label
SWATCH = 0.55  # a legend swatch's pitch, of a seat's: words matter more here


def render_block_png(
    seat_map: SeatMap,
    *,
    area: Area,
    screen_label: str = "",
    legend: Mapping[SeatState | SeatKind, str] | None = None,
    font_path: str | os.PathLike[str] | None = None,
) -> bytes:
    """The ``area`` of the hall (a keyboard's view) as PNG bytes, at most MAX_SIDE
    px on either side. ``legend`` maps states and seat kinds to short labels; a
    state gets its swatch only while some seat of the hall is in it. Without
    ``font_path`` Pillow's built-in font draws the words, folded to ASCII."""
    path = os.fspath(font_path) if font_path is not None else None
    text: Callable[[str], str] = str if path is not None else fold
    hall = seat_map.hall
    entries = tuple(legend_entries(seat_map, _shown(seat_map, legend or {}), text))
    layout, background = _background(
        hall, tuple(sorted(area.row_indices)), tuple(sorted(area.columns)), text(screen_label), entries, path
    )
    image = background.copy()
    u = layout.u
    number_size = max(7, round(0.4 * u))
    rows = set(layout.rows)
    for seat in hall.seats.values():
        if seat.row_index not in rows or not layout.first_column <= seat.column <= layout.last_column:
            continue
        state = seat_state(seat_map, seat)
        if state is SeatState.BLOCKED:
            mark = ""
        elif seat.kind is SeatKind.WHEELCHAIR and state is SeatState.FREE:
            mark = WHEELCHAIR_MARK
        else:
            mark = str(seat.number)  # taken seats keep theirs: there is room here
        sprite = seat_in_palette(
            u, seat_fill(seat, state), couch_side(hall, seat), state is SeatState.BLOCKED, mark, number_size, path
        )
        image.paste(sprite, layout.cell(seat.row_index, seat.column))
    if layout.overview is not None:
        draw_seats_and_frame(image, layout.overview, seat_map, area)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def block_picture_key(
    seat_map: SeatMap,
    area: Area,
    *,
    screen_label: str = "",
    legend: Mapping[SeatState | SeatKind, str] | None = None,
    font_path: str | os.PathLike[str] | None = None,
) -> str:
    """A short hash of everything the picture shows (the hall, every seat's state
    for the miniature, the area, the words): equal keys, equal pictures."""
    whole = picture_key(seat_map, area, screen_label=screen_label, legend=legend, font_path=font_path)
    return hashlib.sha256(f"{STYLE}\x1f{whole}".encode()).hexdigest()[:20]


def _shown(seat_map: SeatMap, legend: Mapping[SeatState | SeatKind, str]) -> dict[SeatState | SeatKind, str]:
    """The legend without states no seat is in: fewer, shorter lines."""
    present = set(seat_map.states.values())
    if any(seat.blocked for seat in seat_map.hall.seats.values()):
        present.add(SeatState.BLOCKED)
    return {key: label for key, label in legend.items() if not isinstance(key, SeatState) or key in present}


# --- layout ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where everything goes, in px; ``u`` is the pitch from one seat to the next."""

    u: int
    width: int
    height: int
    rows: tuple[int, ...]  # the area's rows, front to back
    first_row: int
    first_column: int
    last_column: int
    seats_x: int
    seats_y: int
    screen_top: int | None  # None: the block is not at the front
    legend: tuple[tuple[Entry, ...], ...]
    legend_left: int
    legend_width: int
    band_top: int
    overview: Overview | None

    @classmethod
    def fit(cls, hall: Hall, rows: tuple[int, ...], columns: tuple[int, ...], entries: list[Entry],
            path: str | None) -> _Layout:
        first_column, last_column = columns[0], columns[-1]
        span = last_column - first_column + 1
        depth = rows[-1] - rows[0] + 1
        at_front = rows[0] == min(s.row_index for s in hall.seats.values())
        whole = all(
            s.row_index in rows and first_column <= s.column <= last_column for s in hall.seats.values()
        )
        units = max(span, MIN_COLUMNS) + 2 * SIDE
        u = BASE_PITCH
        while True:
            width, m = round(units * u), round(MARGIN * u)
            overview = None
            room = width - 2 * m
            if not whole:
                overview = Overview.fit(hall, round(OVERVIEW_SHARE * width), round(OVERVIEW_HEIGHT * u),
                                        frame=max(2, round(u / 16)))
                room -= overview.width + m
            s = round(SWATCH * u)
            lines = wrap(entries, room, s, _legend_size(u), path)
            legend_h = round(0.9 * len(lines) * s + 0.1 * s) if lines else 0
            band = max(overview.height if overview else 0, legend_h)
            screen_top = m + band + (m if band else 0)
            seats_y = screen_top + (round(SCREEN * u) if at_front else 0)
            height = seats_y + depth * u + m
            if max(width, height) <= MAX_SIDE or u <= MIN_PITCH:
                break
            u = max(MIN_PITCH, min(u - 1, int(u * MAX_SIDE / max(width, height))))
        return cls(
            u, width, height, rows, rows[0], first_column, last_column,
            round((width - span * u) / 2), seats_y, screen_top if at_front else None,
            tuple(tuple(line) for line in lines), m, room, m,
            overview.at(width - m - overview.width, m) if overview else None,
        )

    def cell(self, row_index: int, column: int) -> tuple[int, int]:
        return (
            self.seats_x + (column - self.first_column) * self.u,
            self.seats_y + (row_index - self.first_row) * self.u,
        )


def _legend_size(u: int) -> int:
    return max(7, round(0.36 * u))


# Backgrounds by hall layout, block and words: a few blocks and languages a hall.
_BACKGROUNDS: dict[tuple[object, ...], tuple[_Layout, Image.Image]] = {}
_MAX_BACKGROUNDS = 64


def _background(
    hall: Hall, rows: tuple[int, ...], columns: tuple[int, ...], screen_label: str,
    entries: tuple[Entry, ...], path: str | None,
) -> tuple[_Layout, Image.Image]:
    """The layout and everything drawn but the seats and the miniature's squares
    and outline, in the palette; kept by everything it depends on."""
    key = (hall.rows, hall.blocked, rows, columns, screen_label, entries, path)
    found = _BACKGROUNDS.get(key)
    if found is not None:
        return found
    g = _Layout.fit(hall, rows, columns, list(entries), path)
    image = Image.new("RGB", (g.width, g.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    u = g.u
    draw_legend(
        image, draw, g.legend, round(SWATCH * u), _legend_size(u), path,
        top=g.band_top, left=g.legend_left, width=g.legend_width, centred=g.overview is None,
    )
    if g.screen_top is not None:
        left, right = g.cell(g.first_row, g.first_column)[0], g.cell(g.first_row, g.last_column + 1)[0]
        top = g.screen_top
        image.paste(screen_patch(right - left, round(1.2 * u), u), (left, top))
        if screen_label:
            line, font = fit_text(screen_label, u, 0.38, right - left, path)
            draw.text(((left + right) / 2, top + 1.45 * u), line, font=font, fill=MUTED, anchor="mm")
    font = load_font(max(7, round(0.42 * u)), path)
    occupied = {s.row_index for s in hall.seats.values()}
    for index in g.rows:
        if index not in occupied:
            continue
        label = hall.rows[index].label
        x, y = g.cell(index, g.first_column)
        right = g.cell(index, g.last_column + 1)[0]
        draw.text((x - 0.5 * u, y + 0.45 * u), label, font=font, fill=MUTED, anchor="mm")
        draw.text((right + 0.5 * u, y + 0.45 * u), label, font=font, fill=MUTED, anchor="mm")
    background = in_palette(image)
    if g.overview is not None:
        draw_screen_bar(ImageDraw.Draw(background), g.overview)
    if len(_BACKGROUNDS) >= _MAX_BACKGROUNDS:
        _BACKGROUNDS.clear()
    _BACKGROUNDS[key] = (g, background)
    return g, background
