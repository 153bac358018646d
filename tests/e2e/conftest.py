"""The real bot (aiogram's HTTP session) against the playground's Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import AsyncIterator

import pytest

from bot.container import build_container
from bot.settings import Settings
from bot.telegram import TelegramRuntime, build_telegram
from infrastructure.catalog import load_catalog
from playground.client import PlaygroundClient
from playground.payments.app import setup_paypal, setup_stripe
from playground.payments.paypal.sandbox import PayPalSandbox
from playground.payments.stripe.sandbox import StripeSandbox
from playground.telegram.app import SERVER_KEY, create_telegram_app, serve

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "700100:cinebooker-e2e-token"
# `serve` never runs its Telegram webhook open; tests that serve one use this.
WEBHOOK_SECRET = "e2e-telegram-webhook-secret"


@pytest.fixture
async def playground() -> AsyncIterator[tuple[str, PlaygroundClient, object]]:
    app = create_telegram_app()
    # The payment sandboxes beside the Bot API, as `cinebooker playground` mounts them:
    # a bot of settings_for pays there (the summary's pay buttons ask the provider at
    # once), never at api.stripe.com, the settings' default.
    setup_stripe(app, StripeSandbox())
    setup_paypal(app, PayPalSandbox())
    async with serve(app) as url:
        async with PlaygroundClient(url) as client:
            yield url, client, app[SERVER_KEY]


def settings_for(db_url: str, api_url: str, **extra: object) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db_url,
        telegram_api_url=api_url,
        bot_token=TOKEN,
        timezone="Europe/Berlin",
        cache_dir=str(Path(tempfile.gettempdir()) / "cinebooker-e2e-cache"),
        # Scripted customers click faster than people; the flood test sets its own.
        # Payments go to the sandboxes of the `playground` fixture unless a test says.
        **{"throttle_burst": 200, "webhook_secret": WEBHOOK_SECRET, "stripe_api_url": api_url,
           "paypal_api_url": api_url, **extra},
    )


@pytest.fixture
async def cinema_db(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite database with the sample cinema (showtimes from today)."""
    path = tmp_path / "cinema.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    container = build_container(settings_for(url, "http://unused"))
    try:
        await container.catalog_admin.import_catalog(load_catalog(ROOT / "examples" / "cinema.yaml"))
    finally:
        await container.close()
    return url


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, **policy: object) -> AsyncIterator[TelegramRuntime]:
    """The bot in long-polling mode until the block ends; ``policy`` overrides
    BookingPolicy fields (a hold of seconds, say)."""
    container = build_container(settings)
    if policy:
        container.deps = dataclasses.replace(
            container.deps, policy=dataclasses.replace(container.deps.policy, **policy)
        )
    runtime = build_telegram(container)
    runtime.notifier.every = 0.2
    runtime.expiry.every = 0.2
    runtime.start_background()
    polling = asyncio.create_task(
        runtime.dispatcher.start_polling(
            runtime.bot, handle_signals=False, polling_timeout=1, close_bot_session=False
        )
    )
    try:
        yield runtime
    finally:
        await runtime.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError, RuntimeError):
            await asyncio.wait_for(polling, 5)
        await runtime.close()
        await container.close()
