import pytest

from domain.hall import Hall, LayoutError, RowSpec, SeatKind


def hall(*rows, blocked=()):
    return Hall(None, "h", "Hall", tuple(RowSpec(label, places) for label, places in rows), frozenset(blocked))


def test_numbering_blocks_and_kinds():
    h = hall(("A", "..ssss.."), ("B", "wc_ssss_vv"))
    assert [s.code for s in h.row_seats(0)] == ["A-1", "A-2", "A-3", "A-4"]
    b = {s.code: s for s in h.row_seats(1)}
    assert b["B-1"].kind is SeatKind.WHEELCHAIR and b["B-2"].kind is SeatKind.COMPANION
    assert (b["B-1"].block, b["B-3"].block, b["B-7"].block) == (0, 1, 2)
    assert b["B-7"].kind is SeatKind.VIP
    assert h.capacity == 12 and h.blocks() == 3


def test_couches_pair_up():
    h = hall(("A", "dddd"))
    assert h.seat("A-1").couch_partner == "A-2"
    assert h.seat("A-4").couch_partner == "A-3"


@pytest.mark.parametrize(
    "rows, message",
    [
        ((("A", "ddd"),), "couch seat A-3 has no partner"),
        ((("A", "d_d"),), "couch seat A-1 has no partner"),
        ((("A", "sx"),), "row A, place 2: unknown character 'x'"),
        ((("A", "ss"), ("A", "ss")), "duplicate row label"),
        ((("a", "ss"),), "label must be"),
        ((("A", "__"),), "at least one seat"),
    ],
)
def test_bad_layouts_name_the_place(rows, message):
    with pytest.raises(LayoutError, match=message):
        hall(*rows)


def test_blocked_seats_are_not_for_sale():
    h = hall(("A", "ssss"), blocked=["A-2"])
    assert h.seat("A-2").blocked and h.capacity == 3
    with pytest.raises(LayoutError, match="A-9"):
        hall(("A", "ssss"), blocked=["A-9"])


def test_equal_layouts_share_one_parse_that_cannot_be_changed():
    first = hall(("A", "ss_dd"), blocked=["A-1"])
    again = hall(("A", "ss_dd"), blocked=["A-1"])
    assert first.layout is again.layout and first == again
    assert hall(("A", "ss_dd")).layout is not first.layout
    with pytest.raises(TypeError):
        first.seats["A-9"] = first.seat("A-2")  # type: ignore[index]
    # A copy (the fakes copy what they store) keeps the same parse.
    import copy

    assert copy.deepcopy(first).layout is first.layout
    assert [s.code for s in first.row_seats(0)] == ["A-1", "A-2", "A-3", "A-4"]
    assert first.row_seats(5) == []
