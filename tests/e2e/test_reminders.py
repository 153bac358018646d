"""Reminders before the show, from the customer's side: /reminders switches them,
and the button under a reminder turns them off."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.container import build_container
from handlers.jobs import REMINDERS_OFF
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import press, start


async def _wants_reminders(settings, user_id: int) -> bool:
    container = build_container(settings)
    try:
        async with container.deps.uow() as uow:
            return (await uow.customers.get(user_id)).reminders
    finally:
        await container.close()


async def test_reminders_switch_and_the_opt_out_button(playground, cinema_db):
    url, client, _ = playground
    settings = settings_for(cinema_db, url)
    async with running_bot(settings) as runtime:
        ann = await client.create_user("Ann", language_code="en")
        await start(client, ann)
        assert await _wants_reminders(settings, ann["id"])  # on by default

        # /reminders shows the state first; its button switches (tests/e2e/test_private_flow.py
        # follows the card as it is edited).
        await client.send_text(ann["id"], "/reminders", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Reminders are on: you hear from us 2 hours before each show")
        assert await _wants_reminders(settings, ann["id"])
        await press(client, ann, "🔕 Turn reminders off")
        assert not await _wants_reminders(settings, ann["id"])
        await press(client, ann, "🔔 Turn reminders on")
        assert await _wants_reminders(settings, ann["id"])

        # A reminder as the worker sends it; its button turns reminders off.
        off = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="off", callback_data=REMINDERS_OFF)]])
        reminder = await runtime.bot.send_message(ann["id"], "⏰ Reminder", reply_markup=off)
        answer = await client.click(ann["id"], reminder.message_id, REMINDERS_OFF, user_id=ann["id"])
        assert answer["answered"] and "Reminders are off" in answer["text"]
        assert not await _wants_reminders(settings, ann["id"])
