"""`cinebooker serve` as a real process, probed from outside: no update gets in
without the webhook secret, a malformed one is a 400, and no real service is reached
with a credential this repository publishes."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.settings import PUBLIC_DEFAULTS
from tests.e2e.conftest import TOKEN
from tests.e2e.processes import clean_env, free_port, run_cli, serve_process

SECRET = "serve-test-secret-0123456789"


def stand_in_env(db_url: str, api_url: str, port: int, **extra: str) -> dict[str, str]:
    """`serve` against the playground's stand-ins for Telegram, Stripe and PayPal."""
    return clean_env(
        database_url=db_url, telegram_api_url=api_url, stripe_api_url=api_url, paypal_api_url=api_url,
        public_url=f"http://127.0.0.1:{port}", bot_token=TOKEN, timezone="Europe/Berlin", **extra,
    )


def _update(user_id: int, text: str, update_id: int = 900) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 0, "text": text,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Mallory"},
        },
    }


async def test_serve_refuses_to_start_without_a_webhook_secret(cinema_db):
    port = free_port()
    result = run_cli(["serve", "--port", str(port)], stand_in_env(cinema_db, "http://127.0.0.1:9", port))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CINEBOOKER_WEBHOOK_SECRET is not set" in lines[0]
    assert "secrets.token_urlsafe" in lines[0]  # says how to make one
    assert "Traceback" not in result.stderr + result.stdout


async def test_serve_refuses_a_short_or_malformed_secret_without_repeating_it(cinema_db):
    port = free_port()
    short = run_cli(["serve", "--port", str(port)],
                    stand_in_env(cinema_db, "http://127.0.0.1:9", port, webhook_secret="abc123"))
    assert short.returncode == 2 and "too short" in short.stderr and "abc123" not in short.stderr
    odd = "has spaces and ü-" + "x" * 20
    malformed = run_cli(["serve", "--port", str(port)],
                        stand_in_env(cinema_db, "http://127.0.0.1:9", port, webhook_secret=odd))
    assert malformed.returncode == 2
    assert "CINEBOOKER_WEBHOOK_SECRET" in malformed.stderr and odd not in malformed.stderr + malformed.stdout


async def test_only_updates_with_the_secret_get_in_and_malformed_ones_are_400(playground, cinema_db):
    url, client, _ = playground
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    async with serve_process(stand_in_env(cinema_db, url, port, webhook_secret=SECRET), port) as serve:
        ann = await client.create_user("Ann", language_code="en")
        # The real path: the playground delivers to the webhook with the secret.
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Hello, Ann", timeout=15)
        before = len(await client.transcript(ann["id"]))
        hook = public + "/telegram/webhook"
        forged = json.dumps(_update(ann["id"], "/help"))
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                            {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]},
                            {"X-Telegram-Bot-Api-Secret-Token": "ünïcode-" + SECRET}):
                async with http.post(hook, data=forged, headers=headers) as response:
                    assert response.status == 401, headers
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
            for body in ("{not json", "[]", "null", json.dumps({"update_id": "x"}),
                         json.dumps({"update_id": 1, "message": {"text": "/start"}}),
                         json.dumps({"update_id": 10**30}), "\xff\xfe"):
                async with http.post(hook, data=body.encode("utf-8", "surrogateescape"), headers=right) as response:
                    assert response.status == 400, body
                    assert "malformed update" in (await response.json())["error"]
            async with http.post(hook, data=b"{" + b" " * (2 * 1024 * 1024) + b"}", headers=right) as response:
                assert response.status == 413
        # Nothing of that reached the chat; the bot still answers the real path.
        assert len(await client.transcript(ann["id"])) == before
        await client.send_text(ann["id"], "/help", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "How to book", timeout=15)
    assert "Traceback" not in serve.output, serve.output
    assert SECRET not in serve.output and TOKEN not in serve.output  # secrets never logged


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["polling"]])
def test_no_public_default_next_to_a_real_service(command, tmp_path):
    """Nothing set but what `serve` needs: it would reach the real Telegram, Stripe and
    PayPal with the playground's published credentials."""
    env = clean_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite", webhook_secret=SECRET,
                    redis_url="redis://127.0.0.1:1/0")
    result = run_cli(command, env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    named = {f"CINEBOOKER_{field.upper()}" for field in PUBLIC_DEFAULTS}
    assert {line.split()[2] for line in lines} == named  # "cinebooker: error: NAME ..."
    assert all("public default" in line and "Telegram" in line for line in lines)
    assert not any(default in result.stderr for default in PUBLIC_DEFAULTS.values())
    assert "Traceback" not in result.stderr


def test_real_provider_with_own_credentials_passes_the_check(tmp_path):
    """Only the credentials still at their defaults are named."""
    env = clean_env(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite", telegram_api_url="http://127.0.0.1:9",
        paypal_api_url="http://127.0.0.1:9", stripe_secret_key="sk_live_own", bot_token="1:own",
        webhook_secret=SECRET,
    )
    result = run_cli(["serve", "--port", str(free_port())], env, timeout=30)
    assert result.returncode == 2
    assert "CINEBOOKER_STRIPE_WEBHOOK_SECRET" in result.stderr and "real Stripe" in result.stderr
    assert "CINEBOOKER_STRIPE_SECRET_KEY" not in result.stderr and "CINEBOOKER_BOT_TOKEN" not in result.stderr
