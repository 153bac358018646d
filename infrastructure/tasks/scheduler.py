"""Periodic jobs: one scheduler active however many workers run.

Every worker process runs a Scheduler, but only the holder of a lease queues
anything: a Redis key set with NX and a TTL, renewed by its holder (compare and
extend in one script), taken over by another worker when the holder dies. The
jobs are safe to run twice anyway (conditional updates); the lease only keeps
them from being queued once per worker.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from domain.jobs import JobQueue

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class Lease(Protocol):
    async def hold(self) -> bool:
        """Take or keep the lease; True while this process holds it."""

    async def release(self) -> None: ...


class LocalLease:
    """One process (the embedded mode): always the holder."""

    async def hold(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class RedisLease:
    def __init__(self, redis: object, key: str = "cinebooker:scheduler:lease", ttl_ms: int = 15_000) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = ttl_ms
        self.token = secrets.token_hex(8)

    async def hold(self) -> bool:
        r = self.redis
        if await r.set(self.key, self.token, nx=True, px=self.ttl_ms):  # type: ignore[attr-defined]
            return True
        return bool(await r.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))  # type: ignore[attr-defined]

    async def release(self) -> None:
        # Only our own lease is deleted (the script compares the token first).
        await self.redis.eval(  # type: ignore[attr-defined]
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
            1,
            self.key,
            self.token,
        )


@dataclass(frozen=True, slots=True)
class Every:
    job: str
    seconds: float


class Scheduler:
    def __init__(self, queue: JobQueue, schedule: list[Every], lease: Lease, tick: float = 1.0) -> None:
        self.queue, self.schedule, self.lease, self.tick = queue, schedule, lease, tick
        self._next: dict[str, float] = {}
        self.queued = 0  # for tests and logs

    async def run_once(self, now: float | None = None) -> list[str]:
        """Queue what is due; returns the job names queued."""
        now = time.monotonic() if now is None else now
        if not await self.lease.hold():
            self._next.clear()  # when we take over later, start afresh
            return []
        queued = []
        for entry in self.schedule:
            if now >= self._next.get(entry.job, 0.0):
                try:
                    await self.queue.send(entry.job, {})
                except Exception:  # noqa: BLE001 - the broker is down: try at the next tick
                    log.warning("could not queue periodic job %s", entry.job)
                    continue
                self._next[entry.job] = now + entry.seconds
                queued.append(entry.job)
        self.queued += len(queued)
        return queued

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.run_once()
                except Exception:  # noqa: BLE001 - Redis away for a moment must not end the scheduler
                    log.exception("scheduler tick failed")
                await asyncio.sleep(self.tick)
        finally:
            try:
                await self.lease.release()
            except Exception:  # noqa: BLE001
                log.warning("could not release the scheduler lease")
