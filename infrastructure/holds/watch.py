"""When a customer's seat hold runs out, the chat is told. A watch remembers
which chat to tell and when; the bot's sweeper claims due watches.

Claiming removes the watch atomically, so with several bot replicas exactly one
of them tells the customer.
"""

from __future__ import annotations

import math
import time
from typing import Callable

from typing import TYPE_CHECKING

from domain.holds import WatchedHold

if TYPE_CHECKING:
    from redis.asyncio import Redis


def _member(watch: WatchedHold) -> str:
    return f"{watch.user_id}:{watch.chat_id}:{watch.showtime_id}"


def _parse(member: str | bytes) -> WatchedHold:
    text = member.decode() if isinstance(member, bytes) else member
    user, chat, showtime = (int(part) for part in text.split(":"))
    return WatchedHold(user, chat, showtime)


class MemoryHoldWatch:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._due: dict[WatchedHold, float] = {}

    async def watch(self, watch: WatchedHold, in_ms: int) -> None:
        self._due[watch] = self._clock() + in_ms / 1000

    async def forget(self, watch: WatchedHold) -> None:
        self._due.pop(watch, None)

    async def of_user(self, user_id: int) -> list[WatchedHold]:
        return [w for w in self._due if w.user_id == user_id]

    async def claim_due(self, limit: int = 100) -> list[WatchedHold]:
        now = self._clock()
        due = [w for w, at in sorted(self._due.items(), key=lambda i: i[1]) if at <= now][:limit]
        for w in due:
            del self._due[w]
        return due


# Take due members and remove them in one step: a replica that got a member owns it.
# Each member leaves its customer's index too (KEYS[1] .. ':u:' .. the user id).
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
if #due > 0 then
  redis.call('ZREM', KEYS[1], unpack(due))
  for _, member in ipairs(due) do
    redis.call('SREM', KEYS[1] .. ':u:' .. string.match(member, '^(%d+):'), member)
  end
end
return due
"""
_WATCH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SADD', KEYS[2], ARGV[2])
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
"""
_FORGET = """
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
"""


class RedisHoldWatch:
    """Watches in one sorted set by due time, and an index of each customer's
    watches (a set per user), so leaving the booking flow finds them without
    scanning everyone's."""

    def __init__(self, redis: "Redis", prefix: str = "cb") -> None:
        self._redis = redis
        self._key = f"{prefix}:holdwatch"
        self._claim = redis.register_script(_CLAIM)
        self._watch = redis.register_script(_WATCH)
        self._forget = redis.register_script(_FORGET)

    def _user_key(self, user_id: int) -> str:
        return f"{self._key}:u:{user_id}"

    async def watch(self, watch: WatchedHold, in_ms: int) -> None:
        keys = [self._key, self._user_key(watch.user_id)]
        await self._watch(keys=keys, args=[max(0, math.ceil(in_ms)), _member(watch)])

    async def forget(self, watch: WatchedHold) -> None:
        await self._forget(keys=[self._key, self._user_key(watch.user_id)], args=[_member(watch)])

    async def claim_due(self, limit: int = 100) -> list[WatchedHold]:
        return [_parse(m) for m in await self._claim(keys=[self._key], args=[limit])]

    async def of_user(self, user_id: int) -> list[WatchedHold]:
        """The customer's watched holds (asked when they leave the booking flow)."""
        return [_parse(member) for member in await self._redis.smembers(self._user_key(user_id))]
