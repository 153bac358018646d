"""The seat plan of a showtime as a PNG: the whole hall at a glance, with the part
the keyboard shows framed.

The screen is a curved bar on top, seats are rounded squares coloured by state
(and, while free, by kind), aisles stay gaps, row labels stand on both sides and a
legend of colour swatches sits at the bottom. All words come from the caller,
already translated. The same input gives the same bytes, so a picture (or the
file_id Telegram returns for it) can be cached under ``picture_key``.

Speed: seats, digits and the screen are drawn once per size (hall_pieces.py).
During a sale nearly every picture is new (each customer's seats differ), so what
does not depend on the seat states is made once and kept, already in the palette:
the hall's background (title, screen, row labels, legend) and each seat with its
number. A picture is then a copy of the background, one paste per seat and the
frame: no per-picture colour conversion. Mapping each colour to the palette is per
pixel, so doing it piece by piece gives the same picture as doing it once for the
whole.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from PIL import Image, ImageDraw

from domain.hall import Hall, SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.render.hall_pieces import (
    BACKGROUND,
    FRAME,
    MUTED,
    RGB,
    TEXT,
    WHEELCHAIR_MARK,
    Font,
    couch_side,
    fit_text,
    fold,
    in_palette,
    load_font,
    palette_index,
    screen_patch,
    seat_fill,
    seat_in_palette,
    seat_state,
)
from infrastructure.render.legend import Entry, draw_legend, legend_entries, wrap

MAX_SIDE = 1280  # Telegram scales photos down to 1280 px on the longest side
BASE_PITCH = 36  # px from one seat to the next at scale 1
MIN_PITCH = 6
STYLE = "1"  # part of picture_key: change it when the drawing changes

_UNNUMBERED = frozenset({SeatState.SOLD, SeatState.BLOCKED})

class Area(Protocol):
    """The part of the hall to frame; dialogs.seatmap.View fits."""

    @property
    def row_indices(self) -> Sequence[int]: ...

    @property
    def columns(self) -> Sequence[int]: ...


def render_hall_png(
    seat_map: SeatMap,
    *,
    framed: Area | None,
    title: str = "",
    screen_label: str = "",
    legend: Mapping[SeatState | SeatKind, str] | None = None,
    scale: int = 1,
    font_path: str | os.PathLike[str] | None = None,
) -> bytes:
    """The seat plan as PNG bytes, at most MAX_SIDE px on either side (unless a
    hall is over ~200 places wide or long).

    ``legend`` maps states, and seat kinds for the colour of their free seats, to
    short labels: a swatch is drawn for each key, states first; an empty label
    draws the swatch alone; no legend, no strip. ``scale`` 2 draws larger and
    sharper, still within MAX_SIDE. ``font_path``: a TTF for text beyond ASCII
    (e.g. the DejaVu font of the invoices); without it Pillow's built-in font is
    used and text is folded to what it can draw ("Plätze" -> "Platze").
    """
    path = os.fspath(font_path) if font_path is not None else None
    text: Callable[[str], str] = str if path is not None else fold
    hall = seat_map.hall
    entries = tuple(legend_entries(seat_map, legend or {}, text))
    g, background = _background(
        hall.rows, hall.blocked, text(title), text(screen_label), entries, max(1, scale), path, hall
    )
    image = background.copy()
    number_size = g.font_px(0.36)
    for seat in hall.seats.values():
        state = seat_state(seat_map, seat)
        if state in _UNNUMBERED or g.u < 18:
            mark = ""
        elif seat.kind is SeatKind.WHEELCHAIR and state is SeatState.FREE:
            mark = WHEELCHAIR_MARK
        else:
            mark = str(seat.number)
        sprite = seat_in_palette(
            g.u, seat_fill(seat, state), couch_side(hall, seat), state is SeatState.BLOCKED, mark, number_size, path
        )
        image.paste(sprite, g.cell(seat.row_index, seat.column))
    if framed is not None and framed.row_indices and framed.columns:
        _draw_frame(ImageDraw.Draw(image), g, framed, palette_index(FRAME))
    out = io.BytesIO()
    # A palette PNG: a third of the bytes to compress, and no timestamps or
    # other metadata, so equal input gives equal bytes.
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


# Backgrounds by hall layout, texts and size; a few halls and languages at most.
_BACKGROUNDS: dict[tuple[object, ...], tuple[_Geometry, Image.Image]] = {}
_MAX_BACKGROUNDS = 32


def _background(
    rows: tuple[object, ...],
    blocked: frozenset[str],
    title: str,
    screen_label: str,
    entries: tuple[Entry, ...],
    scale: int,
    path: str | None,
    hall: Hall,
) -> tuple[_Geometry, Image.Image]:
    """The geometry and everything drawn but the seats and the frame, in the
    palette; kept by everything it depends on (``hall`` only for drawing: its
    rows and blocked seats are the key)."""
    key = (rows, blocked, title, screen_label, entries, scale, path)
    found = _BACKGROUNDS.get(key)
    if found is not None:
        return found
    g = _Geometry.fit(hall, bool(title), list(entries), scale, path)
    image = Image.new("RGB", (g.width, g.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if title:
        line, font = fit_text(title, g.u, 0.5, g.width - g.u, path)
        draw.text((g.width / 2, g.title_h * 0.6), line, font=font, fill=TEXT, anchor="mm")
    _draw_screen(image, draw, g, screen_label)
    _draw_row_labels(draw, g)
    top = g.seats_y + len(hall.rows) * g.u + round(0.4 * g.u)
    draw_legend(image, draw, g.legend, g.u, g.font_px(0.36), path, top=top, left=0, width=g.width)
    if len(_BACKGROUNDS) >= _MAX_BACKGROUNDS:
        _BACKGROUNDS.clear()
    _BACKGROUNDS[key] = (g, in_palette(image))
    return _BACKGROUNDS[key]


def picture_key(
    seat_map: SeatMap,
    framed: Area | None,
    *,
    title: str = "",
    screen_label: str = "",
    legend: Mapping[SeatState | SeatKind, str] | None = None,
    scale: int = 1,
    font_path: str | os.PathLike[str] | None = None,
) -> str:
    """A short hash of everything the picture shows: the hall's ref and layout,
    every seat's state, the framed area and the texts (pass the same keywords as
    to render_hall_png). Equal keys, equal pictures."""
    hall = seat_map.hall
    parts = [
        STYLE,
        hall.ref,
        "|".join(f"{r.label}:{r.places}" for r in hall.rows),
        ",".join(sorted(hall.blocked)),
        ",".join(f"{code}={seat_map.states.get(code, '')}" for code in sorted(hall.seats)),
        repr((tuple(framed.row_indices), tuple(framed.columns))) if framed is not None else "-",
        title,
        screen_label,
        repr(sorted((type(k).__name__, str(k), v) for k, v in (legend or {}).items())),
        str(scale),
        os.fspath(font_path) if font_path is not None else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


# --- geometry ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Where everything goes, in px; ``u`` is the pitch from one seat to the next."""

    hall: Hall
    u: int
    width: int
    height: int
    seats_x: int  # left edge of layout column 0
    seats_y: int  # top edge of row 0
    title_h: int
    legend: tuple[tuple[Entry, ...], ...]  # entries by line
    font_path: str | None

    SIDE = 2.1  # margin and row-label column on each side, in pitches
    SCREEN_H = 2.6

    @classmethod
    def fit(
        cls, hall: Hall, titled: bool, entries: list[Entry], scale: int, path: str | None
    ) -> _Geometry:
        columns, rows = hall.width, len(hall.rows)
        u = max(MIN_PITCH, min(BASE_PITCH * scale, int(MAX_SIDE / (columns + 2 * cls.SIDE))))
        while True:
            width = round((columns + 2 * cls.SIDE) * u)
            title_h = round(1.1 * u) if titled else 0
            lines = wrap(entries, width - 2 * u, u, max(7, round(0.36 * u)), path)
            legend_h = round((0.4 + 0.9 * len(lines)) * u) if lines else 0
            height = title_h + round(cls.SCREEN_H * u) + rows * u + legend_h + round(0.6 * u)
            if height <= MAX_SIDE or u <= MIN_PITCH:
                break
            u -= 1
        return cls(
            hall, u, width, height, round(cls.SIDE * u), title_h + round(cls.SCREEN_H * u),
            title_h, tuple(tuple(line) for line in lines), path,
        )

    def cell(self, row_index: int, column: int) -> tuple[int, int]:
        return self.seats_x + column * self.u, self.seats_y + row_index * self.u

    def font_px(self, share: float) -> int:
        return max(7, round(share * self.u))

    def font(self, share: float) -> Font:
        return load_font(self.font_px(share), self.font_path)


