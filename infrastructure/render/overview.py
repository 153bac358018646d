"""The whole hall in miniature, for a corner of the zoomed block picture: a bar
for the screen, one small square per seat in its state's colour, and the block
the picture zooms into outlined, so a customer sees where in the hall they are.

Drawn straight into a palette image with flat colours (no anti-aliasing at this
size), so it costs no colour conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from domain.hall import Hall
from domain.seatmap import SeatMap, SeatState
from infrastructure.render.hall_picture import Area
from infrastructure.render.hall_pieces import (
    BACKGROUND,
    BY_STATE,
    FRAME,
    SCREEN,
    palette_index,
    seat_fill,
    seat_state,
)


@dataclass(frozen=True, slots=True)
class Overview:
    """Where the miniature goes, in px: ``cell`` from one seat to the next."""

    hall: Hall
    cell: int
    left: int
    top: int
    frame: int  # width of the outline

    SCREEN_GAP = 3  # cells between the screen bar and the front row

    @classmethod
    def fit(cls, hall: Hall, width: int, height: int, frame: int) -> Overview:
        """The largest miniature within width x height (at least 2 px a seat)."""
        rows = len(hall.rows) + cls.SCREEN_GAP
        cell = max(2, min((width - 2 * frame) // hall.width, (height - 2 * frame) // rows))
        return cls(hall, cell, 0, 0, frame)

    def at(self, left: int, top: int) -> Overview:
        return Overview(self.hall, self.cell, left, top, self.frame)

    @property
    def width(self) -> int:
        return self.hall.width * self.cell + 2 * self.frame

    @property
    def height(self) -> int:
        return (len(self.hall.rows) + self.SCREEN_GAP) * self.cell + 2 * self.frame

    def box(self, row_index: int, column: int) -> tuple[int, int]:
        """Top left of a seat's cell."""
        return (
            self.left + self.frame + column * self.cell,
            self.top + self.frame + (row_index + self.SCREEN_GAP) * self.cell,
        )


def draw_screen_bar(draw: ImageDraw.ImageDraw, o: Overview) -> None:
    """What does not change with the seats: the screen, as wide as the hall."""
    x0, _ = o.box(0, 0)
    x1, _ = o.box(0, o.hall.width)
    y = o.top + o.frame + o.cell
    draw.rectangle((x0, y, x1 - 1, y + max(1, o.cell // 2) - 1), fill=palette_index(SCREEN))


def draw_seats_and_frame(image: Image.Image, o: Overview, seat_map: SeatMap, area: Area) -> None:
    """Every seat as a square in its colour (taken and blocked alike grey), then
    the outline around ``area``, on top, in the one colour used for nothing else.

    One pixel a seat, enlarged, then the gaps between seats laid over: a few
    hundred rectangles drawn one by one cost more than the rest of the picture.
    """
    hall = seat_map.hall
    small = Image.new("P", (hall.width, len(hall.rows)), palette_index(BACKGROUND))
    small.putpalette(image.getpalette() or [])
    taken = palette_index(BY_STATE[SeatState.SOLD])
    pixels = small.load()
    for seat in hall.seats.values():
        state = seat_state(seat_map, seat)
        ink = taken if state is SeatState.BLOCKED else palette_index(seat_fill(seat, state))
        pixels[seat.column, seat.row_index] = ink  # type: ignore[index]
    seats = small.resize((hall.width * o.cell, len(hall.rows) * o.cell), Image.Resampling.NEAREST)
    if o.cell >= 4:
        seats.paste(palette_index(BACKGROUND), (0, 0), _gaps(o.cell, hall.width, len(hall.rows)))
    image.paste(seats, o.box(0, 0))
    if area.row_indices and area.columns:
        x0, y0 = o.box(min(area.row_indices), min(area.columns))
        x1, y1 = o.box(max(area.row_indices) + 1, max(area.columns) + 1)
        # Outside the area's cells, so none of its seats is covered.
        w = o.frame
        ImageDraw.Draw(image).rectangle(
            (x0 - w, y0 - w, x1 + w - 1, y1 + w - 1), outline=palette_index(FRAME), width=w
        )


@lru_cache(maxsize=32)
def _gaps(cell: int, columns: int, rows: int) -> Image.Image:
    """A mask of the one-pixel border of every cell."""
    mask = Image.new("1", (columns * cell, rows * cell), 1)
    draw = ImageDraw.Draw(mask)
    for column in range(columns):
        for row in range(rows):
            x, y = column * cell, row * cell
            draw.rectangle((x + 1, y + 1, x + cell - 2, y + cell - 2), fill=0)
    return mask
