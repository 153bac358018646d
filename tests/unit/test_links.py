"""The one grammar of deep links and ids: what parses, what is refused, round trips."""

from __future__ import annotations

import pytest

from domain.links import MAX_ID, DeepLink, LinkKind, link_payload, parse_id, parse_link


@pytest.mark.parametrize(
    ("payload", "link"),
    [("show_12", DeepLink(LinkKind.SHOW, 12)), ("movie_1", DeepLink(LinkKind.MOVIE, 1)),
     ("paid_7", DeepLink(LinkKind.PAID, 7)), ("unpaid_2147483647", DeepLink(LinkKind.UNPAID, MAX_ID))],
)
def test_links_parse(payload, link):
    assert parse_link(payload) == link and link_payload(link.kind, link.id) == payload


@pytest.mark.parametrize(
    "payload",
    [None, "", "show", "show_", "show_0", "show_012", "show_²", "show_1²", "show_2147483648", "show_" + "9" * 23,
     "show_-1", "show_+1", "show_1_2", "SHOW_1", "seat_1", "show_1 ", "x" * 65, "show_1\n", "paid_١٢"],
)
def test_anything_else_is_no_link(payload):
    assert parse_link(payload) is None


@pytest.mark.parametrize("text", ["²", "0", "-1", "+1", "1_0", " 1", "1.0", "1e3", "2147483648", "9" * 23, "", "١"])
def test_ids_are_ascii_bounded(text):
    assert parse_id(text) is None


def test_building_a_link_refuses_what_would_not_parse():
    with pytest.raises(ValueError):
        link_payload(LinkKind.SHOW, 0)
    with pytest.raises(ValueError):
        link_payload(LinkKind.PAID, MAX_ID + 1)
