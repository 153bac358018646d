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
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from PIL import Image, ImageDraw

from domain.hall import Hall, Seat, SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.render.hall_pieces import (
    BACKGROUND,
    BY_STATE,
    FRAME,
    FREE_BY_KIND,
    INK,
    MUTED,
    RGB,
    TEXT,
    Font,
    in_palette,
    label_mask,
    load_font,
    palette_index,
    screen_patch,
    seat_sprite,
    wheelchair_mask,
)

MAX_SIDE = 1280  # Telegram scales photos down to 1280 px on the longest side
BASE_PITCH = 36  # px from one seat to the next at scale 1
MIN_PITCH = 6
STYLE = "1"  # part of picture_key: change it when the drawing changes

_UNNUMBERED = frozenset({SeatState.SOLD, SeatState.BLOCKED})

# What Pillow's built-in scalable font (a subset of Aileron) can draw; anything
# else would come out as boxes. Pass font_path for text beyond it.
_DEFAULT_FONT_CHARS = frozenset(
    "".join(chr(c) for c in range(0x20, 0x7F)) + "©«°±´·»‘’“”…‹›⁄™"
)
_FOLD = {"ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o",
         "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "–": "-", "—": "-", "•": "·"}


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
    text: Callable[[str], str] = str if path is not None else _fold
    hall = seat_map.hall
    entries = tuple(_legend_entries(seat_map, legend or {}, text))
    g, background = _background(
        hall.rows, hall.blocked, text(title), text(screen_label), entries, max(1, scale), path, hall
    )
    image = background.copy()
    number_size = g.font_px(0.36)
    for seat in hall.seats.values():
        state = _state(seat_map, seat)
        if state in _UNNUMBERED or g.u < 18:
            mark = ""
        elif seat.kind is SeatKind.WHEELCHAIR and state is SeatState.FREE:
            mark = _WHEELCHAIR
        else:
            mark = str(seat.number)
        sprite = _seat_in_palette(
            g.u, _fill(seat, state), _couch_side(hall, seat), state is SeatState.BLOCKED, mark, number_size, path
        )
        image.paste(sprite, g.cell(seat.row_index, seat.column))
    if framed is not None and framed.row_indices and framed.columns:
        _draw_frame(ImageDraw.Draw(image), g, framed, palette_index(FRAME))
    out = io.BytesIO()
    # A palette PNG: a third of the bytes to compress, and no timestamps or
    # other metadata, so equal input gives equal bytes.
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


_WHEELCHAIR = "wheelchair"  # the pictogram instead of a seat number


@lru_cache(maxsize=4096)
def _seat_in_palette(
    u: int, colour: RGB, couch_side: str, outline: bool, mark: str, number_size: int, path: str | None
) -> Image.Image:
    """A cell with its seat and its number (or pictogram), in the palette."""
    cell = seat_sprite(u, colour, couch_side, outline).copy()
    if mark == _WHEELCHAIR:
        cell.paste(INK, (0, 0), wheelchair_mask(u))
    elif mark:
        mask, (dx, dy) = label_mask(mark, number_size, path)
        cell.paste(INK, (u // 2 + dx, round(0.43 * u) + dy), mask)
    return in_palette(cell)


# Backgrounds by hall layout, texts and size; a few halls and languages at most.
_BACKGROUNDS: dict[tuple[object, ...], tuple[_Geometry, Image.Image]] = {}
_MAX_BACKGROUNDS = 32


def _background(
    rows: tuple[object, ...],
    blocked: frozenset[str],
    title: str,
    screen_label: str,
    entries: tuple[tuple[RGB | None, str], ...],
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
        line, font = _fit(title, g, 0.5, g.width - g.u)
        draw.text((g.width / 2, g.title_h * 0.6), line, font=font, fill=TEXT, anchor="mm")
    _draw_screen(image, draw, g, screen_label)
    _draw_row_labels(draw, g)
    _draw_legend(image, draw, g)
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
    legend: tuple[tuple[tuple[RGB | None, str], ...], ...]  # entries by line
    font_path: str | None

    SIDE = 2.1  # margin and row-label column on each side, in pitches
    SCREEN_H = 2.6

    @classmethod
    def fit(
        cls, hall: Hall, titled: bool, entries: list[tuple[RGB | None, str]], scale: int, path: str | None
    ) -> _Geometry:
        columns, rows = hall.width, len(hall.rows)
        u = max(MIN_PITCH, min(BASE_PITCH * scale, int(MAX_SIDE / (columns + 2 * cls.SIDE))))
        while True:
            width = round((columns + 2 * cls.SIDE) * u)
            title_h = round(1.1 * u) if titled else 0
            lines = _wrap(entries, width - 2 * u, u, path)
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


def _state(seat_map: SeatMap, seat: Seat) -> SeatState:
    if seat.blocked:
        return SeatState.BLOCKED
    # A seat missing from the map is never shown as sellable.
    return seat_map.state(seat.code) or SeatState.BLOCKED


def _fill(seat: Seat, state: SeatState) -> RGB:
    return FREE_BY_KIND[seat.kind] if state is SeatState.FREE else BY_STATE[state]


def _couch_side(hall: Hall, seat: Seat) -> str:
    """Which side of its cell a couch half joins its partner at: "right", "left", ""."""
    if seat.couch_partner is None:
        return ""
    return "right" if hall.seats[seat.couch_partner].column > seat.column else "left"


# --- drawing ---------------------------------------------------------------------


def _draw_screen(image: Image.Image, draw: ImageDraw.ImageDraw, g: _Geometry, label: str) -> None:
    u = g.u
    left, right = g.seats_x, g.seats_x + g.hall.width * u
    top, height = g.title_h + round(0.3 * u), round(1.5 * u)
    image.paste(screen_patch(right - left, height, u), (left, top))
    if label:
        line, font = _fit(label, g, 0.38, right - left)
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


def _draw_legend(image: Image.Image, draw: ImageDraw.ImageDraw, g: _Geometry) -> None:
    u = g.u
    font = g.font(0.36)
    y = g.seats_y + len(g.hall.rows) * u + round(0.4 * u)
    for line in g.legend:
        widths = [_entry_width(label, u, font) for _, label in line]
        x = round((g.width - sum(widths) + 0.6 * u) / 2)
        for (colour, label), width in zip(line, widths):
            outline = colour is None
            swatch = seat_sprite(u, BY_STATE[SeatState.BLOCKED] if outline else colour, "", outline)
            image.paste(swatch, (x - round(0.12 * u), y - round(0.05 * u)))
            if label:
                draw.text((x + 0.9 * u, y + 0.45 * u), label, font=font, fill=TEXT, anchor="lm")
            x += round(width)
        y += round(0.9 * u)


def _fit(text: str, g: _Geometry, share: float, room: float) -> tuple[str, Font]:
    """The text in the largest font from ``share`` down to 70 % of it that fits
    ``room``; shortened with an ellipsis if even the smallest is too wide."""
    for step in (1.0, 0.85, 0.7):
        font = g.font(share * step)
        if font.getlength(text) <= room:
            return text, font
    while text and font.getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…", font


def _legend_entries(
    seat_map: SeatMap, legend: Mapping[SeatState | SeatKind, str], text: Callable[[str], str]
) -> list[tuple[RGB | None, str]]:
    """(swatch colour or None for the blocked outline, label) in a fixed order:
    states, then the kinds the hall has."""
    entries: list[tuple[RGB | None, str]] = []
    for state in SeatState:
        if state in legend:
            colour = FREE_BY_KIND[SeatKind.STANDARD] if state is SeatState.FREE else BY_STATE[state]
            entries.append((None if state is SeatState.BLOCKED else colour, text(legend[state])))
    kinds = seat_map.hall.kinds()
    for kind in SeatKind:
        if kind in legend and kind in kinds:
            entries.append((FREE_BY_KIND[kind], text(legend[kind])))
    return entries


def _entry_width(label: str, u: int, font: Font) -> float:
    return 0.9 * u + (font.getlength(label) + 0.7 * u if label else 0.3 * u)


def _wrap(
    entries: list[tuple[RGB | None, str]], room: int, u: int, path: str | None
) -> list[list[tuple[RGB | None, str]]]:
    """Legend entries in lines no wider than ``room``."""
    font = load_font(max(7, round(0.36 * u)), path)
    lines: list[list[tuple[RGB | None, str]]] = []
    used = 0.0
    for entry in entries:
        width = _entry_width(entry[1], u, font)
        if not lines or used + width > room:
            lines.append([])
            used = 0.0
        lines[-1].append(entry)
        used += width
    return lines


def _fold(text: str) -> str:
    """Text the built-in font can draw: accents dropped ("Köln" -> "Koln"), other
    characters without an ASCII form left out."""
    out: list[str] = []
    for char in text:
        if char in _DEFAULT_FONT_CHARS:
            out.append(char)
        elif char in _FOLD:
            out.append(_FOLD[char])
        else:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if c in _DEFAULT_FONT_CHARS)
    return " ".join("".join(out).split())
