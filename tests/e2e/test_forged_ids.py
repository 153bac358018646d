"""Ids in callback data are parsed with one bounded schema (domain.links.parse_id):
a superscript digit, 23 digits, a sign or leading zeros is "not valid", never a
crash in int() or an overflow in the database driver."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import buttons, press, reserve_one_seat, start

FORGED_IDS = ["²", "1²", "9" * 23, "2147483648", "-1", "0012", "+5", "1_0", " 1"]


def _intent(message: dict) -> str:
    return buttons(message)[0]["callback_data"].split("\x1d")[0]


@pytest.mark.parametrize("forged", FORGED_IDS)
async def test_forged_ids_in_lists_are_refused(playground, cinema_db, forged, caplog):
    url, client, _ = playground
    caplog.set_level(logging.WARNING)
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await reserve_one_seat(client, ann)
        chat = ann["id"]
        await client.send_text(chat, "/mybookings", user_id=chat)
        mine = await client.wait_for_text(chat, "upcoming bookings")
        answer = await client.click(chat, mine["message_id"], f"{_intent(mine)}\x1dku:{forged}", user_id=chat, forge=True)
        assert answer["answered"] and "not valid" in (answer["text"] or ""), answer
        await start(client, ann)
        await press(client, ann, "🎬 Now showing")
        listing = await client.wait_for_text(chat, "Now showing:")
        answer = await client.click(chat, listing["message_id"], f"{_intent(listing)}\x1dm:{forged}", user_id=chat, forge=True)
        assert answer["answered"] and "not valid" in (answer["text"] or ""), answer
        transcript = await client.transcript(chat)
        assert not any("Something went wrong" in (m.get("text") or "") for m in transcript)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
