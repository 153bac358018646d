"""The bot's command menu: lists kept per scope and language as setMyCommands sets
them, Telegram's errors for scopes it cannot read, and the list a user sees in a
chat (the control API's menu, which the web chat's Menu button shows)."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
)

from playground.client import PlaygroundClient
from tests.playground.helpers import TOKEN, Telegram


def listed(*names: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=f"about {name}") for name in names]


async def menu(client: PlaygroundClient, chat_id: int, user_id: int | None = None) -> tuple[list[str], str]:
    """(the commands the user sees, the language of the list they come from)."""
    answer = await client.command_menu(chat_id, user_id=user_id)
    return [c["command"] for c in answer["commands"]], answer["language_code"]


async def test_a_private_chat_shows_the_users_language_first_then_the_list_without_one(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    assert (await client.command_menu(ann["id"]))["scope"] is None  # nothing set yet
    await bot.set_my_commands(listed("start", "help"))
    await bot.set_my_commands(listed("start", "help", "language"), language_code="ru")
    assert await menu(client, ann["id"]) == (["start", "help"], "")

    ivan = await client.create_user("Иван", language_code="ru")
    await client.send_text(ivan["id"], "/start")
    assert await menu(client, ivan["id"]) == (["start", "help", "language"], "ru")
    # A regional code reads as its language, as Telegram's apps send it.
    pedro = await client.create_user("Pedro", language_code="pt-br")
    await bot.set_my_commands(listed("iniciar"), language_code="pt")
    assert await menu(client, pedro["id"]) == (["iniciar"], "pt")

    # Private chats before the default; one chat before all private chats.
    await bot.set_my_commands(listed("private"), scope=BotCommandScopeAllPrivateChats())
    assert await menu(client, ivan["id"]) == (["private"], "")
    await bot.set_my_commands(listed("only_ann"), scope=BotCommandScopeChat(chat_id=ann["id"]))
    answer = await client.command_menu(ann["id"])
    assert [c["command"] for c in answer["commands"]] == ["only_ann"]
    assert answer["scope"] == {"type": "chat", "chat_id": ann["id"]}
    # An empty list is no list: the next one in line shows again.
    await bot.set_my_commands([], scope=BotCommandScopeChat(chat_id=ann["id"]))
    assert await menu(client, ann["id"]) == (["private"], "")
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert await menu(client, ann["id"]) == (["start", "help"], "")


async def test_a_group_shows_member_then_admin_then_chat_then_group_lists(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    bob = await client.create_user("Bob")
    group = await client.create_group("Movie night", [ann["id"], bob["id"]])  # Ann created it
    await bot.set_my_commands(listed("start"))
    await bot.set_my_commands(listed("book"), scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(listed("staff"), scope=BotCommandScopeAllChatAdministrators())
    assert await menu(client, group["id"], ann["id"]) == (["staff"], "")
    assert await menu(client, group["id"], bob["id"]) == (["book"], "")
    await bot.set_my_commands(listed("bob_only"),
                              scope=BotCommandScopeChatMember(chat_id=group["id"], user_id=bob["id"]))
    assert await menu(client, group["id"], bob["id"]) == (["bob_only"], "")
    # The private chat keeps the default list: group scopes do not reach it.
    assert await menu(client, ann["id"]) == (["start"], "")


async def test_scopes_and_languages_telegram_cannot_read_are_refused_with_its_texts(
    telegram: Telegram, bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    async def refused(scope: object, language_code: str = "") -> str:
        body: dict[str, object] = {"commands": [{"command": "start", "description": "Go"}]}
        if scope is not None:
            body["scope"] = scope
        if language_code:
            body["language_code"] = language_code
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{telegram.url}/bot{TOKEN}/setMyCommands", json=body) as response:
                answer = await response.json()
        assert response.status == 400 and answer["ok"] is False, answer
        return str(answer["description"])

    unreadable = "Bad Request: can't parse BotCommandScope: "
    assert await refused({"type": "everyone"}) == unreadable + "Unsupported type specified"
    assert await refused({"chat_id": 1}) == unreadable + "Can't find field \"type\""
    assert await refused({"type": "chat"}) == unreadable + "Can't find field \"chat_id\""
    assert await refused({"type": "chat_member", "chat_id": ann["id"]}) == \
        unreadable + "Can't find field \"user_id\""
    assert await refused({"type": "chat_member", "chat_id": ann["id"], "user_id": 0}) == \
        unreadable + "Invalid user_id specified"
    assert await refused(["default"]) == "Bad Request: can't parse BotCommandScope JSON object"
    assert await refused({"type": "chat", "chat_id": 987654}) == "Bad Request: chat not found"
    assert await refused({"type": "chat", "chat_id": "@cinema"}) == "Bad Request: chat not found"
    assert await refused({"type": "chat_administrators", "chat_id": ann["id"]}) == \
        "Bad Request: can't use specified scope in private chats"
    for language in ("english", "RU", "r"):
        assert await refused(None, language) == "Bad Request: invalid language code specified"
    # A group without this bot is no chat the bot can name.
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{telegram.url}/control/chats",
                             json={"title": "No bots", "member_ids": [ann["id"]], "bot_ids": []}) as response:
            lonely = await response.json()
    assert await refused({"type": "chat", "chat_id": lonely["id"]}) == "Bad Request: chat not found"

    # A chat id given as text is the same chat, so the same list.
    await bot.set_my_commands(listed("mine"), scope=BotCommandScopeChat(chat_id=str(ann["id"])))
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=ann["id"]))] == ["mine"]
    with pytest.raises(TelegramBadRequest, match="invalid language code"):
        await bot.get_my_commands(language_code="eng")


async def test_a_change_of_the_menu_is_an_event_for_open_clients(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    before = (await client.events())["last_seq"]
    await bot.set_my_commands(listed("start"), language_code="en")
    await bot.delete_my_commands(language_code="en")
    events = (await client.events(after=before))["events"]
    assert [(e["type"], e["bot_id"]) for e in events] == [("bot.commands", bot.id)] * 2
