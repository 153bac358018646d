"""A seat map reads well on a phone (issue #11, item 5): it opens on the block with
the best seats, every seat is named one way ("K11") on buttons and in texts, and no
button label is longer than a phone shows uncut."""

from __future__ import annotations

import pytest

from dialogs.seatmap.layout import _width, best_view, label_room, plan_views, render_view
from domain.hall import Hall, RowSpec, seat_name
from domain.seatmap import SeatState, build_seat_map
from tests.unit.test_seatmap_layout import all_halls


@pytest.mark.parametrize(
    ("code", "name"), [("K-11", "K11"), ("A-1", "A1"), ("AB-105", "AB105"), ("10-5", "10-5"), ("B2-3", "B2-3")]
)
def test_a_seat_is_named_without_a_dash_unless_digits_would_run_together(code: str, name: str) -> None:
    assert seat_name(code) == name


def test_the_map_opens_on_the_block_with_the_best_seats() -> None:
    # Three blocks of equal width, ten rows: the best spot is the middle block,
    # two thirds back, where the old rule (the middle of a front-to-back list)
    # picked the back-left view.
    hall = Hall(None, "h", "Hall", tuple(RowSpec(chr(65 + i), "ssssss_ssssss_ssssss") for i in range(10)), frozenset())
    views = plan_views(hall, max_seat_buttons=36)
    opened = views[best_view(hall, views)]
    assert opened.block == 1
    best_row = round((len(hall.rows) - 1) * 0.65)
    assert best_row in opened.row_indices


@pytest.mark.parametrize("name", sorted(all_halls()))
def test_no_label_is_longer_than_a_phone_shows(name: str) -> None:
    hall = all_halls()[name]
    for view in plan_views(hall):
        room = label_room(len(view.columns))
        codes = list(view.seat_codes)
        # Every state on one map: free, yours, held and sold seats side by side.
        holders = {c: "me" if i % 4 == 1 else "someone" for i, c in enumerate(codes) if i % 4 in (1, 2)}
        sold = {c: 7 for i, c in enumerate(codes) if i % 4 == 3}
        seat_map = build_seat_map(hall, sold, holders, "me", 1)
        drawn = set()
        for row in render_view(seat_map, view):
            seats = [cell for cell in row if cell.seat_code is not None]
            for index, cell in enumerate(seats):
                drawn.add(cell.state)
                name = seat_name(cell.seat_code)
                number = cell.seat_code.rsplit("-", 1)[1]
                if cell.state is SeatState.FREE:
                    # The whole name where it fits, else the number: never "G…".
                    assert cell.text.endswith(name) or cell.text.endswith(number), (name, cell)
                    if index == 0 and _width(name) <= room:
                        assert name in cell.text  # the row is named at its start where it fits
                # Within the room, except a bare number wider than it ("105"): nothing shorter says it.
                assert _width(cell.text) <= max(room, len(number)), (name, cell)
        if len(codes) >= 4:
            assert {SeatState.FREE, SeatState.YOURS, SeatState.HELD, SeatState.SOLD} <= drawn
