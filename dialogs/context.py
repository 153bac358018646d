"""What the dialogs get from the composition root through middleware data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiogram_dialog import DialogManager

from domain.holds import WatchedHold
from domain.services.bookings import BookingService
from domain.services.catalog import CatalogService
from domain.services.checkout import CheckoutService
from domain.services.deps import BookingPolicy
from domain.services.payments import PaymentService
from domain.services.seats import SeatService


class Texts(Protocol):
    """The texts of one locale: call it with a message id and its variables."""

    locale: str
    translator: Any  # the whole translation layer (infrastructure/i18n/fluent.Translator)

    def __call__(self, key: str, **args: Any) -> str: ...


class HoldWatchPort(Protocol):
    async def watch(self, watch: WatchedHold, in_ms: int) -> None: ...
    async def forget(self, watch: WatchedHold) -> None: ...
    async def of_user(self, user_id: int) -> list[WatchedHold]: ...


class HallPictures(Protocol):
    async def path_for(self, seat_map: Any, framed: Any, texts: Texts) -> str | None: ...


@dataclass(frozen=True)
class AppServices:
    catalog: CatalogService
    seats: SeatService
    checkout: CheckoutService
    bookings: BookingService
    policy: BookingPolicy
    payments: PaymentService | None = None
    hold_watch: HoldWatchPort | None = None
    pictures: HallPictures | None = None


def services(manager: DialogManager) -> AppServices:
    return manager.middleware_data["services"]


def texts(manager: DialogManager) -> Texts:
    return manager.middleware_data["t"]


async def watch_selection(manager: DialogManager, showtime_id: int, remaining_ms: int) -> None:
    """Tell the chat when this selection's hold runs out (or stop watching it)."""
    watcher = services(manager).hold_watch
    user = manager.middleware_data.get("event_from_user")
    chat = manager.middleware_data.get("event_chat")
    if watcher is None or user is None or chat is None:
        return
    watch = WatchedHold(user.id, chat.id, showtime_id)
    if remaining_ms > 0:
        await watcher.watch(watch, remaining_ms)
    else:
        await watcher.forget(watch)


def user_id(manager: DialogManager) -> int:
    """The customer behind the current event (a click, a message, a background
    update or an error alike)."""
    return manager.middleware_data["event_from_user"].id


def owner_token(user_id: int) -> str:
    """One selection a customer per showtime: the token is the Telegram user."""
    return f"tg{user_id}"
