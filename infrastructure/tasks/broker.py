"""The Dramatiq broker from settings: Redis when configured, else in process."""

from __future__ import annotations

from dataclasses import dataclass

from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

QUEUE = "cinebooker"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 8
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 300_000  # exponential: 1 s, 2 s, 4 s ... up to 5 minutes
    time_limit_ms: int = 120_000  # a job stuck on a dead connection is stopped and retried
    max_age_ms: int = 24 * 3_600_000  # older messages are dropped; the outbox sweeper has them


def _middleware(policy: RetryPolicy) -> list:  # type: ignore[type-arg]
    return [
        AgeLimit(max_age=policy.max_age_ms),
        TimeLimit(time_limit=policy.time_limit_ms),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=policy.max_retries, min_backoff=policy.min_backoff_ms, max_backoff=policy.max_backoff_ms
        ),
        CurrentMessage(),
        AsyncIO(),
    ]


def build_broker(redis_url: str = "", policy: RetryPolicy | None = None) -> Broker:
    """RedisBroker for REDIS_URL; otherwise a StubBroker that an in-process worker
    thread consumes (the embedded mode: nothing to run beside the bot)."""
    policy = policy or RetryPolicy()
    broker: Broker
    if redis_url:
        broker = RedisBroker(url=redis_url, middleware=_middleware(policy), namespace="cinebooker-tasks")
    else:
        broker = StubBroker(middleware=_middleware(policy))
    broker.declare_queue(QUEUE)
    return broker
