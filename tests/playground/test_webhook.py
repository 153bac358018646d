"""Webhook mode: the playground POSTs updates to the bot's URL."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Callable

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.types import Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from playground.client import PlaygroundClient
from playground.telegram import serve
from playground.telegram.webhook import SECRET_HEADER

Received = list[tuple[str | None, dict[str, Any]]]


async def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, Received, list[int]]]:
    """A bare webhook endpoint; answers the statuses queued in `statuses` first."""
    received: Received = []
    statuses: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.json_response({}, status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    async with serve(app) as url:
        yield f"{url}/hook", received, statuses


async def test_updates_arrive_with_the_secret_header(
    bot: Bot, client: PlaygroundClient, receiver: tuple[str, Received, list[int]]
) -> None:
    url, received, _ = receiver
    assert await bot.set_webhook(url, secret_token="s3cret-Token_1") is True
    ann = await client.create_user("Ann")
    sent = await client.send_text(ann["id"], "/start")
    await eventually(lambda: len(received) == 1)
    header, body = received[0]
    assert header == "s3cret-Token_1"
    update = Update.model_validate(body)
    assert update.update_id == sent["update_id"]
    assert update.message is not None and update.message.text == "/start"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_date) == (url, 0, None)
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()


async def test_no_header_without_a_secret_and_bad_secrets_refused(
    bot: Bot, client: PlaygroundClient, receiver: tuple[str, Received, list[int]]
) -> None:
    url, received, _ = receiver
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook(url, secret_token="not allowed!")
    await bot.set_webhook(url)
    ann = await client.create_user("Ann")
    await client.send_text(ann["id"], "hi")
    await eventually(lambda: len(received) == 1)
    assert received[0][0] is None


async def test_failed_deliveries_are_retried_in_order_per_chat(
    bot: Bot, client: PlaygroundClient
) -> None:
    log: list[tuple[str, int]] = []
    failures = {"ann 1": 2}  # Ann's first update fails twice, then goes through

    async def hook(request: web.Request) -> web.Response:
        text = (await request.json())["message"]["text"]
        status = 500 if failures.get(text, 0) > 0 else 200
        failures[text] = failures.get(text, 0) - 1
        log.append((text, status))
        return web.json_response({}, status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    async with serve(app) as url:
        ann, bob = await client.create_user("Ann"), await client.create_user("Bob")
        for text in ("ann 1", "ann 2"):
            await client.send_text(ann["id"], text)
        await client.send_text(bob["id"], "bob 1")
        await bot.set_webhook(f"{url}/hook")
        await eventually(lambda: len([1 for _, status in log if status == 200]) == 3)
        info = await bot.get_webhook_info()
    assert log.count(("ann 1", 500)) == 2
    delivered = [text for text, status in log if status == 200]
    # Bob is not held up by Ann's failures; Ann's updates keep their order.
    assert delivered == ["bob 1", "ann 1", "ann 2"]
    assert log.index(("ann 1", 200)) < log.index(("ann 2", 200))
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_delete_webhook_returns_to_polling(
    bot: Bot, client: PlaygroundClient, receiver: tuple[str, Received, list[int]]
) -> None:
    url, _, statuses = receiver
    statuses.extend([503] * 100)
    await bot.set_webhook(url)
    ann = await client.create_user("Ann")
    await client.send_text(ann["id"], "stuck")
    assert await bot.delete_webhook() is True
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["stuck"]
    await bot.set_webhook(url, drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_aiogram_webhook_handler_and_reply_in_webhook_response(
    bot: Bot, client: PlaygroundClient
) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> Any:
        # Returning the method makes aiogram answer inside the webhook response.
        return message.answer(f"echo: {message.text}")

    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="right", handle_in_background=False).register(
        app, path="/telegram/webhook")
    async with serve(app) as url:
        await bot.set_webhook(f"{url}/telegram/webhook", secret_token="right")
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "popcorn")
        reply = await client.wait_for_text(ann["id"], "echo: popcorn")
        assert reply["outgoing"] is True
        calls = await client.calls(method="sendMessage")
        assert [(c["ok"], c["via"]) for c in calls] == [(True, "webhook-reply")]
        await bot.delete_webhook()
