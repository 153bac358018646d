"""The main menu and the language choice."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Select, Start
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import texts
from dialogs.i18n import T
from dialogs.states import Booking, Language, Menu, MyBookings

LANGUAGES = {"en": "English", "ru": "Русский"}


async def menu_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    user = dialog_manager.middleware_data.get("event_from_user")
    note = (dialog_manager.start_data or {}).get("note") if isinstance(dialog_manager.start_data, dict) else None
    return {"name": user.first_name if user else "", "note": texts(dialog_manager)(note) if note else ""}


async def on_help(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await callback.message.answer(texts(manager)("help-text"))


def main_menu_dialog() -> Dialog:
    return Dialog(
        Window(
            T("menu-note", "note", when="note"),
            T("menu-welcome", "name"),
            Column(
                Start(T("menu-now-showing"), id="now", state=Booking.movies),
                Start(T("menu-my-bookings"), id="mine", state=MyBookings.upcoming),
                Start(T("menu-language"), id="lang", state=Language.choose),
                Button(T("menu-help"), id="help", on_click=on_help),
            ),
            state=Menu.main,
            getter=menu_getter,
        ),
    )


async def language_getter(**_: Any) -> dict[str, Any]:
    return {"languages": list(LANGUAGES.items())}


async def on_language(callback: CallbackQuery, _widget: Any, manager: DialogManager, code: str) -> None:
    if code not in LANGUAGES:
        say(manager, texts(manager)("error-forged"))
        return
    store = manager.middleware_data["language_store"]
    await store.set(callback.from_user, code)
    # The rest of this update already speaks the new language.
    manager.middleware_data["t"] = manager.middleware_data["translator"](code)
    say(manager, texts(manager)("language-changed"))
    await manager.start(Menu.main, mode=StartMode.RESET_STACK)


def language_dialog() -> Dialog:
    return Dialog(
        Window(
            T("language-choose"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="l",
                    item_id_getter=lambda item: item[0],
                    items="languages",
                    on_click=on_language,
                )
            ),
            state=Language.choose,
            getter=language_getter,
        ),
    )