# --- drawing ---------------------------------------------------------------------


def _draw_screen(image: Image.Image, draw: ImageDraw.ImageDraw, g: _Geometry, label: str) -> None:
    u = g.u
    left, right = g.seats_x, g.seats_x + g.hall.width * u
    top, height = g.title_h + round(0.3 * u), round(1.5 * u)
    image.paste(screen_patch(right - left, height, u), (left, top))
    if label:
        line, font = fit_text(label, u, 0.38, right - left, g.font_path)
        draw.text(((left + right) / 2, top + height + 0.1 * u), line, font=font, fill=MUTED, anchor="mm")


def _draw_row_labels(draw: ImageDraw.ImageDraw, g: _Geometry) -> None:
    hall = g.hall
    font = g.font(0.42)
    occupied = {s.row_index for s in hall.seats.values()}
    for index, row in enumerate(hall.rows):
        if index not in occupied:
            continue
        y = g.seats_y + (index + 0.45) * g.u
        draw.text((g.seats_x - 0.8 * g.u, y), row.label, font=font, fill=MUTED, anchor="mm")
        draw.text((g.seats_x + (hall.width + 0.8) * g.u, y), row.label, font=font, fill=MUTED, anchor="mm")


def _draw_frame(draw: ImageDraw.ImageDraw, g: _Geometry, area: Area, ink: RGB | int = FRAME) -> None:
    """A rectangle on the cell edges around the area: in the gap between seats."""
    x0, y0 = g.cell(min(area.row_indices), min(area.columns))
    x1, y1 = g.cell(max(area.row_indices) + 1, max(area.columns) + 1)
    line = max(2, round(g.u / 12))
    grow = line // 2
    draw.rounded_rectangle(
        (x0 - grow, y0 - grow, x1 + grow - 1, y1 + grow - 1), round(0.25 * g.u), outline=ink, width=line
    )
