"""The Telegram side of the composition root: bot, dispatcher, dialogs, and the
two ways to receive updates (long polling, webhook server)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import DEFAULT_DESTINY, BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.types import BotCommand
from aiogram_dialog import setup_dialogs
from aiogram_dialog.api.protocols import BgManagerFactory

from bot.container import Container
from dialogs.booking.dialog import booking_dialog
from dialogs.context import AppServices
from dialogs.menu import language_dialog, main_menu_dialog
from dialogs.my_bookings import my_bookings_dialog
from dialogs.picture_fallback import PictureFallbackMessageManager
from domain.services.bookings import BookingService
from domain.services.catalog import CatalogService
from domain.services.checkout import CheckoutService
from domain.services.customers import CustomerService
from domain.services.lookups import CatalogLookup
from domain.services.seats import SeatService
from handlers.booking_expiry import BookingExpirySweeper
from handlers.reminders import reminders_router
from domain.services.jobs import ReminderPolicy, ReminderService
from handlers.commands import commands_router, fallback_router
from handlers.errors import errors_router
from handlers.hold_expiry import HoldExpiryNotifier
from handlers.language import LanguageStore
from handlers.refresh import dialog_refresher
from handlers.payment_notices import PaymentNotifier
from handlers.middlewares import InFlightMiddleware, OutageMiddleware, TextsMiddleware, ThrottleMiddleware
from infrastructure.holds.watch import MemoryHoldWatch, RedisHoldWatch
from infrastructure.i18n import Translator
from infrastructure.telegram.responses import keep_response_types
from infrastructure.telegram.retry import RetryAfterMiddleware

log = logging.getLogger(__name__)

COMMANDS = ("start", "mybookings", "reminders", "language", "help", "cancel")
# How long a showtime, its movie and hall, and the ticket types are kept between
# clicks. They change only by a catalog import (maybe in another process), so
# this is how long an import can take to show; seat states are never kept.
CATALOG_TTL_S = 10.0
# Updates handled at once; the rest wait before taking a lock or a connection.
# Below the database pool's 20 kept connections, leaving room for background
# tasks; one process is CPU-bound well before 16 updates at once.
UPDATES_AT_ONCE = 16
# A customer's next click often arrives while the previous update is still
# saving its dialog and releasing the chat's lock (a few ms after the reply);
# redis-py's default 0.1 s between tries made it wait that long.
LOCK_KWARGS = {"timeout": 60, "sleep": 0.01}


@dataclass
class TelegramRuntime:
    bot: Bot
    dispatcher: Dispatcher
    bg: BgManagerFactory
    notifier: HoldExpiryNotifier
    translator: Translator
    in_flight: InFlightMiddleware
    payment_notices: PaymentNotifier
    expiry: BookingExpirySweeper
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    def start_background(self) -> None:
        self.tasks.append(asyncio.create_task(self.notifier.run(), name="hold-expiry"))
        self.tasks.append(asyncio.create_task(self.expiry.run(), name="booking-expiry"))

    async def close(self) -> None:
        # Updates polled but not yet started are tasks aiogram keeps privately;
        # wait for them too, or the storage closes under their feet.
        pending = set(getattr(self.dispatcher, "_handle_update_tasks", ()))
        if pending:
            await asyncio.wait(pending, timeout=10)
        if not await self.in_flight.drain():
            log.warning("stopping with %s updates still being handled", self.in_flight.running)
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.dispatcher.fsm.close()
        await self.bot.session.close()


def build_bot(container: Container) -> Bot:
    settings = container.settings
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")))
    session.middleware(RetryAfterMiddleware())
    keep_response_types()  # or a garbage collection makes the next answer rebuild its model
    return Bot(settings.bot_token.get_secret_value(), session=session)


# aiogram-dialog's key for a chat's default dialog stack; all its keys' prefix.
_DEFAULT_STACK = "aiogd:stack:"
_DIALOG = "aiogd:"


class ChatLocks(BaseEventIsolation):
    """One lock an update for a private chat, where there were two.

    aiogram locks (chat, user) around every update; aiogram-dialog then locks
    the chat's dialog stack too: two more Redis round trips an update. In a
    private chat the default stack is only reached by updates of that one user
    in that chat (background updates included), and those all hold aiogram's
    lock already, so the task holding it skips the second. Anything else (group
    stacks, an update aiogram did not lock, error handling after aiogram's lock
    is released, a task started by a locked one) takes the stack lock as before.
    """

    def __init__(self, inner: BaseEventIsolation) -> None:
        self.inner = inner
        self._held: contextvars.ContextVar[tuple[asyncio.Task[Any] | None, int] | None] = contextvars.ContextVar(
            "chat_lock_held", default=None
        )
        self._seen: contextvars.ContextVar[dict[StorageKey, str]] = contextvars.ContextVar("chat_lock_seen")

    @staticmethod
    def _plain(key: StorageKey) -> bool:
        return key.thread_id is None and key.business_connection_id is None

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        if key.destiny == _DEFAULT_STACK and self._plain(key):
            if self._held.get() == (asyncio.current_task(), key.chat_id):
                yield
                return
        async with self.inner.lock(key):
            private = key.destiny == DEFAULT_DESTINY and key.chat_id == key.user_id and self._plain(key)
            if not private:
                yield
                return
            token = self._held.set((asyncio.current_task(), key.chat_id))
            seen = self._seen.set({})
            try:
                yield
            finally:
                self._seen.reset(seen)
                self._held.reset(token)

    def seen(self, key: StorageKey) -> dict[StorageKey, str] | None:
        """What this task read or wrote of its private chat's dialog data while
        it holds the chat's lock (key -> JSON); None outside of that."""
        if not (key.destiny.startswith(_DIALOG) and key.chat_id == key.user_id and self._plain(key)):
            return None
        if self._held.get() != (asyncio.current_task(), key.chat_id):
            return None
        return self._seen.get()

    async def close(self) -> None:
        await self.inner.close()


