"""The legend of a hall picture: a colour swatch and a short label per seat state
and per seat kind the hall has, in lines that fit the room given.

Sizes are in px: ``s`` is the swatch's pitch (a seat drawn that big), ``size``
the font's; the whole-hall picture uses its seat pitch and 0.36 of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PIL import Image, ImageDraw

from domain.hall import SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.render.hall_pieces import BY_STATE, FREE_BY_KIND, RGB, TEXT, Font, load_font, seat_sprite

Entry = tuple[RGB | None, str]  # swatch colour (None: the blocked outline), label


def legend_entries(
    seat_map: SeatMap, legend: Mapping[SeatState | SeatKind, str], text: Callable[[str], str]
) -> list[Entry]:
    """The entries in a fixed order: states, then the kinds the hall has."""
    entries: list[Entry] = []
    for state in SeatState:
        if state in legend:
            colour = FREE_BY_KIND[SeatKind.STANDARD] if state is SeatState.FREE else BY_STATE[state]
            entries.append((None if state is SeatState.BLOCKED else colour, text(legend[state])))
    kinds = seat_map.hall.kinds()
    for kind in SeatKind:
        if kind in legend and kind in kinds:
            entries.append((FREE_BY_KIND[kind], text(legend[kind])))
    return entries


def entry_width(label: str, s: int, font: Font) -> float:
    return 0.9 * s + (font.getlength(label) + 0.7 * s if label else 0.3 * s)


def wrap(entries: list[Entry], room: float, s: int, size: int, path: str | None) -> list[list[Entry]]:
    """Entries in lines no wider than ``room`` (an entry wider than that alone)."""
    font = load_font(size, path)
    lines: list[list[Entry]] = []
    used = 0.0
    for entry in entries:
        width = entry_width(entry[1], s, font)
        if not lines or used + width > room:
            lines.append([])
            used = 0.0
        lines[-1].append(entry)
        used += width
    return lines


def draw_legend(
    image: Image.Image, draw: ImageDraw.ImageDraw, lines: list[list[Entry]] | tuple[tuple[Entry, ...], ...],
    s: int, size: int, path: str | None, *, top: int, left: int, width: int, centred: bool = True,
) -> None:
    """The lines from ``top`` down, each centred between ``left`` and
    ``left + width`` (or starting at ``left``)."""
    font = load_font(size, path)
    y = top
    for line in lines:
        widths = [entry_width(label, s, font) for _, label in line]
        x = left + (round((width - sum(widths) + 0.6 * s) / 2) if centred else round(0.12 * s))
        for (colour, label), step in zip(line, widths):
            outline = colour is None
            swatch = seat_sprite(s, BY_STATE[SeatState.BLOCKED] if outline else colour, "", outline)
            image.paste(swatch, (x - round(0.12 * s), y - round(0.05 * s)))
            if label:
                draw.text((x + 0.9 * s, y + 0.45 * s), label, font=font, fill=TEXT, anchor="lm")
            x += round(step)
        y += round(0.9 * s)
