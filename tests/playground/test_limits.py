"""Telegram's limits, enforced with Telegram's error texts."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from playground.client import PlaygroundClient
from playground.telegram import Limits
from playground.telegram.errors import ApiError
from playground.telegram.limits import FloodControl, Rule
from tests.playground.helpers import FakeClock, Telegram, png


def rows(*sizes: int, data: str = "s") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=f"{r}{c}", callback_data=f"{data}{r}.{c}") for c in range(n)]
        for r, n in enumerate(sizes)])


def button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]])


async def test_callback_data_is_counted_in_bytes(bot: Bot, ann: dict) -> None:
    await bot.send_message(ann["id"], "ok", reply_markup=button("é" * 32))  # 64 bytes
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(ann["id"], "too long", reply_markup=button("é" * 32 + "x"))
    assert refused.value.message == "Bad Request: BUTTON_DATA_INVALID"
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ann["id"], "65 ascii bytes", reply_markup=button("x" * 65))


async def test_buttons_per_row_and_in_all(bot: Bot, ann: dict) -> None:
    await bot.send_message(ann["id"], "8 in a row, 100 in all", reply_markup=rows(*[8] * 12, 4))
    with pytest.raises(TelegramBadRequest, match="too many inline keyboard buttons in a row"):
        await bot.send_message(ann["id"], "9 in a row", reply_markup=rows(9))
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(ann["id"], "101 buttons", reply_markup=rows(*[8] * 12, 5))
    assert refused.value.message == "Bad Request: reply markup is too long"


async def test_markup_size_in_bytes(bot: Bot, ann: dict) -> None:
    wide = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text="€" * 60, callback_data=f"d{r}{c}") for c in range(5)]
        for r in range(12)])  # 60 buttons, ~11 KB of JSON
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(ann["id"], "wide", reply_markup=wide)


async def test_text_and_caption_lengths(bot: Bot, ann: dict) -> None:
    await bot.send_message(ann["id"], "x" * 4096)
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(ann["id"], "x" * 4097)
    assert refused.value.message == "Bad Request: message is too long"
    # The limit applies to the text after entity parsing.
    await bot.send_message(ann["id"], "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    photo = BufferedInputFile(png(4, 4), "p.png")
    await bot.send_photo(ann["id"], photo, caption="c" * 1024)
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_photo(ann["id"], photo, caption="c" * 1025)
    assert refused.value.message == "Bad Request: message caption is too long"
    sent = await bot.send_message(ann["id"], "short")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.edit_message_text("y" * 4097, chat_id=ann["id"], message_id=sent.message_id)


async def test_callback_answer_length_and_single_answer(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    sent = await bot.send_message(ann["id"], "Pick", reply_markup=button("a"))
    first = await client.click(ann["id"], sent.message_id, "a", wait=0)
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(first["id"], text="n" * 201)
    assert await bot.answer_callback_query(first["id"], text="n" * 200) is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(first["id"])
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")


async def test_an_unanswered_query_expires(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    sent = await bot.send_message(ann["id"], "Pick", reply_markup=button("a"))
    clicked = await client.click(ann["id"], sent.message_id, "a", wait=0)
    telegram.clock.advance(telegram.server.limits.callback_answer_timeout + 1)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(clicked["id"])


async def test_a_burst_into_one_chat_gets_429(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    burst = int(telegram.server.limits.private_chat_burst)
    for n in range(burst):
        await bot.send_message(ann["id"], f"message {n}")
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(ann["id"], "one too many")
    assert flood.value.retry_after >= 1
    assert "Too Many Requests: retry after" in flood.value.message
    # Edits in a private chat do not count; another chat has its own bucket.
    sent_id = (await client.transcript(ann["id"]))[-1]["message_id"]
    await bot.edit_message_text("edited", chat_id=ann["id"], message_id=sent_id)
    bob = await client.create_user("Bob")
    await client.send_text(bob["id"], "/start")
    await bot.send_message(bob["id"], "hello Bob")
    # After retry_after seconds the chat accepts messages again.
    telegram.clock.advance(flood.value.retry_after)
    await bot.send_message(ann["id"], "after waiting")
    summary = await client.calls_summary()
    assert summary["by_method"]["sendMessage"] == {"ok": burst + 2, "429": 1}
    refused = await client.calls(method="sendMessage")
    assert [c["retry_after"] for c in refused if not c["ok"]] == [flood.value.retry_after]


@pytest.mark.parametrize("limits", [Limits(group_chat_burst=3, group_chat_rate=20 / 60)])
async def test_group_limit_counts_edits(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    group = await client.create_group("Friends", [ann["id"]])
    card = await bot.send_message(group["id"], "Card v1")
    await bot.edit_message_text("Card v2", chat_id=group["id"], message_id=card.message_id)
    await bot.send_message(group["id"], "Second")
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.edit_message_text("Card v3", chat_id=group["id"], message_id=card.message_id)
    assert flood.value.retry_after == 3  # 20 a minute: one every 3 seconds
    telegram.clock.advance(3)
    await bot.edit_message_text("Card v3", chat_id=group["id"], message_id=card.message_id)


@pytest.mark.parametrize("limits", [Limits(global_rate=3, global_burst=3, private_chat_burst=10)])
async def test_global_limit_across_chats(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    users = [await client.create_user(f"U{n}") for n in range(4)]
    for user in users:
        await client.send_text(user["id"], "/start")
    for user in users[:3]:
        await bot.send_message(user["id"], "news")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[3]["id"], "news")


async def test_limits_can_be_changed_at_run_time(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    changed = await client.set_limits(private_chat_rate=0, max_text_length=10)
    assert changed["private_chat_rate"] == 0
    for n in range(20):  # rate 0 switches the per-chat bucket off
        await bot.send_message(ann["id"], f"n{n}")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ann["id"], "x" * 11)


def test_token_bucket_refills_with_the_clock() -> None:
    clock = FakeClock()
    flood = FloodControl(clock)
    rule = Rule("chat", rate=1.0, burst=2)
    flood.take([rule])
    flood.take([rule])
    with pytest.raises(ApiError) as refused:
        flood.take([rule])
    assert (refused.value.code, refused.value.retry_after) == (429, 1)
    clock.advance(0.5)
    with pytest.raises(ApiError):
        flood.take([rule])
    clock.advance(0.5)
    flood.take([rule])


def test_a_refused_call_takes_no_token_from_other_buckets() -> None:
    clock = FakeClock()
    flood = FloodControl(clock)
    empty, full = Rule("a", rate=1.0, burst=1), Rule("b", rate=1.0, burst=1)
    flood.take([empty])
    with pytest.raises(ApiError):
        flood.take([empty, full])
    flood.take([full])