class DialogStorage(BaseStorage):
    """aiogram-dialog writes a chat's stack and context back after every update,
    changed or not: two Redis round trips, most of them writing what was just
    read. While a task holds its private chat's lock (``ChatLocks``) nobody else
    writes that chat's dialog data, so a write of exactly what the task last
    read or wrote of a key is skipped. Everything else passes through."""

    def __init__(self, inner: BaseStorage, locks: ChatLocks) -> None:
        self.inner = inner
        self.locks = locks

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        data = await self.inner.get_data(key)
        seen = self.locks.seen(key)
        if seen is not None:
            seen[key] = _as_json(data)
        return data

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        seen = self.locks.seen(key)
        if seen is not None:
            text = _as_json(data)
            if seen.get(key) == text:
                return
            seen[key] = text
        await self.inner.set_data(key, data)

    async def set_state(self, key: StorageKey, state: Any = None) -> None:
        await self.inner.set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.inner.get_state(key)

    async def close(self) -> None:
        await self.inner.close()


def _as_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def _storage(container: Container) -> tuple[BaseStorage, BaseEventIsolation]:
    if container.redis is None:
        return MemoryStorage(), ChatLocks(SimpleEventIsolation())
    from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

    # Destiny keys: aiogram-dialog keeps its stacks beside the plain FSM data.
    keys = DefaultKeyBuilder(with_destiny=True)
    storage = RedisStorage(container.redis, key_builder=keys)  # type: ignore[arg-type]
    locks = ChatLocks(RedisEventIsolation(container.redis, key_builder=keys, lock_kwargs=LOCK_KWARGS))  # type: ignore[arg-type]
    return DialogStorage(storage, locks), locks


def _outage_errors(container: Container) -> tuple[type[BaseException], ...]:
    """What a Redis that went away raises (nothing to catch without Redis)."""
    if container.redis is None:
        return ()
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError)


