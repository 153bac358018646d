"""Views of a hall fit Telegram's inline keyboards, cover every seat once, and show
the right symbol for each state."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.seatmap.layout import (
    MAX_ROW_BUTTONS,
    SeatSymbols,
    neighbours,
    plan_views,
    render_view,
    seat_item_ok,
    view_of_seat,
    views_with_free,
)
from domain.hall import Hall, RowSpec
from domain.seatmap import SeatState, build_seat_map
from infrastructure.catalog import load_catalog

CATALOG = Path(__file__).resolve().parents[2] / "examples" / "cinema.yaml"
# aiogram-dialog's callback data: "<intent id>\x1d<widget id>:<item>".
WORST_PREFIX = "I" * 10 + "\x1d" + "sg" + ":"


def hall(*rows: tuple[str, str], blocked: tuple[str, ...] = (), ref: str = "h") -> Hall:
    return Hall(None, ref, "Hall", tuple(RowSpec(label, places) for label, places in rows), frozenset(blocked))


def labels(count: int) -> list[str]:
    return [chr(65 + i) if i < 26 else f"Z{i}" for i in range(count)]


def synthetic_halls() -> dict[str, Hall]:
    return {
        "40 wide, no aisle": hall(*[(r, "s" * 40) for r in labels(6)]),
        "30 rows": hall(*[(r, "sssss_ssssssss_sssss") for r in labels(30)]),
        "couches only": hall(*[(r, "dddddddddddddddddddd_dddddd") for r in labels(12)]),
        "gaps": hall(
            ("A", "..ssss.._..ss"), ("B", ".ssssss._.sss"), ("C", "ssss.sss_ssss"), ("D", "........_ssss"),
            ("E", "ssssssss_...."), blocked=("C-2",),
        ),
        "aisles not lined up": hall(("A", "ssss_ssss"), ("B", "sss_sssss"), ("C", "sssssssss")),
        "one seat": hall(("A", "s")),
        "long labels": hall(*[(f"R{i:02d}", "s" * 12 + "_" + "s" * 12) for i in range(1, 14)]),
    }


def all_halls() -> dict[str, Hall]:
    halls = {h.ref: h for h in load_catalog(CATALOG).halls}
    assert set(halls) == {"palast", "studio", "kinobar"}
    return halls | synthetic_halls()


HALLS = all_halls()


@pytest.fixture(params=sorted(HALLS), name="any_hall")
def any_hall_fixture(request: pytest.FixtureRequest) -> Hall:
    return HALLS[request.param]


@pytest.mark.parametrize("budget", [72, 40, 8, 100])
def test_every_view_fits_a_keyboard(any_hall: Hall, budget: int) -> None:
    for view in plan_views(any_hall, max_seat_buttons=budget):
        assert view.grid, "no empty views"
        assert all(view.grid), "no empty keyboard rows"
        assert all(len(row) <= MAX_ROW_BUTTONS for row in view.grid)
        assert view.buttons <= budget
        # Every keyboard row has as many buttons as the others, so columns line up.
        assert len({len(row) for row in view.grid}) == 1
        # No column of spacers only.
        assert all(any(row[i] for row in view.grid) for i in range(len(view.grid[0])))


def test_every_seat_is_in_exactly_one_view(any_hall: Hall) -> None:
    views = plan_views(any_hall)
    shown = [code for view in views for code in view.seat_codes]
    assert sorted(shown) == sorted(any_hall.seats)
    for code in any_hall.seats:
        assert code in views[view_of_seat(views, code)]


def test_views_are_stable_and_ordered(any_hall: Hall) -> None:
    views = plan_views(any_hall)
    again = plan_views(Hall(None, any_hall.ref, any_hall.name, any_hall.rows, any_hall.blocked))
    assert views == again
    assert [v.index for v in views] == list(range(len(views)))
    order = [(v.band, v.block, v.part) for v in views]
    assert order == sorted(order) and len(set(order)) == len(order)
    for view in views:
        assert list(view.row_indices) == sorted(view.row_indices)
        assert list(view.columns) == sorted(view.columns)


def test_callback_data_fits_in_64_bytes(any_hall: Hall) -> None:
    for view in plan_views(any_hall):
        for code in view.seat_codes:
            assert seat_item_ok(code)
            assert len((WORST_PREFIX + code).encode()) <= 64


def test_the_big_hall_is_shown_by_block_in_two_bands() -> None:
    views = plan_views(HALLS["palast"])
    assert [(v.rows_label, v.seats_label, v.block) for v in views] == [
        ("A–H", "1–7", 0), ("A–H", "8–15", 1), ("A–H", "16–22", 2),
        ("J–P", "1–7", 0), ("J–P", "8–15", 1), ("J–P", "16–22", 2),
    ]
    assert [v.buttons for v in views] == [56, 64, 56, 49, 56, 49]
    # Room left for the window's own buttons.
    assert max(v.buttons for v in views) <= 100 - 28
    assert neighbours(views, 1) == (0, 2, None, 4)
    assert neighbours(views, 3) == (None, 4, 0, None)


def test_a_wide_block_is_cut_into_even_column_slices() -> None:
    views = plan_views(HALLS["40 wide, no aisle"])
    assert {v.parts for v in views} == {5}
    assert [v.seats_label for v in views if v.band == 0] == ["1–8", "9–16", "17–24", "25–32", "33–40"]


def test_couch_pairs_stay_in_one_view() -> None:
    h = HALLS["couches only"]
    views = plan_views(h)
    for code, seat in h.seats.items():
        assert view_of_seat(views, code) == view_of_seat(views, seat.couch_partner)
    assert max(len(row) for v in views for row in v.grid) <= MAX_ROW_BUTTONS


def test_gaps_become_spacers_only_to_keep_columns_aligned() -> None:
    h = HALLS["gaps"]
    views = plan_views(h)
    left = views[0]
    # Row D has no seat in the left block: dropped. The gap in C keeps C-5..C-7
    # under B-5..B-7; columns 0 and 7 are kept because B and C have seats there.
    assert left.row_labels == ("A", "B", "C", "E")
    assert left.grid[0] == (None, None, "A-1", "A-2", "A-3", "A-4", None, None)
    assert left.grid[2] == ("C-1", "C-2", "C-3", "C-4", None, "C-5", "C-6", "C-7")
    right = views[1]
    assert right.row_labels == ("A", "B", "C", "D")


def test_studio_couch_row_keeps_alignment_with_a_spacer() -> None:
    views = plan_views(HALLS["studio"])
    back_left = views[view_of_seat(views, "K-1")]
    assert back_left.grid[-1] == ("K-1", "K-2", "K-3", "K-4", "K-5", "K-6", None)
    assert back_left.seats_label == "1–7" and back_left.rows_label == "F–K"


def test_render_view_shows_a_symbol_per_state() -> None:
    h = hall(("A", "wcs.vdd_s"), ("B", "sssssss_s"), blocked=("B-7",))
    seat_map = build_seat_map(
        h, sold={"B-1": 9, "B-2": 1}, holders={"B-3": "other", "B-4": "me"}, owner="me", customer_id=1
    )
    views = plan_views(h)
    cells = {c.seat_code or f"#{i}.{j}": c for v in views for i, row in enumerate(render_view(seat_map, v)) for j, c in enumerate(row)}
    by_seat = {c.seat_code: c for c in cells.values() if c.seat_code}
    # Seven buttons share a phone's row here: no room for a kind's mark beside a
    # name, so a free seat keeps its name ("A1", never a cut "♿…").
    assert [by_seat[f"A-{n}"].text for n in range(1, 7)] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert by_seat["B-2"].text == "✅" and by_seat["B-2"].state is SeatState.YOURS  # your booking
    assert by_seat["B-3"].text == "⏳" and by_seat["B-4"].text == "✅"
    # A sold seat can be pressed (it is explained as a seat just taken is); a
    # blocked one cannot, and its button carries no seat.
    assert by_seat["B-1"].text == "✖" and by_seat["B-1"].state is SeatState.SOLD
    [blocked] = [c for c in cells.values() if c.state is SeatState.BLOCKED]
    assert blocked.seat_code is None and blocked.text == "·B7"  # "·" and its name fit in three
    assert not [c for c in cells.values() if c.seat_code is None and c.state not in (None, SeatState.BLOCKED)]
    spacers = [c for c in cells.values() if c.state is None]
    assert spacers and all(c.text == "\u2800" and c.seat_code is None for c in spacers)
    # Every button has visible, short text.
    assert all(c.text.strip() and len(c.text) <= 6 for c in cells.values())


def test_render_view_marks_kinds_and_states_beside_the_name_where_there_is_room() -> None:
    h = hall(("A", "wcvdd"), ("B", "sssss"))
    seat_map = build_seat_map(h, sold={"B-1": 9, "B-2": 1}, holders={"B-3": "other"}, owner="me", customer_id=1)
    [view] = plan_views(h)  # five buttons a row: room for a mark and a name
    by_seat = {c.seat_code: c for row in render_view(seat_map, view) for c in row if c.seat_code}
    assert [by_seat[f"A-{n}"].text for n in range(1, 6)] == ["♿A1", "🤝A2", "💺A3", "🛋A4", "🛋A5"]
    assert [by_seat[f"B-{n}"].text for n in range(1, 6)] == ["✖B1", "✅B2", "⏳B3", "B4", "B5"]


def test_render_view_takes_other_symbols() -> None:
    h = hall(("F", "svs"))
    seat_map = build_seat_map(h, sold={"F-1": 2}, holders={}, owner=None, customer_id=None)
    symbols = SeatSymbols(vip="V", sold="x")
    [row] = render_view(seat_map, plan_views(h)[0], symbols)
    assert [c.text for c in row] == ["xF1", "VF2", "F3"]


def test_views_with_free_counts_free_seats_per_view() -> None:
    h = HALLS["kinobar"]
    sold = {code: 1 for code in ("A-1", "A-6", "B-7")}
    seat_map = build_seat_map(h, sold=sold, holders={"C-1": "x"}, owner=None, customer_id=None)
    assert views_with_free(seat_map, plan_views(h)) == [28, 28]


def test_view_of_an_unknown_seat_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        view_of_seat(plan_views(HALLS["kinobar"]), "Z-1")


@pytest.mark.parametrize("code", ["F-12", "A-1", "ABC-999", "1-1", "K-14"])
def test_seat_items_of_the_right_shape_pass(code: str) -> None:
    assert seat_item_ok(code)


@pytest.mark.parametrize(
    "item",
    ["", "F-12\n", "F-0", "F-012", "f-1", "F-1000", "ABCD-1", "F_1", "F–1", "Ф-1", "F-1;drop", " F-1", None, 12],
)
def test_forged_seat_items_are_refused(item: object) -> None:
    assert not seat_item_ok(item)


@pytest.mark.parametrize("kwargs", [{"max_row": 9}, {"max_row": 0}, {"max_seat_buttons": 101}, {"max_seat_buttons": 0}])
def test_limits_beyond_telegram_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        plan_views(HALLS["kinobar"], **kwargs)
