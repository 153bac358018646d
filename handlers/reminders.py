"""Reminders before the show: /reminders switches them, and the button under a
reminder turns them off."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from domain.services.jobs import ReminderService
from handlers.jobs import REMINDERS_OFF


def reminders_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(F.chat.type == "private")
    router.message.register(toggle_command, Command("reminders"))
    router.callback_query.register(turn_off, F.data == REMINDERS_OFF)
    return router


async def toggle_command(message: Message, reminders: ReminderService, t: Any) -> None:
    state = await reminders.toggle(message.from_user.id)
    if state is None:  # not a customer yet: reminders are on by default
        state = True
    hours = reminders.policy.before.total_seconds() / 3600
    await message.answer(t("reminders-on", hours=f"{hours:g}") if state else t("reminders-off"))


async def turn_off(callback: CallbackQuery, reminders: ReminderService, t: Any) -> None:
    await reminders.set_enabled(callback.from_user.id, False)
    await callback.answer(t("reminders-off"), show_alert=True)
