"""Wake-ups for long polls, and the numbered event log the control API streams."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable


class Signal:
    """Wakes every waiter on `fire()`; waiters re-check their condition themselves.

    Single-threaded asyncio makes check-then-wait safe as long as nothing awaits
    between the check and `wait()`.
    """

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def fire(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float | None) -> None:
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        if timeout is not None and timeout <= 0:
            return
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    time: float
    chat_id: int | None
    bot_id: int | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "time": self.time, "chat_id": self.chat_id,
                "bot_id": self.bot_id, **self.data}


EventFilter = Callable[[Event], bool]


class EventLog:
    """Everything that changes what a user sees, numbered from 1 in order."""

    def __init__(self, is_closing: Callable[[], bool],
                 on_add: Callable[[], None] = lambda: None) -> None:
        self._events: list[Event] = []
        self._signal = Signal()
        self._is_closing = is_closing
        self._on_add = on_add

    @property
    def last_seq(self) -> int:
        return len(self._events)

    def add(self, type_: str, *, chat_id: int | None = None, bot_id: int | None = None,
            **data: Any) -> Event:
        event = Event(len(self._events) + 1, type_, time.time(), chat_id, bot_id, data)
        self._events.append(event)
        self._signal.fire()
        self._on_add()
        return event

    def after(self, seq: int, accept: EventFilter | None = None) -> list[Event]:
        found = self._events[max(0, seq):]
        return [e for e in found if accept is None or accept(e)]

    async def wait(self, seq: int, timeout: float, accept: EventFilter | None = None) -> list[Event]:
        """Events after `seq` that pass `accept`, waiting up to `timeout` for the first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        scanned = seq
        while True:
            found = self.after(scanned, accept)
            scanned = max(scanned, self.last_seq)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self._is_closing():
                return found
            await self._signal.wait(remaining)

    def wake(self) -> None:
        self._signal.fire()
