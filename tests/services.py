"""Helpers for tests that need real services (Postgres, Redis, S3 server).

Locally a missing service skips its tests with a loud reason; in CI
(CINEBOOKER_REQUIRE_SERVICES=1) it fails them, so nothing is skipped silently.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

import pytest

REQUIRE_ENV = "CINEBOOKER_REQUIRE_SERVICES"
REDIS_URL = os.environ.get("CINEBOOKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

if TYPE_CHECKING:
    from redis.asyncio import Redis


def services_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def require_or_skip(service_name: str, reason: str) -> NoReturn:
    """Skip the current test because ``service_name`` is unusable, or fail in CI."""
    if services_required():
        pytest.fail(
            f"{service_name} is required ({REQUIRE_ENV}=1) but unusable: {reason}",
            pytrace=False,
        )
    pytest.skip(
        f"!!! {service_name.upper()} NOT AVAILABLE, TEST SKIPPED: {reason} "
        f"(set {REQUIRE_ENV}=1 to make this a failure)"
    )


async def connect_test_redis(decode_responses: bool = False) -> "Redis":
    """A client on the tests' Redis database, flushed; skip (or fail in CI) if unusable."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(
        REDIS_URL, socket_connect_timeout=1, socket_timeout=5, decode_responses=decode_responses
    )
    try:
        await client.ping()
        await client.flushdb()
    except (RedisError, OSError) as exc:
        await client.aclose()
        require_or_skip("Redis", f"cannot use {REDIS_URL}: {type(exc).__name__}: {exc}")
    return client
