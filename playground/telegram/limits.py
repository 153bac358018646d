"""Telegram's limits as data, and the token buckets that enforce the flood limits.

Every number the server enforces is a field of `Limits`, so a test or a benchmark
can tighten or loosen one (a flash-sale run keeps the per-chat limit and lifts the
global one) without touching the code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Callable, Hashable, Iterable

from playground.telegram.errors import too_many_requests

Clock = Callable[[], float]


@dataclass
class Limits:
    # Content sizes (Telegram's documented numbers).
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_answer_length: int = 200
    # Count lengths in UTF-16 code units instead of characters (len()).
    count_utf16: bool = False
    # Inline keyboards.
    max_callback_data_bytes: int = 64
    max_inline_buttons_per_row: int = 8
    max_inline_buttons: int = 100
    max_reply_markup_bytes: int = 10_240
    # Reply (custom) keyboards.
    max_reply_buttons_per_row: int = 12
    max_reply_buttons: int = 300
    # Bot commands.
    max_commands: int = 100
    # Flood limits: a token bucket per key refills at `rate` messages a second and
    # holds up to `burst`. Sends always count; edits count where the flag says so.
    # A rate of 0 switches that bucket off.
    private_chat_rate: float = 1.0
    private_chat_burst: float = 5.0
    private_edits_count: bool = False
    group_chat_rate: float = 20 / 60
    group_chat_burst: float = 20.0
    group_edits_count: bool = True
    global_rate: float = 30.0
    global_burst: float = 30.0
    global_edits_count: bool = False
    # Callback queries must be answered within this many seconds (server clock).
    callback_answer_timeout: float = 15.0
    # Files.
    max_photo_bytes: int = 10 * 1024 * 1024
    max_photo_dimension_sum: int = 10_000
    max_photo_ratio: float = 20.0
    max_upload_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 20 * 1024 * 1024
    url_fetch_timeout: float = 10.0
    # getUpdates and webhooks.
    max_updates_per_request: int = 100
    webhook_timeout: float = 10.0
    webhook_retry_initial: float = 1.0
    webhook_retry_max: float = 60.0
    # None retries an update until it is delivered or the webhook is removed.
    webhook_max_attempts: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def updated(self, changes: dict[str, Any]) -> "Limits":
        """A copy with `changes` applied; unknown names or wrong types raise ValueError."""
        known = {f.name: f for f in fields(self)}
        values = self.to_json()
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown limit {name!r}")
            current = values[name]
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"limit {name!r} must be true or false")
            elif value is not None and not isinstance(value, (int, float)):
                raise ValueError(f"limit {name!r} must be a number")
            values[name] = value
        return Limits(**values)

    def text_length(self, text: str) -> int:
        if self.count_utf16:
            return len(text.encode("utf-16-le")) // 2
        return len(text)


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Rule:
    """One bucket a call draws from: its key and the bucket's shape right now."""

    key: Hashable
    rate: float
    burst: float


class FloodControl:
    """Token buckets keyed by (scope, bot, chat); all-or-nothing across the rules."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}

    def take(self, rules: Iterable[Rule]) -> None:
        """Take one token from every bucket, or raise 429 and take none."""
        now = self._clock()
        rules = [r for r in rules if r.rate > 0 and math.isfinite(r.rate)]
        wait = 0.0
        for rule in rules:
            bucket = self._refill(rule, now)
            if bucket.tokens < 1.0:
                wait = max(wait, (1.0 - bucket.tokens) / rule.rate)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for rule in rules:
            self._buckets[rule.key].tokens -= 1.0

    def _refill(self, rule: Rule, now: float) -> _Bucket:
        bucket = self._buckets.get(rule.key)
        if bucket is None:
            bucket = self._buckets[rule.key] = _Bucket(tokens=rule.burst, updated=now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(rule.burst, bucket.tokens + elapsed * rule.rate)
        bucket.updated = now
        return bucket


def flood_rules(
    limits: Limits, *, bot_id: int, chat_id: int, is_group: bool, is_edit: bool
) -> list[Rule]:
    """Which buckets a send or an edit into this chat draws from."""
    rules: list[Rule] = []
    if is_group:
        if not is_edit or limits.group_edits_count:
            rules.append(
                Rule(("group", bot_id, chat_id), limits.group_chat_rate, limits.group_chat_burst)
            )
    elif not is_edit or limits.private_edits_count:
        rules.append(
            Rule(("private", bot_id, chat_id), limits.private_chat_rate, limits.private_chat_burst)
        )
    if not is_edit or limits.global_edits_count:
        rules.append(Rule(("global", bot_id), limits.global_rate, limits.global_burst))
    return rules


__all__ = ["Clock", "FloodControl", "Limits", "Rule", "flood_rules"]
