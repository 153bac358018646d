"""A real aiogram Dispatcher polling the playground."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from playground.client import PlaygroundClient
from tests.playground.helpers import TOKEN, Telegram


def cinema_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        seats = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text="A1", callback_data="seat:A1"),
            InlineKeyboardButton(text="A2", callback_data="seat:A2"),
        ]])
        await message.answer(f"Welcome ({command.args}). Pick a seat", reply_markup=seats)

    @dp.callback_query(F.data.startswith("seat:"))
    async def seat(query: CallbackQuery) -> None:
        assert query.data is not None and isinstance(query.message, Message)
        await query.answer(f"Held {query.data[5:]}")
        await query.message.edit_text(f"{query.data[5:]} is yours")

    return dp


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    dp = cinema_dispatcher()
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5))
    await asyncio.sleep(0)
    yield dp
    await dp.stop_polling()
    await task


async def test_a_text_reaches_the_dispatcher_and_a_click_edits_the_message(
    polling: Dispatcher, client: PlaygroundClient
) -> None:
    ann = await client.create_user("Ann")
    await client.send_text(ann["id"], "/start promo42")
    menu = await client.wait_for_text(ann["id"], "Pick a seat")
    assert menu["text"] == "Welcome (promo42). Pick a seat"

    answer = await client.click_button(ann["id"], "A2")
    assert (answer["answered"], answer["text"], answer["show_alert"]) == (True, "Held A2", False)
    edited = await client.wait_for_text(ann["id"], "is yours")
    assert edited["message_id"] == menu["message_id"]
    assert (edited["text"], edited["edit_count"], edited["reply_markup"]) == ("A2 is yours", 1, None)
    summary = await client.calls_summary()
    assert summary["by_method"]["sendMessage"] == {"ok": 1}
    assert summary["by_method"]["editMessageText"] == {"ok": 1}
    assert "429" not in summary["outcomes"]


async def test_offsets_confirm_updates_as_on_telegram(bot: Bot, client: PlaygroundClient) -> None:
    ann = await client.create_user("Ann")
    ids = [(await client.send_text(ann["id"], f"m{n}"))["update_id"] for n in range(3)]
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == ids[:2]
    assert [u.update_id for u in await bot.get_updates()] == ids  # nothing confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[0])] == ids[1:]  # forgotten
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1) == []


async def test_long_poll_waits_for_the_next_update(bot: Bot, client: PlaygroundClient) -> None:
    ann = await client.create_user("Ann")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await client.send_text(ann["id"], "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "hello"


async def test_allowed_updates_filters_what_is_queued(bot: Bot, client: PlaygroundClient) -> None:
    ann = await client.create_user("Ann")
    await bot.get_updates(allowed_updates=["callback_query"])
    sent = await client.send_text(ann["id"], "ignored")
    assert sent["update_id"] is None
    await bot.get_updates(allowed_updates=[])
    assert (await client.send_text(ann["id"], "seen"))["update_id"] is not None


async def test_a_second_poller_terminates_the_first(telegram: Telegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{telegram.url}/bot{TOKEN}/getUpdates",
                             data={"timeout": "0"}) as response:
            assert (await response.json())["result"] == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)


async def test_updates_parse_as_aiogram_objects(bot: Bot, client: PlaygroundClient) -> None:
    ann = await client.create_user("Ann", last_name="Lee", username="annlee")
    await client.send_text(ann["id"], "/start@cinebooker_bot x")
    raw = (await client.pending_updates(424242))[0]
    update = Update.model_validate(raw)
    assert update.message is not None and update.message.from_user is not None
    assert update.message.from_user.username == "annlee"
    assert update.message.entities is not None
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start@cinebooker_bot")
