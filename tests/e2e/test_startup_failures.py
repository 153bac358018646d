"""A process that cannot start says so in one line, names what failed and where,
exits 2, and never prints a traceback; a service that is only slow is waited for
with one log line per attempt. Run as real processes, like an operator would."""

from __future__ import annotations

import asyncio

import pytest

from playground.client import PlaygroundClient
from playground.telegram.app import create_telegram_app, serve
from tests.e2e.conftest import TOKEN
from tests.e2e.processes import Process, clean_env, free_port, run_cli

SECRET = "startup-test-webhook-secret"


def _env(db_url: str, api_url: str, **extra: str) -> dict[str, str]:
    return clean_env(
        database_url=db_url, telegram_api_url=api_url, stripe_api_url=api_url, paypal_api_url=api_url,
        bot_token=TOKEN, webhook_secret=SECRET, start_timeout="2", **extra,
    )


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("cinebooker: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"], ["polling"]])
def test_the_database_down_is_waited_for_then_one_line(command, tmp_path):
    db = "postgresql+asyncpg://cinebooker:s3cret-pw@127.0.0.1:1/cinebooker"
    result = run_cli(command, _env(db, "http://127.0.0.1:9", redis_url="redis://127.0.0.1:6379/9"))
    line = _one_line_error(result)
    assert "the database at postgresql+asyncpg://cinebooker:***@127.0.0.1:1/cinebooker did not answer" in line
    assert "s3cret-pw" not in result.stderr + result.stdout  # the password never shows
    assert "is not answering (attempt 1" in result.stderr  # a line per attempt while waiting


def test_redis_down_is_waited_for_then_one_line(sqlite_url):
    result = run_cli(["serve", "--port", "0"], _env(sqlite_url, "http://127.0.0.1:9", redis_url="redis://:pw@127.0.0.1:1/0"))
    line = _one_line_error(result)
    assert "Redis at redis://:***@127.0.0.1:1/0 did not answer" in line and ":pw@" not in result.stderr


async def test_telegram_unreachable_or_refusing(sqlite_url):
    # Nobody listens: waited for, then one line naming the Bot API's address.
    unreachable = await asyncio.to_thread(run_cli, ["serve", "--port", str(free_port())], _env(sqlite_url, "http://127.0.0.1:1"))
    assert "Telegram (getMe) at http://127.0.0.1:1 did not answer" in _one_line_error(unreachable)
    assert "Unclosed" not in unreachable.stderr  # the bot's session is closed on the way out
    app = create_telegram_app(tokens=[TOKEN])
    async with serve(app) as url, PlaygroundClient(url) as chat:
        # A token the Bot API does not know: refused at once, no waiting.
        bad = await asyncio.to_thread(
            run_cli, ["serve", "--port", str(free_port())], {**_env(sqlite_url, url), "CINEBOOKER_BOT_TOKEN": "1:nope"}
        )
        assert "refused the bot token" in _one_line_error(bad) and "CINEBOOKER_BOT_TOKEN" in bad.stderr
        assert "1:nope" not in bad.stderr
        # A method Telegram refuses (here: more commands than allowed).
        await chat.set_limits(max_commands=1)
        refused = await asyncio.to_thread(run_cli, ["serve", "--port", str(free_port())], _env(sqlite_url, url))
        line = _one_line_error(refused)
        assert f"Telegram at {url} refused setMyCommands" in line


async def test_a_bot_api_that_comes_up_late_is_waited_for(sqlite_url):
    """The Bot API starts after the bot: `serve` waits, logging each attempt, then serves."""
    port, api_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    process = Process(["serve", "--host", "127.0.0.1", "--port", str(port)],
                      {**_env(sqlite_url, api_url), "CINEBOOKER_START_TIMEOUT": "30"})
    try:
        for _ in range(200):  # until it says it is waiting (the process starts in a few seconds)
            if "Telegram (getMe)" in process.output:
                break
            await asyncio.sleep(0.1)
        assert "is not answering (attempt 1" in process.output and "trying again" in process.output
        assert process.proc.poll() is None  # waiting, not failed
        async with serve(create_telegram_app(), port=api_port):
            await process.wait_http(f"http://127.0.0.1:{port}/healthz", timeout=30)
    finally:
        await process.stop()
    assert "Traceback" not in process.output


def test_a_setting_that_contradicts_the_stored_cinema_stops_the_start(cinema_db):
    """The catalog (Berlin, EUR) is the cinema's home: an explicit CINEBOOKER_TIMEZONE
    that says otherwise is one line, before anything is served."""
    result = run_cli(["serve", "--port", "0"], {**_env(cinema_db, "http://127.0.0.1:9"), "CINEBOOKER_TIMEZONE": "UTC"})
    line = _one_line_error(result)
    assert "CINEBOOKER_TIMEZONE=UTC contradicts the catalog" in line and "Europe/Berlin" in line
    assert "Telegram" not in result.stderr  # stopped before any Bot API call
