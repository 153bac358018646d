"""Per-update context: the customer's texts, and flood control. No business
logic here: middlewares only prepare what handlers and dialogs receive."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from handlers.language import LanguageStore
from infrastructure.i18n.fluent import Translator

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)


class TextsMiddleware(BaseMiddleware):
    """``data["t"]``: the texts in the customer's language (see LanguageStore)."""

    def __init__(self, translator: Translator, languages: LanguageStore) -> None:
        self.translator = translator
        self.languages = languages

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        telegram = self.translator.resolve(user.language_code if user else None)
        # A bot or an anonymous sender is nobody's customer: nothing to remember.
        locale = await self.languages.for_user(user, telegram) if user and not user.is_bot else telegram
        data["t"] = self.translator(locale)
        return await handler(event, data)


class ThrottleMiddleware(BaseMiddleware):
    """A token bucket per user: a burst of clicks is fine, a flood is dropped.

    Every dropped click is still answered, so the client never spins. Per process:
    behind a load balancer each replica throttles what it sees.
    """

    def __init__(self, rate: float = 4.0, burst: int = 8, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[user_id] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > 100_000:
            self._buckets.clear()  # bounded memory; forgetting only forgives
        return allowed

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or self.allow(user.id):
            return await handler(event, data)
        if isinstance(event, CallbackQuery):
            texts = data.get("t")
            await event.answer(texts("throttled") if texts else None)
        elif isinstance(event, Message):
            return None
        return None


class InFlightMiddleware(BaseMiddleware):
    """Counts updates being handled, so a stop can wait for them to finish instead
    of cutting a handler off halfway (a lock left held, a reply never sent).

    With ``limit``, at most that many are handled at once and the others wait
    here, before taking any lock or connection. aiogram's webhook handler starts
    every update at once; unbounded, a burst of hundreds made them all wait for
    the database pool together until some timed out. Waiting ones count as
    running (a stop waits for them too).
    """

    def __init__(self, limit: int | None = None) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        self.running = 0
        self.limit = limit
        self._slots = asyncio.Semaphore(limit) if limit else None
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.running += 1
        self._idle.clear()
        try:
            if self._slots is None:
                return await handler(event, data)
            async with self._slots:
                return await handler(event, data)
        finally:
            self.running -= 1
            if self.running == 0:
                self._idle.set()

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no update is being handled; False if time ran out."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True


class OutageMiddleware(BaseMiddleware):
    """When Redis (holds, dialog state, locks) goes away in mid-conversation, the
    customer is told in their language that booking is briefly unavailable, instead
    of silence or a stack trace; Redis reconnects by itself on a later update. Placed
    outside aiogram's error handling, whose dialog layer needs Redis itself. Seats
    stay safe meanwhile: the database's unique index decides every sale."""

    def __init__(self, translator: Translator, language_of: Callable[[int], Awaitable[str | None]],
                 outages: tuple[type[BaseException], ...]) -> None:
        self.translator = translator
        self.language_of = language_of
        self.outages = outages
        self.seen = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception as exc:
            cause = self._outage(exc)
            if cause is None:
                raise
            self.seen += 1
            log.warning("update %s: booking unavailable (%s: %s)", getattr(event, "update_id", "?"),
                        type(cause).__name__, cause)
            await self._tell(event)
            return None

    def _outage(self, exc: BaseException) -> BaseException | None:
        """The outage behind ``exc``, if any: error handling that needed Redis too
        raises its own error (aiogram-dialog's KeyError) with the outage as its context."""
        seen: BaseException | None = exc
        for _ in range(10):
            if seen is None or not self.outages:
                return None
            if isinstance(seen, self.outages):
                return seen
            seen = seen.__cause__ or seen.__context__
        return None

    async def _tell(self, update: TelegramObject) -> None:
        inner = getattr(update, "callback_query", None) or getattr(update, "message", None)
        user = getattr(inner, "from_user", None)
        if user is None:
            return
        try:
            stored = await self.language_of(user.id)
        except Exception:  # noqa: BLE001 - the database may be what is gone
            stored = None
        text = self.translator.get(stored or self.translator.resolve(user.language_code), "booking-unavailable")
        try:
            if isinstance(inner, CallbackQuery):
                await inner.answer(text, show_alert=True)
            elif isinstance(inner, Message) and inner.chat.type == "private":
                await inner.answer(text)
        except Exception:  # noqa: BLE001 - telling is best effort; the outage is logged
            log.debug("could not tell user %s about the outage", user.id)
