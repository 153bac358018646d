"""Deep-link payloads, ids in callback data and seat items: whatever the text, the
parsers answer (never raise) and accept only the canonical spelling."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dialogs.booking.browse import movies_window, showtimes_window
from dialogs.my_bookings import my_bookings_dialog
from dialogs.seatmap import seat_item_ok
from domain.links import MAX_ID, DeepLink, LinkKind, link_payload, parse_id, parse_link
from tests.fuzz.strategies import TRICKY_CHARS, tricky_text

kinds = st.sampled_from(list(LinkKind))
ids = st.integers(min_value=1, max_value=MAX_ID)
out_of_range = st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_ID + 1))


def payload_like() -> st.SearchStrategy[str]:
    """Payloads close to valid ones: a kind (or a near miss), a separator, an id-ish tail."""
    prefix = st.one_of(kinds.map(str), st.sampled_from(["SHOW", "Show", "seat", "", "show_show", "paid "]))
    sep = st.sampled_from(["_", "-", "", "__", " ", "_\n"])
    return st.tuples(prefix, sep, tricky_text(20)).map("".join)


def _canonical_id(text: str) -> bool:
    """ASCII digits, no leading zero, within 1..MAX_ID: written independently of parse_id."""
    if not text or len(text) > 10 or text[0] == "0" or any(c not in string.digits for c in text):
        return False
    return int(text) <= MAX_ID


@given(st.one_of(st.none(), tricky_text(80), payload_like()))
@example("show_2147483647")
@example("show_2147483648")
@example("unpaid_1" + "\n")
def test_any_payload_is_a_link_that_round_trips_or_none(payload: str | None) -> None:
    link = parse_link(payload)
    if link is None:
        return
    assert isinstance(link, DeepLink)
    assert link.payload == payload  # exactly the text that came in: nothing was tolerated
    assert 1 <= link.id <= MAX_ID and parse_link(link.payload) == link


@given(kinds, ids)
def test_links_built_from_a_kind_and_an_id_parse_back(kind: LinkKind, value: int) -> None:
    payload = link_payload(kind, value)
    assert payload == f"{kind}_{value}" and len(payload) <= 64
    assert parse_link(payload) == DeepLink(kind, value)


@given(kinds, out_of_range)
def test_ids_out_of_range_make_no_link(kind: LinkKind, value: int) -> None:
    assert parse_link(f"{kind}_{value}") is None
    with pytest.raises(ValueError):
        link_payload(kind, value)


@given(tricky_text(30))
@example("²")
@example("0" + str(MAX_ID))
def test_any_text_is_a_canonical_id_or_none(text: str) -> None:
    value = parse_id(text)
    if _canonical_id(text):
        assert value == int(text)
    else:
        assert value is None


@given(ids)
def test_every_id_in_range_is_accepted(value: int) -> None:
    assert parse_id(str(value)) == value


@given(st.one_of(st.none(), st.integers(), st.binary(max_size=12), st.floats()))
def test_what_is_not_text_is_no_id(value: object) -> None:
    assert parse_id(value) is None  # type: ignore[arg-type]


# The Select widgets that take ids from callback data must parse them with parse_id.
_ID_SELECTS = [movies_window.find("m"), showtimes_window.find("t"), *(
    my_bookings_dialog().find(widget) for widget in ("ku", "kp")
)]


@pytest.mark.parametrize("widget", _ID_SELECTS, ids=lambda w: w.widget_id)
def test_id_selects_parse_callback_items_with_the_bounded_parser(widget) -> None:  # type: ignore[no-untyped-def]
    @given(tricky_text(30))
    def check(item: str) -> None:
        assert widget.type_factory(item) == parse_id(item)

    check()


# --- seat items ---------------------------------------------------------------------

ROW_CHARS = string.ascii_uppercase + string.digits


def _seat_shape(item: object) -> bool:
    """Row label of 1-3 capitals or digits, a dash, a seat number 1..999 with no
    leading zero; written without the app's regex so that the two can disagree."""
    if not isinstance(item, str):
        return False
    row, dash, number = item.partition("-")
    return (
        dash == "-"
        and 1 <= len(row) <= 3
        and all(c in ROW_CHARS for c in row)
        and 1 <= len(number) <= 3
        and all(c in string.digits for c in number)
        and number[0] != "0"
    )


valid_seats = st.tuples(st.text(ROW_CHARS, min_size=1, max_size=3), st.integers(1, 999)).map(
    lambda p: f"{p[0]}-{p[1]}"
)
near_seats = st.tuples(
    st.text(ROW_CHARS + "abcФ" + TRICKY_CHARS, min_size=0, max_size=4),
    st.sampled_from(["-", "–", "_", "", "--"]),
    tricky_text(6),
).map("".join)


@given(st.one_of(valid_seats, near_seats, tricky_text(20), st.none(), st.integers()))
@example("F-12\n")
@example("A-²")
@example("A-１")
def test_seat_items_are_accepted_only_in_the_canonical_shape(item: object) -> None:
    ok = seat_item_ok(item)
    assert isinstance(ok, bool)
    assert ok == _seat_shape(item)


@given(valid_seats)
def test_every_canonical_seat_item_is_accepted_and_fits_callback_data(code: str) -> None:
    assert seat_item_ok(code) and len(code.encode()) <= 7
