"""The Bot API subset, driven by aiogram's own HTTP session."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from aiohttp import web

from playground.client import PlaygroundClient
from playground.telegram import (
    SERVER_KEY,
    TelegramServer,
    create_telegram_app,
    serve,
    setup_telegram,
)
from tests.playground.helpers import BOT_ID, TOKEN, Telegram, make_bot

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=d.upper(), callback_data=d) for d in data]])


async def test_get_me_creates_the_bot_from_any_token(bot: Bot, telegram: Telegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (BOT_ID, True, "cinebooker_bot")
    other = make_bot(telegram.url, "777:another-token")
    try:
        assert (await other.get_me()).username == "bot777_bot"
    finally:
        await other.session.close()


async def test_malformed_token_unknown_method_and_json_bodies(telegram: Telegram) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{telegram.url}/botnot-a-token/getMe") as response:
            assert response.status == 401
            assert await response.json() == {"ok": False, "error_code": 401,
                                             "description": "Unauthorized"}
        async with http.post(f"{telegram.url}/bot{TOKEN}/fooBar") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        # Telegram takes JSON bodies and GET query strings too; names are case-insensitive.
        async with http.post(f"{telegram.url}/bot{TOKEN}/getme", json={}) as response:
            assert (await response.json())["result"]["id"] == BOT_ID
        async with http.get(f"{telegram.url}/bot{TOKEN}/getMe") as response:
            assert (await response.json())["ok"] is True


async def test_only_listed_tokens_when_tokens_are_given() -> None:
    async with serve(create_telegram_app(tokens={TOKEN})) as url:
        good, bad = make_bot(url), make_bot(url, "5:unknown")
        try:
            assert (await good.get_me()).id == BOT_ID
            with pytest.raises(TelegramUnauthorizedError):
                await bad.get_me()
        finally:
            await good.session.close()
            await bad.session.close()


async def test_send_message_with_html_keeps_raw_and_plain_text(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    sent = await bot.send_message(ann["id"], "<b>Dune</b> &amp; more", parse_mode="HTML",
                                  reply_markup=keyboard("a", "b"))
    assert sent.text == "Dune & more"
    assert sent.from_user is not None and sent.from_user.id == BOT_ID
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 4)]
    assert sent.html_text == "<b>Dune</b> &amp; more"
    view = await client.last_message(ann["id"])
    assert view is not None
    assert (view["text"], view["raw_text"], view["parse_mode"]) == (
        "Dune & more", "<b>Dune</b> &amp; more", "HTML")
    assert view["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "b"


async def test_bad_markup_is_refused_like_telegram(bot: Bot, ann: dict) -> None:
    with pytest.raises(TelegramBadRequest, match="Character '!' is reserved"):
        await bot.send_message(ann["id"], "Hello!", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match='end tag corresponding to start tag "b"'):
        await bot.send_message(ann["id"], "<b>Hello", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ann["id"], "   ")


async def test_edit_text_not_modified_and_keyboard_removal(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    sent = await bot.send_message(ann["id"], "Pick a seat", reply_markup=keyboard("a1"))
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.edit_message_text("Pick a seat", chat_id=ann["id"], message_id=sent.message_id,
                                    reply_markup=keyboard("a1"))
    assert refused.value.message == NOT_MODIFIED
    # Same text without reply_markup is a change: Telegram drops the keyboard.
    edited = await bot.edit_message_text("Pick a seat", chat_id=ann["id"],
                                         message_id=sent.message_id)
    assert edited.reply_markup is None and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=ann["id"], message_id=sent.message_id)
    view = await client.last_message(ann["id"])
    assert view is not None and view["edit_count"] == 1 and view["reply_markup"] is None


async def test_edit_errors(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=ann["id"], message_id=999)
    users_message = (await client.transcript(ann["id"]))[0]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=ann["id"], message_id=users_message["message_id"])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(-12345, "x")


async def test_a_bot_cannot_start_a_conversation_or_write_when_blocked(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    bob = await client.create_user("Bob")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(bob["id"], "hi")
    await client.block(ann["id"])
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(ann["id"], "hi")
    await client.block(ann["id"], blocked=False)
    await bot.send_message(ann["id"], "welcome back")


async def test_delete_message(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    sent = await bot.send_message(ann["id"], "temporary")
    assert await bot.delete_message(ann["id"], sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ann["id"], sent.message_id)
    view = (await client.transcript(ann["id"]))[-1]
    assert view["deleted"] is True
    assert await client.last_message(ann["id"]) is None


async def test_reply_keyboards_are_chat_state(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share")]], resize_keyboard=True)
    sent = await bot.send_message(ann["id"], "Choose", reply_markup=markup)
    assert sent.reply_markup is None  # Message.reply_markup only carries inline keyboards
    state = await client.chat_state(ann["id"])
    assert state["reply_keyboard"]["keyboard"] == [[{"text": "Share"}]]
    await bot.send_message(ann["id"], "Done", reply_markup=ReplyKeyboardRemove())
    assert (await client.chat_state(ann["id"]))["reply_keyboard"] is None


async def test_chat_action_commands_and_chat_info(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    assert await bot.send_chat_action(ann["id"], "typing") is True
    with pytest.raises(TelegramBadRequest):
        await bot.send_chat_action(ann["id"], "dancing")
    commands = [BotCommand(command="start", description="Book a seat")]
    assert await bot.set_my_commands(commands) is True
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Book a seat")]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])

    chat = await bot.get_chat(ann["id"])
    assert (chat.type, chat.first_name, chat.username) == ("private", "Ann", "ann")
    bob = await client.create_user("Bob")
    group = await client.create_group("Movie night", [ann["id"], bob["id"]],
                                      admin_ids=[bob["id"]], bot_admin=True)
    assert (await bot.get_chat(group["id"])).title == "Movie night"
    assert isinstance(await bot.get_chat_member(group["id"], ann["id"]), ChatMemberOwner)
    admins = await bot.get_chat_administrators(group["id"])
    assert [type(a) for a in admins] == [ChatMemberOwner, ChatMemberAdministrator,
                                         ChatMemberAdministrator]
    assert isinstance(await bot.get_chat_member(ann["id"], ann["id"]), ChatMemberMember)
    assert await bot.get_chat_member_count(group["id"]) == 3


async def test_group_privacy_mode(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    bob = await client.create_user("Bob")
    group = await client.create_group("Friends", [ann["id"], bob["id"]])
    chatter = await client.send_text(group["id"], "who is in?", user_id=bob["id"])
    assert chatter["update_id"] is None  # a bot in privacy mode does not see chatter
    command = await client.send_text(group["id"], "/book@cinebooker_bot", user_id=bob["id"])
    assert command["update_id"] is not None
    updates = await bot.get_updates()
    kinds = [(u.my_chat_member is not None, u.message.text if u.message else None)
             for u in updates]
    assert (False, "/book@cinebooker_bot") in kinds
    assert (True, None) in kinds  # the bot was told it joined the group
    sent = await bot.send_message(group["id"], "Card")
    assert sent.chat.type == "group" and sent.chat.id == group["id"]


async def test_raw_json_calls_and_error_shapes(telegram: Telegram, ann: dict) -> None:
    base = f"{telegram.url}/bot{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/sendMessage", json={
                "chat_id": ann["id"], "text": "json body", "reply_markup": markup}) as response:
            body = await response.json()
        assert body["ok"] is True and body["result"]["reply_markup"] == markup
        async with http.post(f"{base}/sendMessage", data={
                "chat_id": str(ann["id"]), "text": "x" * 5000}) as response:
            assert response.status == 400
            assert await response.json() == {"ok": False, "error_code": 400,
                                             "description": "Bad Request: message is too long"}
        for _ in range(10):
            async with http.post(f"{base}/sendMessage", data={
                    "chat_id": str(ann["id"]), "text": "flood"}) as response:
                if response.status == 429:
                    body = await response.json()
                    break
        else:
            pytest.fail("no 429")
    retry_after = body["parameters"]["retry_after"]
    assert body == {"ok": False, "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after}}


async def test_the_app_composes_as_sub_app_or_routes() -> None:
    async def page(_: web.Request) -> web.Response:
        return web.Response(text="web chat")

    root = web.Application()
    root.add_subapp("/tg", create_telegram_app())
    host = web.Application()
    host.router.add_get("/", page)
    server = setup_telegram(host, TelegramServer())
    assert host[SERVER_KEY] is server
    async with serve(root) as mounted, serve(host) as shared:
        for base in (f"{mounted}/tg", shared):
            bot = make_bot(base)
            try:
                assert (await bot.get_me()).id == BOT_ID
            finally:
                await bot.session.close()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{shared}/") as response:
                assert await response.text() == "web chat"
