"""A bot's pending updates: confirmed by getUpdates offsets or by webhook delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.telegram.events import Signal


@dataclass(eq=False)  # compared by identity: two updates are never the same
class PendingUpdate:
    update_id: int
    type: str
    payload: dict[str, Any]
    chat_key: int | None  # updates of one chat are delivered in order
    attempts: int = 0
    not_before: float = 0.0  # loop time of the next webhook attempt

    def to_telegram(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.type: self.payload}


@dataclass
class UpdateQueue:
    next_id: int = 1
    pending: list[PendingUpdate] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)
    # The newest getUpdates call; an older one still waiting gets 409 Conflict.
    poller: object | None = None

    def push(self, type_: str, payload: dict[str, Any], chat_key: int | None) -> PendingUpdate:
        update = PendingUpdate(self.next_id, type_, payload, chat_key)
        self.next_id += 1
        self.pending.append(update)
        self.signal.fire()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget what the offset confirms; a negative offset keeps the last -offset."""
        if not offset:
            return
        if offset > 0:
            self.pending = [u for u in self.pending if u.update_id >= offset]
        else:
            self.pending = self.pending[offset:]

    def peek(self, limit: int) -> list[PendingUpdate]:
        return self.pending[:limit]

    def remove(self, update: PendingUpdate) -> None:
        self.pending = [u for u in self.pending if u is not update]
        self.signal.fire()

    def clear(self) -> None:
        self.pending.clear()
        self.signal.fire()
