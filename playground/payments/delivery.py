"""Webhook delivery shared by both sandboxes: an outbox per provider.

Each registered endpoint has its own lane. Events go through it one at a time, in
the order they were published; a failed attempt (non-2xx, connection error,
timeout) is retried with exponential backoff and holds the lane until it succeeds
or runs out of attempts. Switches change that on purpose, to test a receiver:
every event N times (duplicates), events reordered within a short window, a delay
before delivery, and a pause that queues everything until resumed.

The provider signs each attempt itself (`Signer`): Stripe stamps a fresh
timestamp, PayPal records a new transmission.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Mapping

import aiohttp

from playground.payments.clock import Clock
from playground.telegram.events import Signal

ORDERS = ("in_order", "reverse", "shuffle")


@dataclass
class Endpoint:
    """Where events go: a URL, the signing secret and the event types it wants."""

    id: str
    url: str
    secret: str
    events: tuple[str, ...] = ("*",)

    def wants(self, event_type: str) -> bool:
        for pattern in self.events:
            if pattern in ("*", event_type):
                return True
            if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "secret": self.secret, "events": list(self.events)}


@dataclass
class DeliverySettings:
    """How events are delivered; every field can be changed at run time."""

    max_attempts: int = 6
    retry_initial: float = 1.0   # seconds before the first retry, doubling after
    retry_max: float = 30.0
    timeout: float = 10.0        # per attempt
    duplicates: int = 1          # deliveries of each event
    order: str = "in_order"      # or "reverse" / "shuffle" within `window`
    window: float = 0.5          # seconds events are gathered before reordering
    delay: float = 0.0           # seconds between publishing and the first attempt
    paused: bool = False
    seed: int | None = None      # for a reproducible shuffle

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply changes from the control API; raises ValueError naming the field."""
        known = {f.name for f in fields(self)}
        for name in changes:
            if name not in known:
                raise ValueError(f"unknown delivery setting {name!r}")
        candidate = DeliverySettings(**{**asdict(self), **changes})
        candidate._check()
        for name in changes:
            setattr(self, name, getattr(candidate, name))

    def _check(self) -> None:
        for name in ("max_attempts", "duplicates"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer of at least 1")
        for name in ("retry_initial", "retry_max", "timeout", "window", "delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number of seconds, at least 0")
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}")
        if not isinstance(self.paused, bool):
            raise ValueError("paused must be true or false")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ValueError("seed must be an integer or null")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Item:
    event_id: str
    event_type: str
    body: bytes
    copy: int
    not_before: float
    attempts: int = 0


@dataclass
class Attempt:
    """One POST to an endpoint, as the control API lists it."""

    seq: int
    endpoint_id: str
    url: str
    event_id: str
    event_type: str
    copy: int
    attempt: int
    status: int | None
    error: str | None
    ok: bool
    gave_up: bool
    time: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Lane:
    endpoint: Endpoint
    ready: deque[_Item] = field(default_factory=deque)
    held: list[_Item] = field(default_factory=list)
    release_at: float = 0.0
    signal: Signal = field(default_factory=Signal)
    task: asyncio.Task[None] | None = None


# (endpoint, body, event id) -> the provider's signature headers for one attempt.
Signer = Callable[[Endpoint, bytes, str], Mapping[str, str]]


