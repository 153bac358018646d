"""The web chat's server side: its page and assets, and the control API pieces it
relies on (overview, adding group members, reply keyboard events, file links)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiohttp import web

from playground.client import PlaygroundClient
from playground.telegram import create_telegram_app, serve
from playground.telegram.web.routes import STATIC
from tests.playground.helpers import BOT_ID, Telegram


async def fetch(url: str, method: str = "GET", **options: Any) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http:
        async with http.request(method, url, **options) as response:
            return response.status, dict(response.headers), await response.read()


# --- the page and its assets ------------------------------------------------------------

async def test_the_page_is_served_at_the_root_with_a_strict_policy(telegram: Telegram) -> None:
    status, headers, body = await fetch(f"{telegram.url}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<script type="module" src="webchat/main.js">' in page
    policy = headers["Content-Security-Policy"]
    # Nothing inline and nothing from elsewhere may run, whatever a message holds.
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # Every address is relative: the page works under a sub-app prefix too.
    assert 'src="/' not in page and 'href="/' not in page


async def test_every_asset_the_page_names_is_served_with_its_type(telegram: Telegram) -> None:
    names = sorted(p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css", ".svg"))
    assert {"main.js", "webchat.css", "entities.js", "live.js"} <= set(names)
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    for name in names:
        status, headers, body = await fetch(f"{telegram.url}/webchat/{name}")
        assert status == 200, name
        assert headers["Content-Type"].split(";")[0] == types[name[name.rindex("."):]]
        assert body == (STATIC / name).read_bytes()
    # Every module a module imports exists (a typo would only show in a browser).
    for script in (STATIC / n for n in names if n.endswith(".js")):
        for line in script.read_text().splitlines():
            if line.startswith("import ") and ' from "./' in line:
                assert (STATIC / line.split('"./')[1].split('"')[0]).is_file(), line


@pytest.mark.parametrize("name", ["index.html", "..%2Fapp.py", "%2E%2E%2Froutes.py", "nope.js", "main.JS"])
async def test_nothing_else_is_served_as_an_asset(telegram: Telegram, name: str) -> None:
    status, _, _ = await fetch(f"{telegram.url}/webchat/{name}")
    assert status == 404


async def test_a_t_me_deep_link_leads_back_into_the_web_chat(telegram: Telegram) -> None:
    status, headers, _ = await fetch(
        f"{telegram.url}/t.me/cinebooker_bot?start=paid_12", allow_redirects=False
    )
    assert status == 302 and headers["Location"] == "/?bot=cinebooker_bot&start=paid_12"
    for bad in ("/t.me/x?start=paid_1", "/t.me/cinebooker_bot?start=a%20b", "/t.me/cinebooker_bot?start=" + "a" * 65):
        status, _, _ = await fetch(telegram.url + bad, allow_redirects=False)
        assert status == 400, bad


async def test_the_page_works_under_a_prefix_and_a_host_keeps_its_own_root() -> None:
    root = web.Application()
    root.add_subapp("/tg", create_telegram_app())
    async with serve(root) as url:
        status, _, body = await fetch(f"{url}/tg/")
        assert status == 200 and b"webchat/main.js" in body
        assert (await fetch(f"{url}/tg/webchat/main.js"))[0] == 200
        assert (await fetch(f"{url}/tg/control/overview"))[0] == 200


# --- overview -------------------------------------------------------------------------

async def test_overview_gives_everything_with_the_seq_it_reflects(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    bob = await client.create_user("Боб", language_code="ru")
    group = await client.create_group("Club", [ann["id"], bob["id"]])
    status, _, body = await fetch(f"{telegram.url}/control/overview")
    overview = json.loads(body)
    assert status == 200
    assert [b["id"] for b in overview["bots"]] == [BOT_ID]
    assert [(u["first_name"], u["language_code"]) for u in overview["users"]] == [
        ("Ann", "en"), ("Боб", "ru")]
    assert [g["id"] for g in overview["groups"]] == [group["id"]]
    assert overview["last_seq"] == (await client.events())["last_seq"]
    # The same server answers with the same instance; a client that sees another
    # one knows the event numbering restarted.
    again = json.loads((await fetch(f"{telegram.url}/control/overview"))[2])
    assert again["instance"] == overview["instance"]
    async with serve(create_telegram_app()) as other_url:
        other = json.loads((await fetch(f"{other_url}/control/overview"))[2])
    assert other["instance"] != overview["instance"]


# --- groups ------------------------------------------------------------------------------

async def test_a_new_groups_event_already_lists_its_bots(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    start = (await client.events())["last_seq"]
    group = await client.create_group("Club", [ann["id"]])
    [created] = [e for e in (await client.events(after=start))["events"] if e["type"] == "chat.created"]
    # A live client takes the group from this event; without its bot it could not write.
    assert created["chat"] == group and created["chat"]["bot_ids"] == [BOT_ID]



async def add_members(url: str, chat_id: int, body: dict[str, Any]) -> tuple[int, Any]:
    status, _, raw = await fetch(f"{url}/control/chats/{chat_id}/members", "POST", json=body)
    return status, json.loads(raw)


async def test_adding_members_posts_a_service_message_bots_receive(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    bob = await client.create_user("Bob")
    carl = await client.create_user("Carl")
    group = await client.create_group("Club", [ann["id"]])
    before = (await client.events())["last_seq"]
    status, added = await add_members(telegram.url, group["id"], {
        "user_ids": [bob["id"], carl["id"], bob["id"]], "by_user_id": ann["id"]})
    assert status == 200
    assert added["chat"]["member_ids"] == [ann["id"], bob["id"], carl["id"]]
    service = added["message"]
    assert [u["first_name"] for u in service["new_chat_members"]] == ["Bob", "Carl"]
    assert service["from"]["id"] == ann["id"] and service["text"] is None
    # As on Telegram, a bot in privacy mode still gets the join as a message.
    joined = (await bot.get_updates())[-1].message
    assert joined is not None and joined.chat.id == group["id"]
    assert [u.first_name for u in joined.new_chat_members or []] == ["Bob", "Carl"]
    events = (await client.events(after=before))["events"]
    assert [e["type"] for e in events] == ["chat.updated", "message.new"]
    assert events[0]["chat"]["member_ids"] == added["chat"]["member_ids"]
    # Bob is a member now: he may write there.
    sent = await client.send_text(group["id"], "hi", user_id=bob["id"])
    assert sent["message"]["from"]["id"] == bob["id"]
    # Adding someone who is in already changes nothing.
    status, again = await add_members(telegram.url, group["id"], {"user_ids": [bob["id"]]})
    assert (status, again["message"]) == (200, None)
    assert (await client.events(after=events[-1]["seq"]))["events"][-1]["type"] == "message.new"


async def test_adding_members_is_refused_when_it_could_not_happen(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    outsider = await client.create_user("Out")
    group = await client.create_group("Club", [ann["id"]])
    cases = [
        (group["id"], {"user_ids": [outsider["id"]], "by_user_id": outsider["id"]}, 403),
        (group["id"], {"user_ids": [999]}, 404),
        (group["id"], {"user_ids": []}, 400),
        (group["id"], {"user_ids": "Bob"}, 400),
        (-42, {"user_ids": [outsider["id"]]}, 404),
        (ann["id"], {"user_ids": [outsider["id"]]}, 404),  # a private chat has no members to add
    ]
    for chat_id, body, expected in cases:
        status, answer = await add_members(telegram.url, chat_id, body)
        assert (status, "error" in answer) == (expected, True), (body, answer)
    assert (await client.chats())[0]["member_ids"] == [ann["id"]]


# --- reply keyboards and files ------------------------------------------------------------

async def test_reply_keyboard_changes_are_events(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Да"), KeyboardButton(text="Нет")]],
                                   one_time_keyboard=True)
    start = (await client.events())["last_seq"]
    await bot.send_message(ann["id"], "Choose", reply_markup=keyboard)
    await bot.send_message(ann["id"], "Still choosing", reply_markup=keyboard)  # no change
    await bot.send_message(ann["id"], "Plain")  # no markup: the keyboard stays
    await bot.send_message(ann["id"], "Done", reply_markup=ReplyKeyboardRemove())
    events = [e for e in (await client.events(after=start))["events"] if e["type"] == "chat.keyboard"]
    assert len(events) == 2
    shown, removed = events
    assert [b["text"] for b in shown["reply_keyboard"]["keyboard"][0]] == ["Да", "Нет"]
    assert (shown["chat_id"], shown["bot_id"]) == (ann["id"], BOT_ID)
    assert removed["reply_keyboard"] is None
    assert (await client.chat_state(ann["id"]))["reply_keyboard"] is None


async def test_documents_open_inline_under_their_name(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    pdf = b"%PDF-1.4\n%%EOF\n"
    await bot.send_document(ann["id"], BufferedInputFile(pdf, "Счёт 1.pdf"))
    view = await client.last_message(ann["id"])
    assert view is not None
    status, headers, body = await fetch(f"{telegram.url}/{view['document']['url']}")
    assert (status, body, headers["Content-Type"]) == (200, pdf, "application/pdf")
    assert headers["Content-Disposition"] == f"inline; filename*=UTF-8''{quote('Счёт 1.pdf', safe='')}"
