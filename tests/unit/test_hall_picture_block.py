"""The seat map's picture on a phone: the keyboard's block zoomed so a seat is
big enough to read at 390 px, the whole hall in miniature with that block
outlined, and a key that changes with everything the picture shows."""

from __future__ import annotations

import pytest

from dialogs.seatmap.layout import View, plan_views
from domain.hall import Hall, RowSpec, SeatKind
from domain.seatmap import SeatMap, SeatState, build_seat_map
from infrastructure.render import block_picture, block_picture_key, render_block_png, render_hall_png
from infrastructure.render.hall_picture import MAX_SIDE
from infrastructure.render.hall_pieces import BY_STATE, FRAME, FREE_BY_KIND
from tests.unit.test_hall_picture import LEGEND, busy_map, colour_count, colour_mask, halls, png

PHONE = 390  # px: the width a phone gives a photo in a chat, at most
# A seat's number is drawn at 0.4 of its cell: 30 px makes digits of 12 px, the
# smallest text phone interfaces use (Material's small body text is 12 sp).
READABLE_CELL = 30
YOURS = BY_STATE[SeatState.YOURS]
FREE = FREE_BY_KIND[SeatKind.STANDARD]


def with_yours(hall: Hall, codes: set[str]) -> SeatMap:
    """Every seat free but ``codes``, which are the customer's."""
    return SeatMap(hall, {code: SeatState.YOURS if code in codes else SeatState.FREE for code in hall.seats})


