"""Reminders before the show: /reminders shows whether they are on, with a button
to switch them; the button under a reminder turns them off."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.filters import Command

from domain.services.jobs import ReminderService
from handlers.jobs import REMINDERS_OFF

REMINDERS_ON = "rmd:on"
SWITCH_OFF = "rmd:switch-off"  # the /reminders card's button: the card is edited in place


def reminders_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(F.chat.type == "private")
    router.message.register(show_command, Command("reminders"))
    router.callback_query.register(turn_off, F.data == REMINDERS_OFF)
    router.callback_query.register(switch, F.data.in_({REMINDERS_ON, SWITCH_OFF}))
    return router


def _card(on: bool, reminders: ReminderService, t: Any) -> tuple[str, InlineKeyboardMarkup]:
    hours = f"{reminders.policy.before.total_seconds() / 3600:g}"
    text = t("reminders-state-on", hours=hours) if on else t("reminders-state-off", hours=hours)
    button = (
        InlineKeyboardButton(text=t("reminders-button-off"), callback_data=SWITCH_OFF)
        if on
        else InlineKeyboardButton(text=t("reminders-button-on"), callback_data=REMINDERS_ON)
    )
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


async def show_command(message: Message, reminders: ReminderService, t: Any) -> None:
    """The state first, then a switch: one command must not change a setting
    the customer may only have wanted to look at."""
    text, markup = _card(await reminders.enabled(message.from_user.id), reminders, t)
    await message.answer(text, reply_markup=markup)


async def switch(callback: CallbackQuery, reminders: ReminderService, t: Any) -> None:
    on = callback.data == REMINDERS_ON
    await reminders.set_enabled(callback.from_user.id, on)
    text, markup = _card(on, reminders, t)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer(t("reminders-on-short") if on else t("reminders-off-short"))


async def turn_off(callback: CallbackQuery, reminders: ReminderService, t: Any) -> None:
    await reminders.set_enabled(callback.from_user.id, False)
    await callback.answer(t("reminders-off"), show_alert=True)
