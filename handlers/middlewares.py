"""Per-update context: the customer's texts, and flood control. No business
logic here: middlewares only prepare what handlers and dialogs receive."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from handlers.language import LanguageStore
from infrastructure.i18n.fluent import Translator

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class TextsMiddleware(BaseMiddleware):
    """``data["t"]``: the texts in the customer's language (chosen, else Telegram's)."""

    def __init__(self, translator: Translator, languages: LanguageStore) -> None:
        self.translator = translator
        self.languages = languages

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chosen = await self.languages.get(user.id) if user else None
        locale = chosen or self.translator.resolve(user.language_code if user else None)
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
