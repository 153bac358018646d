"""Old buttons, a restarted bot, a lost context: back to a fresh menu with a short
note, never a crash."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.entities import DialogUpdate
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState

from dialogs.answers import take
from dialogs.states import Menu

log = logging.getLogger(__name__)


def errors_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_lost_context, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState))
    router.errors.register(on_unexpected, ExceptionTypeFilter(Exception))
    return router


async def _answer_click(event: ErrorEvent, text: str) -> None:
    query = event.update.callback_query
    if query is not None:
        take(query.id)
        try:
            await query.answer(text)
        except Exception:  # noqa: BLE001 - the query may be answered already
            log.debug("callback %s already answered", query.id)


async def on_lost_context(event: ErrorEvent, dialog_manager: DialogManager) -> None:
    if isinstance(event.update, DialogUpdate):
        # A refresh from outside (a payment settled, a hold ran out) for a screen
        # the customer has left meanwhile: nothing they pressed, nothing to say.
        log.debug("background refresh of a dialog that is gone: %s", event.exception)
        return
    texts = dialog_manager.middleware_data.get("t")
    note = texts("error-stale-button") if texts else ""
    await _answer_click(event, note)
    await dialog_manager.start(
        Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND, data={"note": "error-stale-button"}
    )


async def on_unexpected(event: ErrorEvent, dialog_manager: DialogManager) -> None:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    texts = dialog_manager.middleware_data.get("t")
    await _answer_click(event, texts("error-unexpected") if texts else "")
    try:
        await dialog_manager.start(
            Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND, data={"note": "error-unexpected"}
        )
    except Exception:  # noqa: BLE001 - the menu must not fail the error handler
        log.exception("could not show the menu after an error")
