from domain.hall import Hall, RowSpec
from domain.seatmap import SeatState, best_seats, build_seat_map


def hall(*rows, blocked=()):
    return Hall(None, "h", "Hall", tuple(RowSpec(label, places) for label, places in rows), frozenset(blocked))


def test_states_from_the_point_of_view_of_one_customer():
    h = hall(("A", "ssss"), blocked=["A-4"])
    m = build_seat_map(h, sold={"A-1": 7, "A-2": 8}, holders={"A-3": "me"}, owner="me", customer_id=7)
    assert m.states == {
        "A-1": SeatState.YOURS,
        "A-2": SeatState.SOLD,
        "A-3": SeatState.YOURS,
        "A-4": SeatState.BLOCKED,
    }
    other = build_seat_map(h, sold={}, holders={"A-3": "me"}, owner="you", customer_id=9)
    assert other.state("A-3") is SeatState.HELD and other.free_count() == 2


def test_best_seats_are_central_and_adjacent():
    h = hall(*[(chr(65 + i), "ssssssss") for i in range(10)])
    choice = best_seats(h, set(h.seats), 2)
    # About two thirds back (row G of A-J), in the middle of the row.
    assert choice == ["G-4", "G-5"]


def test_best_seats_never_cross_an_aisle():
    h = hall(("A", "sss_sss"))
    available = {"A-2", "A-3", "A-4", "A-5"}
    choice = best_seats(h, available, 4)
    assert choice is None
    assert best_seats(h, available, 2) in (["A-2", "A-3"], ["A-4", "A-5"])


def test_best_seats_avoid_a_lone_empty_seat():
    h = hall(("A", "sssss"))
    # Free: A-1..A-4 (A-5 sold). Taking would strand.
    available = {"A-1", "A-2", "A-3", "A-4"}
    choice = best_seats(h, available, 2)
    assert choice in (["A-1", "A-2"], ["A-3", "A-4"])


def test_best_seats_keep_couches_whole_and_skip_special_seats():
    h = hall(("A", "ddss"), ("B", "wcss"))
    avail = set(h.seats)
    assert best_seats(h, avail, 1) in (["A-3"], ["A-4"], ["B-3"], ["B-4"])
    # A-2..A-4 would split the couch; B has only two ordinary seats.
    assert best_seats(h, avail, 3) == ["A-1", "A-2", "A-3"]
    # Wheelchair and companion places are never suggested.
    for n in range(1, 5):
        pick = best_seats(h, avail, n) or []
        assert "B-1" not in pick and "B-2" not in pick


def test_best_seats_none_when_full():
    h = hall(("A", "ss"))
    assert best_seats(h, {"A-1"}, 2) is None