def cell_at_phone_width(picture: bytes, seat_map: SeatMap, view: View) -> float:
    """The px from one seat to the next in the picture's lower half, shown 390 px
    wide: the customer's seats are the view's back row, the bottom of the block."""
    image = png(picture)
    lower = image.crop((0, image.height // 2, image.width, image.height))
    box = colour_mask(lower, YOURS).getbbox()
    assert box is not None, "the zoomed block shows no seat of the back row"
    back = [seat_map.hall.seats[c] for c in view.grid[-1] if c]
    columns = max(s.column for s in back) - min(s.column for s in back) + 1
    # The span holds `columns` cells less the margins of the two outer seats, so
    # this is a little under the real pitch.
    return (box[2] - box[0]) / columns * PHONE / image.width


@pytest.mark.parametrize("ref", ["palast", "studio", "kinobar"])
def test_every_block_of_the_sample_halls_reads_at_phone_width(ref: str) -> None:
    hall = halls()[ref]
    for view in plan_views(hall):
        seat_map = with_yours(hall, {c for c in view.grid[-1] if c})
        picture = render_block_png(seat_map, area=view, screen_label="SCREEN", legend=LEGEND)
        assert cell_at_phone_width(picture, seat_map, view) >= READABLE_CELL, (ref, view.index)
        image = png(picture)
        assert max(image.size) <= MAX_SIDE


def test_the_whole_hall_picture_was_not_readable_there() -> None:
    """The measure is fair: it finds the whole-hall picture's seats too small."""
    hall = halls()["palast"]
    view = plan_views(hall)[1]
    seat_map = with_yours(hall, {c for c in view.grid[-1] if c})
    whole = render_hall_png(seat_map, framed=view, screen_label="SCREEN")
    assert cell_at_phone_width(whole, seat_map, view) < 15
    zoomed = render_block_png(seat_map, area=view, screen_label="SCREEN")
    assert cell_at_phone_width(zoomed, seat_map, view) > 2.5 * cell_at_phone_width(whole, seat_map, view)


@pytest.mark.parametrize("ref", ["palast", "studio", "kinobar"])
def test_the_miniature_outlines_the_block_shown(ref: str) -> None:
    hall = halls()[ref]
    for view in plan_views(hall):
        # The block's seats are the customer's, so in the miniature they are the
        # green squares; no legend, so no green swatch elsewhere up there.
        seat_map = with_yours(hall, set(view.seat_codes))
        image = png(render_block_png(seat_map, area=view, screen_label="SCREEN"))
        frame = colour_mask(image, FRAME).getbbox()
        assert frame is not None, (ref, view.index)
        left, top, right, bottom = frame
        assert left > image.width / 2 and bottom < image.height / 2, "the miniature is in the top right corner"
        above = image.crop((0, 0, image.width, bottom))
        green = colour_mask(above, YOURS).getbbox()
        assert green is not None
        assert left < green[0] and top < green[1] and green[2] < right and green[3] < bottom, (ref, view.index)
        # ... and nothing else is inside the outline.
        assert colour_count(image.crop(frame), FREE) == 0, (ref, view.index)


def test_moving_to_the_next_block_moves_the_outline() -> None:
    hall = halls()["palast"]
    views = plan_views(hall)
    seat_map = busy_map(hall)

    def outline(view: View) -> tuple[int, int, int, int]:
        box = colour_mask(png(render_block_png(seat_map, area=view)), FRAME).getbbox()
        assert box is not None
        return box

    centre, right, behind = outline(views[1]), outline(views[2]), outline(views[4])
    assert right[0] > centre[2]  # beside it, to the right
    assert behind[1] > centre[1] and behind[0] == centre[0]  # further back, same columns


def test_a_hall_of_one_block_is_drawn_whole_without_a_miniature() -> None:
    hall = Hall(None, "small", "Small", tuple(RowSpec(label, "ssssss") for label in "ABCDE"))
    [view] = plan_views(hall)
    seat_map = with_yours(hall, {c for c in view.grid[-1] if c})
    picture = render_block_png(seat_map, area=view, screen_label="SCREEN", legend=LEGEND)
    image = png(picture)
    assert colour_count(image, FRAME) == 0
    assert cell_at_phone_width(picture, seat_map, view) >= READABLE_CELL
    assert max(image.size) <= MAX_SIDE


@pytest.mark.parametrize(
    "rows",
    [
        [(chr(65 + i), "s" * 40) for i in range(8)],  # very wide: cut into slices
        [(f"R{i}", "sss") for i in range(40)],  # very long and narrow: long bands
        [("A", "dddd_dddd"), ("B", "..dd_dd..")],  # couches and gaps
        [("A", "s")],
    ],
)
def test_extreme_halls_stay_within_telegram_size(rows: list[tuple[str, str]]) -> None:
    hall = Hall(None, "x", "X", tuple(RowSpec(label, places) for label, places in rows))
    seat_map = busy_map(hall)
    for view in plan_views(hall):
        image = png(render_block_png(seat_map, area=view, screen_label="S", legend=LEGEND))
        assert max(image.size) <= MAX_SIDE
        assert max(image.size) / min(image.size) <= 20  # Telegram's PHOTO_INVALID_DIMENSIONS


def test_a_state_no_seat_is_in_gets_no_swatch() -> None:
    hall = halls()["kinobar"]
    view = plan_views(hall)[0]
    held = BY_STATE[SeatState.HELD]
    quiet = build_seat_map(hall, {}, {}, owner="me", customer_id=1)
    assert colour_count(png(render_block_png(quiet, area=view, legend=LEGEND)), held) == 0
    busy = build_seat_map(hall, {}, {"F-9": "other"}, owner="me", customer_id=1)  # in the other block
    assert colour_count(png(render_block_png(busy, area=view, legend=LEGEND)), held) > 0


def test_the_key_follows_everything_the_picture_shows() -> None:
    hall = halls()["palast"]
    views = plan_views(hall)
    seat_map = busy_map(hall)
    view = views[1]
    outside = next(c for c, s in seat_map.states.items() if s is SeatState.FREE and c not in view)
    elsewhere = SeatMap(hall, seat_map.states | {outside: SeatState.SOLD})
    key = block_picture_key(seat_map, view, screen_label="SCREEN", legend=LEGEND)
    assert key == block_picture_key(SeatMap(hall, dict(seat_map.states)), view, screen_label="SCREEN", legend=LEGEND)
    assert key != block_picture_key(seat_map, views[2], screen_label="SCREEN", legend=LEGEND)
    # A seat outside the block still shows, in the miniature.
    assert key != block_picture_key(elsewhere, view, screen_label="SCREEN", legend=LEGEND)
    assert render_block_png(seat_map, area=view) != render_block_png(elsewhere, area=view)
    assert key != block_picture_key(seat_map, view, screen_label="ЭКРАН", legend=LEGEND)
    assert block_picture_key(seat_map, view) != block_picture.picture_key(seat_map, view)


def test_the_same_input_gives_the_same_bytes_kept_or_drawn_afresh() -> None:
    hall = halls()["studio"]
    view = plan_views(hall)[3]
    seat_map = busy_map(hall)
    first = render_block_png(seat_map, area=view, screen_label="SCREEN", legend=LEGEND)
    block_picture._BACKGROUNDS.clear()
    again = render_block_png(SeatMap(hall, dict(seat_map.states)), area=view, screen_label="SCREEN", legend=LEGEND)
    assert first == again
