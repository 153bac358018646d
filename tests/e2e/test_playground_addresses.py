"""`cinebooker playground --port N` says at start, in one line, every address a
person needs: the web chat on N and the bot's own server, which takes N + 1."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from tests.e2e.test_playground_process import READY, _two_free_ports, playground_process


async def test_the_ready_line_names_the_web_chat_and_the_port_the_bot_took(tmp_path: Path) -> None:
    port = _two_free_ports()
    async with playground_process(tmp_path, port) as process:
        ready = [line for line in process.lines if READY in line]
        assert len(ready) == 1, process.lines
        addresses = re.findall(r"http://[\w.:-]+/?", ready[0])
        assert addresses == [f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port + 1}"], ready[0]
        # Each address is what the line says it is.
        async with aiohttp.ClientSession() as http:
            async with http.get(addresses[0]) as chat:
                assert chat.status == 200 and "webchat/main.js" in await chat.text()
            async with http.get(f"{addresses[1]}/healthz") as bot:
                assert bot.status == 200
            async with http.post(f"{addresses[1]}/telegram/webhook", json={}) as webhook:
                assert webhook.status == 401  # the bot's webhook, guarded by its secret
