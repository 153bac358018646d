"""In a real Chromium: after a restart on the same state file the open web chat
starts over with the new server, and shows the kept chat, its document included.

Uses the browser suite's Chromium fixture (it skips loudly when Chromium is
missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.types import BufferedInputFile

from playground.client import PlaygroundClient
from playground.telegram import create_telegram_app, serve
from tests.browser.conftest import browser  # noqa: F401 - a fixture, used by name
from tests.browser.webchat import WebChat
from tests.playground.helpers import TOKEN, make_bot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_the_web_chat_shows_the_kept_chat_after_a_restart(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    state = tmp_path / "state.json"
    context = await browser.new_context()
    chat = WebChat(await context.new_page())
    try:
        async with serve(create_telegram_app(state_path=state)) as url, \
                PlaygroundClient(url, bot=TOKEN) as client:
            port = int(url.rsplit(":", 1)[1])
            bot = make_bot(url)
            try:
                await bot.get_me()
                ann = await client.create_user("Ann")
                await client.send_text(ann["id"], "/start")
                await bot.send_message(ann["id"], "Kept across restarts")
                await bot.send_document(ann["id"], BufferedInputFile(PDF, "invoice.pdf"))
            finally:
                await bot.session.close()
            await chat.open(url)
            await chat.bot_document("invoice.pdf")
        status = chat.page.locator("#live-status")
        await status.and_(chat.page.locator("[data-state=offline]")).wait_for()
        async with serve(create_telegram_app(state_path=state), port=port):
            await status.and_(chat.page.locator("[data-state=live]")).wait_for(timeout=10_000)
            await chat.page.locator(".toast", has_text="restarted").first.wait_for()
            # Started over with the new server, which already has the chat.
            await chat.bot_message("Kept across restarts")
            link = await chat.bot_document("invoice.pdf")
            tab = await chat.open_in_new_tab(link)
            response = await chat.page.request.get(tab.url)
            assert "control/files/" in tab.url and await response.body() == PDF
            assert chat.page_loads == 1 and chat.errors == []
    finally:
        await context.close()
