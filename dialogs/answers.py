"""One answer per button press.

aiogram-dialog answers every callback query once the click is processed; a
handler that wants the answer to say something ("someone just took F-3") leaves
the text here and the message manager sends it in that single answer.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.manager.message_manager import MessageManager

CALLBACK_ANSWER_LIMIT = 200  # Telegram's limit for a callback answer


def say(manager: DialogManager, text: str, alert: bool = False) -> None:
    """Answer the current button press with ``text`` (shown as a toast or alert)."""
    event = manager.event
    if isinstance(event, CallbackQuery):
        if len(_PENDING) > 10_000:
            _PENDING.clear()  # answers lost to crashed handlers must not pile up
        _PENDING[event.id] = (text[:CALLBACK_ANSWER_LIMIT], alert)


def take(callback_id: str) -> tuple[str, bool] | None:
    return _PENDING.pop(callback_id, None)


# Filled and drained within the handling of one update.
_PENDING: dict[str, tuple[str, bool]] = {}


class AnsweringMessageManager(MessageManager):
    async def answer_callback(self, bot: Bot, callback_query: CallbackQuery) -> None:
        text, alert = take(callback_query.id) or ("", False)
        if not text:
            return await super().answer_callback(bot, callback_query)
        await bot.answer_callback_query(callback_query.id, text=text, show_alert=alert)
        return None