class Outbox:
    def __init__(self, provider: str, sign: Signer, clock: Clock,
                 settings: DeliverySettings | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.provider = provider
        self.settings = settings or DeliverySettings()
        self.settings._check()
        self.attempts: list[Attempt] = []
        self._sign = sign
        self._clock = clock
        self._headers = dict(headers or {})
        self._lanes: dict[str, _Lane] = {}
        self._session: aiohttp.ClientSession | None = None
        self._news = Signal()
        self._closing = False
        self._random = random.Random(self.settings.seed)
        self._seed = self.settings.seed

    # --- endpoints ------------------------------------------------------------------

    @property
    def endpoints(self) -> list[Endpoint]:
        return [lane.endpoint for lane in self._lanes.values()]

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        lane = self._lanes.get(endpoint_id)
        return lane.endpoint if lane else None

    def add(self, endpoint: Endpoint) -> Endpoint:
        if endpoint.id in self._lanes:
            raise ValueError(f"endpoint {endpoint.id!r} exists")
        self._lanes[endpoint.id] = _Lane(endpoint)
        return endpoint

    def remove(self, endpoint_id: str) -> bool:
        lane = self._lanes.pop(endpoint_id, None)
        if lane is None:
            return False
        if lane.task is not None:
            lane.task.cancel()
        return True

    # --- publishing -------------------------------------------------------------------

    def publish(self, event_id: str, event_type: str, body: bytes) -> int:
        """Queue an event for every endpoint that wants it; returns how many do."""
        settings = self.settings
        count = 0
        for lane in self._lanes.values():
            if not lane.endpoint.wants(event_type):
                continue
            count += 1
            now = self._now()
            items = [_Item(event_id, event_type, body, copy, now + settings.delay)
                     for copy in range(1, settings.duplicates + 1)]
            if settings.order == "in_order":
                lane.ready.extend(items)
            else:
                if not lane.held:
                    lane.release_at = now + settings.window
                lane.held.extend(items)
            self._wake(lane)
        return count

    def changed(self) -> None:
        """Settings changed: every lane re-reads them."""
        if self.settings.seed != self._seed:
            self._seed = self.settings.seed
            self._random = random.Random(self._seed)
        for lane in self._lanes.values():
            self._wake(lane)

    def pending(self) -> dict[str, int]:
        return {lane.endpoint.id: len(lane.ready) + len(lane.held) for lane in self._lanes.values()}

    def list_attempts(self, *, after: int = 0, event_id: str | None = None,
                      event_type: str | None = None) -> list[Attempt]:
        return [a for a in self.attempts if a.seq > after
                and (event_id is None or a.event_id == event_id)
                and (event_type is None or a.event_type == event_type)]

    async def wait_attempt(self, after: int, timeout: float) -> None:
        """Return once an attempt numbered above `after` exists, or after `timeout`."""
        if len(self.attempts) <= after:
            await self._news.wait(timeout)

    async def aclose(self) -> None:
        self._closing = True
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._news.fire()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- the lanes --------------------------------------------------------------------

    def _now(self) -> float:
        # Delays and backoff run on the event loop's clock: real seconds, not the
        # injectable wall clock, so a frozen test clock never stalls delivery.
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return 0.0

    def _wake(self, lane: _Lane) -> None:
        if self._closing:
            return
        if lane.task is None or lane.task.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop yet: the first publish inside one starts the lane
            lane.task = loop.create_task(self._run(lane),
                                         name=f"{self.provider}-webhooks-{lane.endpoint.id}")
        lane.signal.fire()

    async def _run(self, lane: _Lane) -> None:
        while not self._closing:
            settings = self.settings
            now = self._now()
            if lane.held and (settings.order == "in_order" or now >= lane.release_at):
                batch, lane.held = lane.held, []
                if settings.order == "reverse":
                    batch.reverse()
                elif settings.order == "shuffle":
                    self._random.shuffle(batch)
                lane.ready.extend(batch)
            wake_at: float | None = lane.release_at if lane.held else None
            if lane.ready and not settings.paused:
                head = lane.ready[0]
                if head.not_before <= now:
                    if await self._attempt(lane.endpoint, head):
                        # The lane may have been emptied meanwhile (endpoint removed).
                        if lane.ready and lane.ready[0] is head:
                            lane.ready.popleft()
                    continue
                wake_at = head.not_before if wake_at is None else min(wake_at, head.not_before)
            await lane.signal.wait(None if wake_at is None else max(0.0, wake_at - self._now()))

    async def _attempt(self, endpoint: Endpoint, item: _Item) -> bool:
        """POST once; True when the item is done (delivered or given up)."""
        settings = self.settings
        headers = {"Content-Type": "application/json; charset=utf-8", **self._headers,
                   **self._sign(endpoint, item.body, item.event_id)}
        status: int | None = None
        error: str | None = None
        try:
            async with self._http().post(endpoint.url, data=item.body, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=settings.timeout),
                                         allow_redirects=False) as response:
                status = response.status
                await response.read()
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except asyncio.TimeoutError:
            error = "timed out"
        except (aiohttp.ClientError, OSError) as exc:
            error = f"connection failed: {type(exc).__name__}"
        item.attempts += 1
        ok = error is None
        gave_up = not ok and item.attempts >= settings.max_attempts
        self.attempts.append(Attempt(
            seq=len(self.attempts) + 1, endpoint_id=endpoint.id, url=endpoint.url,
            event_id=item.event_id, event_type=item.event_type, copy=item.copy,
            attempt=item.attempts, status=status, error=error, ok=ok, gave_up=gave_up,
            time=self._clock()))
        self._news.fire()
        if ok or gave_up:
            return True
        backoff = settings.retry_initial * 2 ** (item.attempts - 1)
        item.not_before = self._now() + min(settings.retry_max, backoff)
        return False

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

