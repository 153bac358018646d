"""The Telegram side survives a restart when given a state file: users, chats,
messages with their edits and keyboards, files, bots; ids go on without reuse."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from playground.client import PlaygroundClient
from playground.telegram import SERVER_KEY, Limits, create_telegram_app, serve
from playground.telegram.autosave import AUTOSAVE_KEY
from playground.telegram.webhook import SECRET_HEADER
from tests.playground.helpers import BOT_ID, TOKEN, FakeClock, make_bot, png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NO_FLOOD = Limits(private_chat_rate=0, group_chat_rate=0, global_rate=0)
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Seat A1", callback_data="s:A1")]])


@asynccontextmanager
async def running(state: Path, **options: Any) -> AsyncIterator[tuple[str, web.Application, Bot, PlaygroundClient]]:
    """One life of the server: start on `state`, stop cleanly (the final save) at the end."""
    options.setdefault("limits", NO_FLOOD)
    app = create_telegram_app(clock=FakeClock(), state_path=state, **options)
    async with serve(app) as url, PlaygroundClient(url, bot=TOKEN) as client:
        bot = make_bot(url)
        try:
            yield url, app, bot, client
        finally:
            await bot.session.close()


async def test_users_chats_messages_and_files_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "var" / "state.json"
    async with running(state) as (_, app, bot, client):
        await bot.set_my_commands([{"command": "start", "description": "Begin"}])  # type: ignore[list-item]
        ann = await client.create_user("Ann", username="ann", language_code="de")
        bob = await client.create_user("Bob")
        await client.send_text(ann["id"], "/start")
        card = await bot.send_message(ann["id"], "<b>Pick</b> a seat", parse_mode="HTML", reply_markup=KEYBOARD)
        await bot.edit_message_text("<b>Picked</b> A1", chat_id=ann["id"], message_id=card.message_id,
                                    parse_mode="HTML", reply_markup=KEYBOARD)
        gone = await bot.send_message(ann["id"], "soon gone")
        await bot.delete_message(ann["id"], gone.message_id)
        photo = await bot.send_photo(ann["id"], BufferedInputFile(png(40, 30), "hall.png"))
        invoice = await bot.send_document(ann["id"], BufferedInputFile(PDF, "invoice.pdf"), caption="Your invoice")
        group = await client.create_group("Movie night", [ann["id"], bob["id"]])
        await client.send_text(group["id"], "/start@cinebooker_bot", user_id=bob["id"])
        before_private = await client.transcript(ann["id"])
        before_group = await client.transcript(group["id"])
        last_update = max(u["update_id"] for u in await client.pending_updates(BOT_ID))
        photo_path = (await bot.get_file(photo.photo[-1].file_id)).file_path
    assert state.is_file() and list((tmp_path / "var" / "state.files").iterdir())

    async with running(state) as (url, app, bot, client):
        assert {u["first_name"]: u for u in await client.users()} == {
            "Ann": {"id": ann["id"], "is_bot": False, "first_name": "Ann", "username": "ann",
                    "language_code": "de"},
            "Bob": {"id": bob["id"], "is_bot": False, "first_name": "Bob", "language_code": "en"},
        }
        groups = [c for c in await client.chats() if c["type"] == "group"]
        assert [(g["id"], g["title"], g["member_ids"], g["bot_ids"]) for g in groups] == \
            [(group["id"], "Movie night", [ann["id"], bob["id"]], [BOT_ID])]
        # Every message as the web chat shows it: edits, entities, keyboards, deletions.
        assert await client.transcript(ann["id"]) == before_private
        assert await client.transcript(group["id"]) == before_group
        edited = next(m for m in before_private if m["message_id"] == card.message_id)
        assert (edited["text"], edited["edit_count"], edited["entities"][0]["type"]) == ("Picked A1", 1, "bold")
        assert edited["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "s:A1"
        # The keyboard still works: a click reaches the bot.
        await client.click(ann["id"], card.message_id, "s:A1", wait=0)

        # Files download through the control API and the Bot API's file route.
        assert await client.download(invoice.document.file_id) == PDF
        assert await client.download(photo.photo[-1].file_id) == png(40, 30)
        downloaded = await bot.download_file(photo_path)
        assert downloaded is not None and downloaded.read() == png(40, 30)
        # A file_id from before the restart can be sent again without an upload.
        again = await bot.send_document(ann["id"], invoice.document.file_id)
        assert again.document.file_id == invoice.document.file_id

        # Ids go on: messages per chat, updates, users, groups, file paths.
        assert again.message_id == invoice.message_id + 1
        sent = await client.send_text(ann["id"], "hello again")
        assert sent["update_id"] > last_update
        carl = await client.create_user("Carl")
        assert carl["id"] > bob["id"]
        second = await client.create_group("Second", [ann["id"]])
        assert second["id"] != group["id"]
        new_file = await bot.send_photo(ann["id"], BufferedInputFile(png(8, 8), "x.png"))
        assert (await bot.get_file(new_file.photo[-1].file_id)).file_path != photo_path
        # The bot's settings and the users who started it are kept.
        commands = await bot.get_my_commands()
        assert [(c.command, c.description) for c in commands] == [("start", "Begin")]
        assert (await bot.send_message(ann["id"], "still allowed")).text == "still allowed"


async def test_a_restart_keeps_the_web_chats_view(tmp_path: Path) -> None:
    """The web chat reloads from the overview and the transcripts after a restart."""
    state = tmp_path / "state.json"
    async with running(state) as (url, _app, bot, client):
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "/start")
        await bot.send_message(ann["id"], "Welcome")
        first = await overview(url)
    async with running(state) as (url, _app, _bot, client):
        fresh = await overview(url)
        # A new instance (the page starts over) that already knows Ann and the bot.
        assert fresh["instance"] != first["instance"]
        assert [u["first_name"] for u in fresh["users"]] == ["Ann"]
        assert [b["id"] for b in fresh["bots"]] == [BOT_ID]
        texts = [m["text"] for m in await client.transcript(ann["id"])]
        assert texts == ["/start", "Welcome"]


async def overview(url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/control/overview") as response:
        return await response.json()


async def test_without_a_state_path_nothing_is_written(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_telegram_app(limits=NO_FLOOD)
    async with serve(app) as url, PlaygroundClient(url, bot=TOKEN) as client:
        await client.register_bot(TOKEN)
        await client.create_user("Ann")
    assert AUTOSAVE_KEY not in app
    assert list(tmp_path.iterdir()) == []


async def test_changes_are_saved_while_running_not_only_at_shutdown(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    async with running(state, save_interval=0.05) as (_, _app, _bot, client):
        await client.register_bot(TOKEN)
        await client.create_user("Ann")
        for _ in range(100):
            if state.exists() and "Ann" in state.read_text():
                break
            await asyncio.sleep(0.02)
        saved = json.loads(state.read_text())
        assert [u["first_name"] for u in saved["users"]] == ["Ann"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


async def test_a_burst_of_sends_costs_a_few_writes(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    async with running(state, save_interval=1.0) as (_, app, bot, client):
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "/start")
        saver = app[AUTOSAVE_KEY]
        loop = asyncio.get_running_loop()
        started, writes_before = loop.time(), saver.saves
        for number in range(100):
            await bot.send_message(ann["id"], f"message {number}")
        elapsed = loop.time() - started
        writes = saver.saves - writes_before
        # At most one write per second of the burst, plus the one under way.
        assert writes <= int(elapsed) + 2, (writes, elapsed)
    saved = json.loads(state.read_text())
    (chat,) = [c for c in saved["conversations"] if c["chat_id"] == ann["id"]]
    assert [m["text"] for m in chat["messages"]][-1] == "message 99"  # the shutdown write


async def test_a_corrupt_state_file_is_moved_aside_and_the_server_starts_empty(
    tmp_path: Path, caplog: Any
) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": "cinebooker-playground-telegram", "version": 1, "users": [')
    with caplog.at_level(logging.WARNING, logger="playground.telegram.state"):
        async with running(state) as (_, app, _bot, client):
            assert app[SERVER_KEY].users == {} and await client.users() == []
            await client.create_user("Fresh")
    (broken,) = tmp_path.glob("state.json.broken-*")
    assert broken.read_text().endswith('"users": [')  # kept as it was, for a look
    assert "unreadable" in caplog.text and str(broken) in caplog.text
    assert [u["first_name"] for u in json.loads(state.read_text())["users"]] == ["Fresh"]


async def test_a_state_file_of_another_version_or_shape_is_not_trusted(tmp_path: Path) -> None:
    for number, content in enumerate([
        {"format": "cinebooker-playground-telegram", "version": 99},
        {"format": "cinebooker-playground-telegram", "version": 1, "users": [{"id": 1}]},
        [1, 2, 3],
    ]):
        folder = tmp_path / str(number)
        folder.mkdir()
        state = folder / "state.json"
        state.write_text(json.dumps(content))
        app = create_telegram_app(state_path=state)
        assert app[SERVER_KEY].users == {} and app[SERVER_KEY].bots == {}
        assert not state.exists() and len(list(folder.glob("state.json.broken-*"))) == 1


async def test_a_bot_whose_token_changed_keeps_its_chats(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    async with running(state, tokens=[TOKEN]) as (_, _app, bot, client):
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "/start")
    renewed = f"{BOT_ID}:a-new-secret"
    async with running(state, tokens=[renewed]) as (url, _app, _bot, _client):
        bot = make_bot(url, renewed)
        try:
            assert (await bot.send_message(ann["id"], "hi")).message_id == 2
        finally:
            await bot.session.close()


async def test_a_webhook_set_before_the_restart_delivers_after_it(tmp_path: Path) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.json_response({})

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    state = tmp_path / "state.json"
    async with serve(receiver) as hook_url:
        async with running(state) as (_, _app, bot, client):
            await bot.set_webhook(f"{hook_url}/hook", secret_token="kept")
            ann = await client.create_user("Ann")
        async with running(state) as (_, _app, bot, client):
            sent = await client.send_text(ann["id"], "/start")
            for _ in range(200):
                if received:
                    break
                await asyncio.sleep(0.01)
            assert received == [("kept", {"update_id": sent["update_id"], "message": received[0][1]["message"]})]
            assert (await bot.get_webhook_info()).url == f"{hook_url}/hook"
