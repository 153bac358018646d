"""`cinebooker serve`: updates arrive by webhook with the secret header; anything
without it is refused with 401. Health and metrics answer."""

from __future__ import annotations

import json
import socket

import aiohttp
from aiohttp import web

from bot.container import build_container
from bot.server import WEBHOOK_PATH, build_app
from tests.e2e.conftest import settings_for

SECRET = "s3cret-Token_42"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_with_secret_health_and_metrics(playground, cinema_db):
    url, client, server = playground
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    settings = settings_for(cinema_db, url, public_url=public, webhook_secret=SECRET)
    runner = web.AppRunner(build_app(build_container(settings)), shutdown_timeout=2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        ann = await client.create_user("Ann", language_code="en")
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Hello, Ann")
        async with aiohttp.ClientSession() as http:
            forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": ann["id"], "type": "private"},
                                                    "from": {"id": ann["id"], "is_bot": False, "first_name": "Ann"}, "text": "/help"}}
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(public + WEBHOOK_PATH, data=json.dumps(forged), headers=headers) as response:
                    assert response.status == 401
            async with http.get(public + "/healthz") as response:
                assert response.status == 200
            async with http.get(public + "/readyz") as response:
                assert response.status == 200 and (await response.json())["database"] == "ok"
            async with http.get(public + "/metrics") as response:
                assert "cinebooker_updates_total" in await response.text()
        transcript = await client.transcript(ann["id"])
        assert not any("How to book" in (m.get("text") or "") for m in transcript)
    finally:
        await runner.cleanup()
