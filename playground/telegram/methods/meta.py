"""getMe, bot commands, chats and members, getFile, answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from playground.telegram import errors as e
from playground.telegram.commands import CommandsKey, check_scope_chat, parse_language, parse_scope
from playground.telegram.errors import bad_request
from playground.telegram.methods.base import Call, Handler
from playground.telegram.models import GroupChat
from playground.telegram.validation import check_commands

# Fields Telegram always fills in a ChatFullInfo (aiogram requires them).
_FULL_INFO_DEFAULTS: dict[str, Any] = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
        "premium_subscription": False, "gifts_from_channels": False,
    },
}


async def get_me(call: Call) -> dict[str, Any]:
    return call.bot.get_me()


async def log_out(call: Call) -> bool:
    return True


def _commands_key(call: Call) -> CommandsKey:
    scope = parse_scope(call.params.get_json("scope"))
    language = parse_language(call.params.get_str("language_code"))
    check_scope_chat(scope, call.bot, call.server.groups, call.server.users)
    return scope.key(), language


def _menu_changed(call: Call) -> None:
    # Open clients redraw the bot's menu, as Telegram's apps do after a change.
    call.server.events.add("bot.commands", bot_id=call.bot.id)


async def set_my_commands(call: Call) -> bool:
    key = _commands_key(call)
    commands = check_commands(call.params.get_json("commands"), call.limits)
    if commands:
        call.bot.commands[key] = commands
    else:  # an empty list is no list: the next scope in line shows instead
        call.bot.commands.pop(key, None)
    _menu_changed(call)
    return True


async def get_my_commands(call: Call) -> list[dict[str, str]]:
    return call.bot.commands.get(_commands_key(call), [])


async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_commands_key(call), None)
    _menu_changed(call)
    return True


async def get_chat(call: Call) -> dict[str, Any]:
    conversation = call.conversation()
    return {**call.server.chat_json(conversation), **_FULL_INFO_DEFAULTS}


def _group(call: Call) -> GroupChat | None:
    """The group of chat_id, or None for a private chat."""
    conversation = call.conversation()
    if conversation.kind != "group":
        return None
    return call.server.groups[conversation.chat_id]


async def get_chat_member(call: Call) -> dict[str, Any]:
    group = _group(call)
    user_id = call.params.get_int("user_id", missing="user_id is empty") or 0
    if group is not None:
        return call.server.chat_member(group, user_id)
    # A private chat has two members: the user and the bot.
    if user_id == call.chat_id and user_id in call.server.users:
        return {"status": "member", "user": call.server.users[user_id].to_telegram()}
    if user_id == call.bot.id:
        return {"status": "member", "user": call.bot.to_telegram()}
    raise bad_request(e.USER_NOT_FOUND)


async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    group = _group(call)
    if group is None:
        raise bad_request(e.NO_ADMINS_IN_PRIVATE)
    ids = [i for i in group.member_ids if i == group.creator_id or i in group.admin_ids]
    ids += sorted(group.bot_admin_ids)
    return [call.server.chat_member(group, i) for i in ids]


async def get_chat_member_count(call: Call) -> int:
    group = _group(call)
    if group is None:
        return 2
    return len(group.member_ids) + len(group.bot_ids)


async def get_file(call: Call) -> dict[str, Any]:
    file_id = call.params.get_str("file_id") or ""
    stored = call.server.files.by_id(file_id)
    if stored is None:
        raise bad_request(e.WRONG_FILE)
    if stored.size > call.limits.max_download_bytes:
        raise bad_request(e.FILE_TOO_BIG)
    return stored.file()


async def answer_callback_query(call: Call) -> bool:
    server = call.server
    record = server.callbacks.get(call.params.get_str("callback_query_id") or "")
    too_old = record is not None and \
        server.clock() - record.created > call.limits.callback_answer_timeout
    if record is None or record.bot_id != call.bot.id or record.answered or too_old:
        raise bad_request(e.QUERY_TOO_OLD)
    call.chat_id = record.chat_id
    text = call.params.get_str("text")
    if text and call.limits.text_length(text) > call.limits.max_callback_answer_length:
        raise bad_request(e.CALLBACK_ANSWER_TOO_LONG)
    record.answered = True
    record.text = text or None
    record.show_alert = call.params.get_bool("show_alert")
    record.url = call.params.get_str("url")
    record.cache_time = call.params.get_int("cache_time")
    record.answered_after = server.clock() - record.created
    private = record.chat_id in server.users
    server.events.add("callback.answered", chat_id=record.chat_id,
                      bot_id=record.bot_id if private else None, callback=record.to_json())
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": log_out,
    "close": log_out,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "getFile": get_file,
    "answerCallbackQuery": answer_callback_query,
}
