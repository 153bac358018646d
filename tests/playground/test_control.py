"""The control API: users, groups, clicks, transcripts, events and the call log."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update

from playground.client import PlaygroundClient, PlaygroundError
from tests.playground.helpers import BOT_ID, Telegram


def seats() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="A1", callback_data="s:A1"),
        InlineKeyboardButton(text="Site", url="https://example.org/"),
    ]])


async def test_a_click_must_match_a_button_unless_forged(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    sent = await bot.send_message(ann["id"], "Seats", reply_markup=seats())
    with pytest.raises(PlaygroundError) as refused:
        await client.click(ann["id"], sent.message_id, "s:Z9")
    assert refused.value.status == 400
    forged = await client.click(ann["id"], sent.message_id, "s:Z9", forge=True, wait=0)
    assert (forged["forged"], forged["data"], forged["answered"]) == (True, "s:Z9", False)
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.data == "s:Z9"
    assert query.message is not None and query.message.message_id == sent.message_id
    await bot.answer_callback_query(query.id, text="Nice try", show_alert=True)
    answer = await client.callback(forged["id"])
    assert (answer["answered"], answer["text"], answer["show_alert"]) == (True, "Nice try", True)
    with pytest.raises(PlaygroundError) as missing:
        await client.click(ann["id"], 999, "s:A1")
    assert missing.value.status == 404


async def test_events_long_poll_returns_new_events(client: PlaygroundClient) -> None:
    start = await client.events()
    waiting = asyncio.create_task(client.events(after=start["last_seq"], timeout=5))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    user = await client.create_user("Late")
    found = await asyncio.wait_for(waiting, 2)
    assert [e["type"] for e in found["events"]] == ["user.created"]
    assert found["events"][0]["user"]["id"] == user["id"]
    assert found["last_seq"] == found["events"][0]["seq"] > start["last_seq"]
    empty = await client.events(after=found["last_seq"], timeout=0.05)
    assert empty["events"] == [] and empty["last_seq"] == found["last_seq"]


async def test_chat_wait_and_message_events(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    state = await client.chat_state(ann["id"])
    waiting = asyncio.create_task(client.wait_chat(ann["id"], after_seq=state["last_seq"]))
    await asyncio.sleep(0.05)
    sent = await bot.send_message(ann["id"], "News")
    await bot.edit_message_text("News!", chat_id=ann["id"], message_id=sent.message_id)
    first = await asyncio.wait_for(waiting, 2)
    assert first["events"][0]["type"] == "message.new"
    assert first["events"][0]["message"]["text"] == "News"
    later = await client.wait_chat(ann["id"], after_seq=first["last_seq"], timeout=1)
    assert [(e["type"], e["message"]["text"]) for e in later["events"]] == [
        ("message.edited", "News!")]


async def test_websocket_streams_events(telegram: Telegram, client: PlaygroundClient) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{telegram.url}/control/ws?after=0") as socket:
            await client.create_user("Streamed")
            event = await asyncio.wait_for(socket.receive_json(), 2)
            assert event["type"] == "user.created"
            assert event["user"]["first_name"] == "Streamed"


async def test_group_messages_need_membership(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    bob, eve = await client.create_user("Bob"), await client.create_user("Eve")
    group = await client.create_group("Friends", [ann["id"], bob["id"]])
    assert group["id"] < 0 and group["bot_ids"] == [BOT_ID]
    with pytest.raises(PlaygroundError) as outsider:
        await client.send_text(group["id"], "/book", user_id=eve["id"])
    assert outsider.value.status == 403
    sent = await client.send_text(group["id"], "/book", user_id=bob["id"])
    updates = await bot.get_updates()
    message = [u.message for u in updates if u.message and u.message.chat.id == group["id"]][0]
    assert message.from_user is not None and message.from_user.id == bob["id"]
    assert message.message_id == sent["message"]["message_id"]
    transcript = await client.transcript(group["id"])
    assert [m["text"] for m in transcript] == ["/book"]


async def test_the_call_log_counts_sends_edits_and_errors(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    sent = await bot.send_message(ann["id"], "one")
    await bot.edit_message_text("two", chat_id=ann["id"], message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest):
        await bot.edit_message_text("two", chat_id=ann["id"], message_id=sent.message_id)
    calls = await client.calls(chat_id=ann["id"])
    assert [(c["method"], c["ok"], c["error_code"]) for c in calls] == [
        ("sendMessage", True, None), ("editMessageText", True, None),
        ("editMessageText", False, 400)]
    summary = await client.calls_summary(chat_id=ann["id"])
    assert summary["by_method"] == {"sendMessage": {"ok": 1},
                                    "editMessageText": {"ok": 1, "400": 1}}


async def test_control_errors(client: PlaygroundClient) -> None:
    with pytest.raises(PlaygroundError) as unknown_limit:
        await client.set_limits(no_such_limit=1)
    assert unknown_limit.value.status == 400
    with pytest.raises(PlaygroundError) as no_name:
        await client.create_user("")
    assert no_name.value.status == 400
    user = await client.create_user("Ann", user_id=555)
    assert user["id"] == 555
    with pytest.raises(PlaygroundError) as taken:
        await client.create_user("Other", user_id=555)
    assert taken.value.status == 409


async def test_register_bot_before_it_starts(telegram: Telegram) -> None:
    async with PlaygroundClient(telegram.url) as client:
        created = await client.register_bot("99:abc", username="hall_bot", privacy_mode=False)
        assert (created["id"], created["username"], created["can_read_all_group_messages"]) == (
            99, "hall_bot", True)
        ann = await client.create_user("Ann")
        sent = await client.send_text(ann["id"], "hi")  # the only bot is the default
        update = Update.model_validate((await client.pending_updates(99))[0])
        assert update.update_id == sent["update_id"]
