"""Seat holds in Redis: one hash per showtime, changed only by Lua scripts.

Key ``{prefix}:holds:{st:<id>}`` (hash tag per showtime, so a showtime's holds
live on one Redis Cluster slot); field = seat code; value = ``owner|expiry_ms``.
Expiry is measured on the Redis clock (``TIME``) so app servers with skewed
clocks agree. The key's own PEXPIRE is only a garbage collector: it is kept at
least as long as the longest live hold and never shortened; expired fields are
overwritten or deleted lazily by the scripts.

Needs Redis >= 5: the scripts write after the non-deterministic TIME, which
only effects replication (the default since 5, the only mode since 7) allows.
"""

from __future__ import annotations

from typing import Any, Sequence

from redis.asyncio import Redis

from domain.holds import HoldResult, LiveHold
from infrastructure.holds._validate import check_owner, check_ttl, unique_seats

# Shared prologue. `now` is Redis server time in ms. A value is ours when it
# starts with "owner|" (owner tokens never contain '|'); its expiry is the
# number after the first '|'.
_PROLOGUE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function expiry_of(v)
  return tonumber(string.sub(v, string.find(v, '|', 1, true) + 1))
end
local function keep_key_for(key, ttl)
  -- PTTL is -1 for a key just created by HSET: give it a TTL then too.
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
"""

# KEYS[1] hash; ARGV[1] "owner|", ARGV[2] ttl ms, ARGV[3..] seats.
# Returns the conflicting seats; an empty list means all seats were written.
# `mine .. (now + ttl)`: Lua 5.1 prints numbers with %.14g, exact for the
# 13-digit ms timestamps of this era (up to year 5138).
_HOLD = _PROLOGUE + """
local mine, ttl, n = ARGV[1], tonumber(ARGV[2]), #ARGV
local plen = #mine
local vals = redis.call('HMGET', KEYS[1], unpack(ARGV, 3, n))
local conflicts = {}
for i = 1, n - 2 do
  local v = vals[i]
  if v and string.sub(v, 1, plen) ~= mine and expiry_of(v) > now then
    conflicts[#conflicts + 1] = ARGV[i + 2]
  end
end
if #conflicts > 0 then return conflicts end
local val = mine .. (now + ttl)
local fv = {}
for i = 3, n do
  fv[#fv + 1] = ARGV[i]
  fv[#fv + 1] = val
end
redis.call('HSET', KEYS[1], unpack(fv))
keep_key_for(KEYS[1], ttl)
return conflicts
"""

# KEYS[1] hash; ARGV[1] "owner|", ARGV[2..] seats. Deletes the owner's fields
# (live or expired) and returns how many of them were live.
_RELEASE = _PROLOGUE + """
local mine, n = ARGV[1], #ARGV
local plen = #mine
local vals = redis.call('HMGET', KEYS[1], unpack(ARGV, 2, n))
local gone, live = {}, 0
for i = 1, n - 1 do
  local v = vals[i]
  if v and string.sub(v, 1, plen) == mine then
    gone[#gone + 1] = ARGV[i + 1]
    if expiry_of(v) > now then live = live + 1 end
  end
end
if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
return live
"""

# KEYS[1] hash; ARGV[1] "owner|". Same as release, over the whole showtime;
# expired fields of anyone are deleted on the way.
_RELEASE_ALL = _PROLOGUE + """
local mine = ARGV[1]
local plen = #mine
local all = redis.call('HGETALL', KEYS[1])
local gone, live = {}, 0
for i = 1, #all, 2 do
  local v = all[i + 1]
  local alive = expiry_of(v) > now
  if string.sub(v, 1, plen) == mine then
    gone[#gone + 1] = all[i]
    if alive then live = live + 1 end
  elseif not alive then
    gone[#gone + 1] = all[i]
  end
end
if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
return live
"""

# KEYS[1] hash; ARGV[1] "owner|", ARGV[2] ttl ms, ARGV[3..] seats.
# Returns 1 after rewriting every seat, 0 (nothing written) if any seat is not
# the owner's live hold.
_EXTEND = _PROLOGUE + """
local mine, ttl, n = ARGV[1], tonumber(ARGV[2]), #ARGV
local plen = #mine
local vals = redis.call('HMGET', KEYS[1], unpack(ARGV, 3, n))
for i = 1, n - 2 do
  local v = vals[i]
  if not v or string.sub(v, 1, plen) ~= mine or expiry_of(v) <= now then
    return 0
  end
end
local val = mine .. (now + ttl)
local fv = {}
for i = 3, n do
  fv[#fv + 1] = ARGV[i]
  fv[#fv + 1] = val
end
redis.call('HSET', KEYS[1], unpack(fv))
keep_key_for(KEYS[1], ttl)
return 1
"""

# KEYS[1] hash. Returns a flat list: seat, owner-value, remaining ms, ... for
# live holds, deleting expired fields. Python splits owner from "owner|expiry".
_LIVE = _PROLOGUE + """
local all = redis.call('HGETALL', KEYS[1])
local out, dead = {}, {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local left = expiry_of(v) - now
  if left > 0 then
    out[#out + 1] = all[i]
    out[#out + 1] = v
    out[#out + 1] = left
  else
    dead[#dead + 1] = all[i]
  end
end
if #dead > 0 then redis.call('HDEL', KEYS[1], unpack(dead)) end
return out
"""

# KEYS[1] hash; ARGV[1] "owner|". Like _LIVE but only the owner's live holds:
# seat, remaining ms, ... A selection is read on most clicks, and sending back
# every customer's holds for the client to filter cost more than the script.
_OWNED = _PROLOGUE + """
local mine = ARGV[1]
local plen = #mine
local all = redis.call('HGETALL', KEYS[1])
local out, dead = {}, {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local left = expiry_of(v) - now
  if left <= 0 then
    dead[#dead + 1] = all[i]
  elseif string.sub(v, 1, plen) == mine then
    out[#out + 1] = all[i]
    out[#out + 1] = left
  end
end
if #dead > 0 then redis.call('HDEL', KEYS[1], unpack(dead)) end
return out
"""


def _text(value: bytes | str) -> str:
    # Works whether or not the client was built with decode_responses=True.
    return value.decode() if isinstance(value, bytes) else value


class RedisHoldStore:
    """The production :class:`domain.holds.HoldStore` adapter."""

    def __init__(self, redis: Redis, prefix: str = "cb") -> None:
        self._redis = redis
        self._prefix = prefix
        # register_script only hashes the text; it loads on first use (EVALSHA,
        # falling back to SCRIPT LOAD on NOSCRIPT).
        self._hold = redis.register_script(_HOLD)
        self._release = redis.register_script(_RELEASE)
        self._release_all = redis.register_script(_RELEASE_ALL)
        self._extend = redis.register_script(_EXTEND)
        self._live = redis.register_script(_LIVE)
        self._owned = redis.register_script(_OWNED)

    def key(self, showtime_id: int) -> str:
        return f"{self._prefix}:holds:{{st:{showtime_id}}}"

    async def hold(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> HoldResult:
        check_owner(owner)
        check_ttl(ttl_ms)
        wanted = unique_seats(seats)
        if not wanted:
            return HoldResult(ok=True)
        conflicts = await self._hold(
            keys=[self.key(showtime_id)], args=[owner + "|", ttl_ms, *wanted]
        )
        if conflicts:
            return HoldResult(ok=False, conflicts=tuple(_text(c) for c in conflicts))
        return HoldResult(ok=True)

    async def release(self, showtime_id: int, seats: Sequence[str], owner: str) -> int:
        check_owner(owner)
        wanted = unique_seats(seats)
        if not wanted:
            return 0
        return int(
            await self._release(keys=[self.key(showtime_id)], args=[owner + "|", *wanted])
        )

    async def release_all(self, showtime_id: int, owner: str) -> int:
        check_owner(owner)
        return int(await self._release_all(keys=[self.key(showtime_id)], args=[owner + "|"]))

    async def extend(
        self, showtime_id: int, seats: Sequence[str], owner: str, ttl_ms: int
    ) -> bool:
        check_owner(owner)
        check_ttl(ttl_ms)
        wanted = unique_seats(seats)
        if not wanted:
            return True  # vacuously: the owner holds all of no seats
        done = await self._extend(
            keys=[self.key(showtime_id)], args=[owner + "|", ttl_ms, *wanted]
        )
        return bool(done)

    async def _live_holds(self, showtime_id: int) -> list[tuple[str, str, int]]:
        flat: list[Any] = await self._live(keys=[self.key(showtime_id)])
        return [
            (_text(flat[i]), _text(flat[i + 1]).partition("|")[0], int(flat[i + 2]))
            for i in range(0, len(flat), 3)
        ]

    async def holders(self, showtime_id: int) -> dict[str, str]:
        return {seat: owner for seat, owner, _ in await self._live_holds(showtime_id)}

    async def live(self, showtime_id: int) -> dict[str, LiveHold]:
        return {seat: LiveHold(owner, left) for seat, owner, left in await self._live_holds(showtime_id)}

    async def owned(self, showtime_id: int, owner: str) -> dict[str, int]:
        check_owner(owner)
        flat: list[Any] = await self._owned(keys=[self.key(showtime_id)], args=[owner + "|"])
        return {_text(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}
