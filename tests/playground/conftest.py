"""The Telegram playground on an ephemeral port, a real aiogram Bot, and the client."""

from __future__ import annotations

from typing import AsyncIterator

import pytest
from aiogram import Bot

from playground.client import PlaygroundClient
from playground.telegram import SERVER_KEY, Limits, create_telegram_app, serve
from tests.playground.helpers import TOKEN, FakeClock, Telegram, make_bot


@pytest.fixture
def limits() -> Limits:
    """Telegram's defaults, but webhook retries fast enough for a test."""
    return Limits(webhook_retry_initial=0.05, webhook_retry_max=0.2)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def telegram(limits: Limits, clock: FakeClock) -> AsyncIterator[Telegram]:
    app = create_telegram_app(limits=limits, clock=clock)
    async with serve(app) as url:
        yield Telegram(url, app[SERVER_KEY], clock)


@pytest.fixture
async def bot(telegram: Telegram) -> AsyncIterator[Bot]:
    bot = make_bot(telegram.url)
    yield bot
    await bot.session.close()


@pytest.fixture
async def client(telegram: Telegram) -> AsyncIterator[PlaygroundClient]:
    async with PlaygroundClient(telegram.url, bot=TOKEN) as client:
        yield client


@pytest.fixture
async def ann(client: PlaygroundClient, bot: Bot) -> dict:
    """A user who has started the bot (so the bot may write to her)."""
    await bot.get_me()  # registers the bot
    user = await client.create_user("Ann", username="ann")
    await client.send_text(user["id"], "/start")
    return user
