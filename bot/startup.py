"""What a process needs before it serves: the database, Redis and the Bot API.

A service that does not answer yet (starting in the same compose file, a network
hiccup) is waited for, one log line per attempt, up to CINEBOOKER_START_TIMEOUT. A
refusal that waiting cannot cure (a bad token, a method Telegram refuses) ends the
start at once. Either way the command ends with one line that names what failed and
where, exit 2, and never a traceback (bot/cli.py turns StartupFailed into that).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError, TelegramUnauthorizedError
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.engine import make_url

from bot.settings import Settings

log = logging.getLogger("cinebooker.startup")


class StartupFailed(Exception):
    """One line for the operator: what failed, where, and what to do."""


def masked(url: str) -> str:
    """A service address fit for a log line: the password never shows."""
    if "://" not in url:
        return url
    if url.split("://", 1)[0].startswith(("postgresql", "sqlite", "mysql")):
        return make_url(url).render_as_string(hide_password=True)
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


async def retrying(
    what: str,
    where: str,
    attempt: Callable[[], Awaitable[Any]],
    *,
    timeout: float,
    transient: tuple[type[BaseException], ...],
    every: float = 2.0,
) -> Any:
    """``attempt()`` until it succeeds; transient errors are logged once per try and
    retried until ``timeout`` seconds have passed; anything else fails at once."""
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        try:
            return await attempt()
        except transient as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                raise StartupFailed(f"{what} at {where} did not answer within {timeout:g}s: {_reason(exc)}") from None
            log.warning("%s at %s is not answering (attempt %d: %s); trying again", what, where, tries, _reason(exc))
            await asyncio.sleep(min(every, left))


async def wait_for_database(url: str, timeout: float) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from infrastructure.db.engine import create_engine

    async def ping() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    # A file is not a server that is still starting: SQLite is asked once.
    timeout = 0 if url.startswith("sqlite") else timeout
    try:
        await retrying(
            "the database", masked(url), ping, timeout=timeout,
            transient=(OSError, OperationalError, InterfaceError, asyncio.TimeoutError, ConnectionError),
        )
    except DBAPIError as exc:  # refused for good: a wrong password, no such database
        raise StartupFailed(f"the database at {masked(url)} refused the connection: {_reason(exc.orig or exc)}") from None


async def wait_for_redis(url: str, timeout: float) -> None:
    from redis.asyncio import Redis
    from redis.exceptions import AuthenticationError, ConnectionError, ResponseError, TimeoutError

    async def ping() -> None:
        client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        await retrying("Redis", masked(url), ping, timeout=timeout, transient=(ConnectionError, TimeoutError, OSError))
    except (AuthenticationError, ResponseError) as exc:
        raise StartupFailed(f"Redis at {masked(url)} refused us: {_reason(exc)}") from None


async def wait_for_services(settings: Settings) -> None:
    """The database, and Redis when configured, before anything is built on them."""
    await wait_for_database(settings.database_url, settings.start_timeout)
    if settings.redis_url:
        await wait_for_redis(settings.redis_url, settings.start_timeout)


async def telegram_call(what: str, settings: Settings, call: Callable[[], Awaitable[Any]]) -> Any:
    """A Bot API call at start: network trouble and 5xx are waited out; a refused
    token or a refused request end the start with Telegram's own words."""
    where = settings.telegram_api_url
    try:
        return await retrying(
            f"Telegram ({what})", where, call, timeout=settings.start_timeout,
            transient=(TelegramNetworkError, TelegramServerError, TelegramRetryAfter, OSError, asyncio.TimeoutError),
        )
    except TelegramUnauthorizedError:
        raise StartupFailed(
            f"Telegram at {where} refused the bot token ({what}): check CINEBOOKER_BOT_TOKEN (from @BotFather)"
        ) from None
    except TelegramAPIError as exc:
        raise StartupFailed(f"Telegram at {where} refused {what}: {exc.message}") from None