def build_telegram(container: Container, bot: Bot | None = None) -> TelegramRuntime:
    bot = bot or build_bot(container)
    translator = Translator()
    storage, isolation = _storage(container)
    watcher = RedisHoldWatch(container.redis) if container.redis is not None else MemoryHoldWatch()  # type: ignore[arg-type]
    # One lookup shared by the services that show and hold seats and show bookings.
    lookup = CatalogLookup(container.deps.uow, ttl_s=CATALOG_TTL_S)
    services = AppServices(
        catalog=CatalogService(container.deps, lookup),
        seats=SeatService(container.deps, lookup),
        checkout=CheckoutService(container.deps, lookup),
        bookings=BookingService(container.deps, lookup),  # its views read through the lookup
        policy=container.deps.policy,
        payments=container.payments,
        hold_watch=watcher,
        pictures=container.hall_pictures(),
    )
    customers = CustomerService(container.deps)
    languages = LanguageStore(storage, bot.id, customers)
    dp = Dispatcher(storage=storage, events_isolation=isolation)
    # aiogram closes the storage when polling stops, while updates may still be
    # handled; TelegramRuntime.close() closes it once they are done.
    dp.shutdown.handlers = [h for h in dp.shutdown.handlers if h.callback != dp.fsm.close]
    dp["services"] = services
    dp["customers"] = customers
    dp["translator"] = translator
    dp["language_store"] = languages
    # My bookings sends invoices again; /reminders switches reminders.
    from bot.worker import delivery_service

    dp["invoice_delivery"] = delivery_service(container, bot, translator)
    dp["reminders"] = ReminderService(
        container.deps, ReminderPolicy(before=timedelta(minutes=container.settings.reminder_minutes))
    )
    texts = TextsMiddleware(translator, languages)
    throttle = ThrottleMiddleware(container.settings.throttle_rate, container.settings.throttle_burst)
    in_flight = InFlightMiddleware(UPDATES_AT_ONCE)
    # Outermost, around aiogram's own (errors, user context, FSM lock): an update
    # counts as done only once its lock is released and its error handled.
    builtin = list(dp.update.outer_middleware)
    for middleware in builtin:
        dp.update.outer_middleware.unregister(middleware)
    outage = OutageMiddleware(translator, customers.language, _outage_errors(container))
    for middleware in (in_flight, outage, *builtin):
        dp.update.outer_middleware(middleware)
    # Every update, background dialog updates included, gets the customer's texts.
    dp.update.outer_middleware(texts)
    for observer in (dp.message, dp.callback_query):
        observer.outer_middleware(throttle)
    dp.include_router(errors_router())
    dp.include_router(commands_router())
    dp.include_router(reminders_router())
    dp.include_routers(main_menu_dialog(), language_dialog(), booking_dialog(), my_bookings_dialog())
    dp.include_router(fallback_router())
    bg = setup_dialogs(dp, message_manager=PictureFallbackMessageManager(), events_isolation=isolation)
    notifier = HoldExpiryNotifier(bot, services, watcher, bg, translator, languages)
    payment_notices = PaymentNotifier(bot, translator, languages, bg)
    dp["payment_notices"] = payment_notices  # /start paid_<id> tells what the provider says
    expiry = BookingExpirySweeper(bot, services, translator, languages, refresh=dialog_refresher(bot, bg))
    return TelegramRuntime(bot, dp, bg, notifier, translator, in_flight, payment_notices, expiry)


async def learn_username(runtime: TelegramRuntime, container: Container) -> None:
    """Payment return links are deep links into this bot: they need its username."""
    container.links.username = (await runtime.bot.me()).username or ""


async def set_commands(runtime: TelegramRuntime) -> None:
    for locale in runtime.translator.locales:
        commands = [BotCommand(command=c, description=runtime.translator.get(locale, f"command-{c}")) for c in COMMANDS]
        await runtime.bot.set_my_commands(commands, language_code=None if locale == runtime.translator.default else locale)


async def run_polling(container: Container) -> None:
    from bot.startup import telegram_call

    runtime = build_telegram(container)
    settings = container.settings
    try:
        await telegram_call("deleteWebhook", settings, lambda: runtime.bot.delete_webhook(drop_pending_updates=False))
        await telegram_call("getMe", settings, lambda: learn_username(runtime, container))
        await telegram_call("setMyCommands", settings, lambda: set_commands(runtime))
        runtime.start_background()
        await runtime.dispatcher.start_polling(runtime.bot, handle_signals=True, close_bot_session=False)
    finally:
        await runtime.close()
        await container.close()
