"""Seat-hold adapters behind :class:`domain.holds.HoldStore`.

``RedisHoldStore`` is not re-exported so that the embedded mode (memory holds)
never imports redis.
"""

from infrastructure.holds.memory import MemoryHoldStore

__all__ = ["MemoryHoldStore"]
