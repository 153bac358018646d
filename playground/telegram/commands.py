"""Bot command menus: which scope a setMyCommands call names, and which of the
lists a bot set a user sees in a chat (Telegram's "determining the list of
commands" order), with Telegram's error texts for a scope it cannot read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from collections.abc import Container
from typing import Any, Iterator

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.models import BotAccount, GroupChat

_CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")
_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators", *_CHAT_SCOPES)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_INTEGER = re.compile(r"^-?\d+$")

CommandList = list[dict[str, str]]
CommandsKey = tuple[str, str]  # (the scope as canonical JSON, language code or "")


@dataclass(frozen=True)
class Scope:
    type: str
    chat_id: int | None = None
    user_id: int | None = None

    def key(self) -> str:
        """The scope as stored: canonical JSON, so `"chat_id": "5"` and `5` are one list."""
        body: dict[str, Any] = {"type": self.type}
        if self.chat_id is not None:
            body["chat_id"] = self.chat_id
        if self.user_id is not None:
            body["user_id"] = self.user_id
        return json.dumps(body, sort_keys=True)

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.key())


def _unreadable(reason: str) -> Exception:
    return bad_request(f"{e.SCOPE_UNREADABLE}: {reason}")


def _id_field(raw: dict[str, Any], name: str) -> int | str:
    if name not in raw:
        raise _unreadable(f'Can\'t find field "{name}"')
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _unreadable(f'Field "{name}" must be a Number')
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    return value


def parse_scope(raw: Any) -> Scope:
    """A BotCommandScope as Telegram reads it (no scope: the default one)."""
    if raw is None:
        return Scope("default")
    if not isinstance(raw, dict):
        raise bad_request(e.SCOPE_NOT_AN_OBJECT)
    kind = raw.get("type")
    if kind is None:
        raise _unreadable('Can\'t find field "type"')
    if kind not in _SCOPES:
        raise _unreadable("Unsupported type specified")
    if kind not in _CHAT_SCOPES:
        return Scope(kind)
    chat_id = _id_field(raw, "chat_id")
    if chat_id == "":
        raise _unreadable("Empty chat_id specified")
    user_id: int | None = None
    if kind == "chat_member":
        user = _id_field(raw, "user_id")
        if not isinstance(user, int) or user <= 0:
            raise _unreadable("Invalid user_id specified")
        user_id = user
    if not isinstance(chat_id, int):
        # "@username" names a public chat; the playground's chats have none.
        raise bad_request(e.CHAT_NOT_FOUND)
    return Scope(kind, chat_id, user_id)


def parse_language(raw: str | None) -> str:
    language = raw or ""
    if language and not _LANGUAGE.match(language):
        raise bad_request(e.LANGUAGE_CODE_INVALID)
    return language


def check_scope_chat(scope: Scope, bot: BotAccount, groups: dict[int, GroupChat],
                     user_ids: Container[int]) -> None:
    """A chat scope must name a chat the bot is in; a private chat takes only `chat`."""
    if scope.chat_id is None:
        return
    group = groups.get(scope.chat_id)
    if group is not None:
        if bot.id not in group.bot_ids:
            raise bad_request(e.CHAT_NOT_FOUND)
        if scope.user_id is not None and scope.user_id not in group.member_ids:
            raise bad_request(e.USER_NOT_FOUND)
        return
    if scope.chat_id not in user_ids:
        raise bad_request(e.CHAT_NOT_FOUND)
    if scope.type != "chat":
        raise bad_request(e.SCOPE_IN_PRIVATE_CHAT)


def user_language(language_code: str | None) -> str:
    """The two-letter code a user's menu is looked up by ("pt-br" reads "pt")."""
    return (language_code or "").split("-")[0].split("_")[0].lower()


def _scopes_for(chat_id: int, user_id: int, group: GroupChat | None) -> Iterator[Scope]:
    """The scopes that apply in a chat, most specific first."""
    if group is None:
        yield Scope("chat", chat_id)
        yield Scope("all_private_chats")
    else:
        admin = user_id == group.creator_id or user_id in group.admin_ids
        yield Scope("chat_member", chat_id, user_id)
        if admin:
            yield Scope("chat_administrators", chat_id)
        yield Scope("chat", chat_id)
        if admin:
            yield Scope("all_chat_administrators")
        yield Scope("all_group_chats")
    yield Scope("default")


def menu_for(bot: BotAccount, chat_id: int, user_id: int, language_code: str | None,
             group: GroupChat | None) -> tuple[Scope | None, str, CommandList]:
    """What the user sees in the menu: the first list set, trying each scope with the
    user's language before the list without one. (scope, language, commands);
    (None, "", []) when the bot set none that applies."""
    language = user_language(language_code)
    for scope in _scopes_for(chat_id, user_id, group):
        for code in ((language, "") if language else ("",)):
            commands = bot.commands.get((scope.key(), code))
            if commands:
                return scope, code, commands
    return None, "", []
