"""The saved form of a `TelegramServer`: plain JSON, versioned (format in
docs/playground.md, "Keeping state across restarts").

`capture` reads the live state into JSON-ready data; `restore` puts such data back
into a fresh server. File bytes are not part of it: each file names its blob, and
`restore` asks for the bytes through a callback (statefile.py keeps them on disk).
What is left out on purpose: pending updates and webhook deliveries, callback
queries, the call log, the event log and run-time limits.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any, Callable

from playground.telegram.files import StoredFile
from playground.telegram.models import (
    BotAccount,
    Conversation,
    GroupChat,
    Sender,
    StoredMessage,
    UserAccount,
    WebhookConfig,
)
from playground.telegram.state import TelegramServer
from playground.telegram.updates import UpdateQueue

FORMAT = "cinebooker-playground-telegram"
VERSION = 1
# Blob names become file names: only what FileStore makes (no separators, no dots).
BLOB_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")

ReadBlob = Callable[[str], bytes]


class SnapshotError(ValueError):
    """The data is not a snapshot this code can restore."""


def capture(server: TelegramServer) -> dict[str, Any]:
    """Everything a restart must keep, as JSON-ready data (no file bytes)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": server.now(),
        "next_user_id": server.next_user_id,
        "next_group_id": server.next_group_id,
        "next_file_number": server.files.next_number,
        "bots": [_bot(bot, server.queue(bot)) for bot in server.bots.values()],
        "users": [asdict(user) for user in server.users.values()],
        "groups": [_group(group) for group in server.groups.values()],
        "files": [_file(stored) for stored in server.files.all()],
        "conversations": [_conversation(c) for c in server.conversations.values()],
    }


def blob_name(stored: StoredFile) -> str:
    return stored.file_unique_id


def restore(server: TelegramServer, data: Any, read_blob: ReadBlob) -> None:
    """Fill a fresh `server` from `capture`'s data. Raises SnapshotError (or the
    KeyError/TypeError/ValueError of malformed data); the caller then discards the
    half-filled server."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError("not a playground state file")
    if data.get("version") != VERSION:
        raise SnapshotError(f"state format version {data.get('version')!r}; "
                            f"this playground reads version {VERSION}")
    for user in data["users"]:
        server.users[int(user["id"])] = UserAccount(**user)
    for raw in data["bots"]:
        bot, next_update_id = _load_bot(raw)
        bot.token = _current_token(server, bot)
        server.bots[bot.id] = bot
        # Update ids go on where they stopped: the bot confirms by offset.
        server.queues[bot.id] = UpdateQueue(next_id=next_update_id)
    for raw in data["groups"]:
        group = _load_group(raw)
        server.groups[group.id] = group
    files: dict[str, StoredFile] = {}
    for raw in data["files"]:
        stored = _load_file(raw, read_blob)
        server.files.restore(stored)
        files[stored.file_id] = stored
    for raw in data["conversations"]:
        conversation = _load_conversation(raw, files)
        key = (("group", conversation.chat_id) if conversation.kind == "group"
               else ("private", conversation.bot_id, conversation.chat_id))
        server.conversations[key] = conversation
    server.next_user_id = int(data["next_user_id"])
    server.next_group_id = int(data["next_group_id"])
    server.files.next_number = int(data["next_file_number"])


def _current_token(server: TelegramServer, bot: BotAccount) -> str:
    """The saved token, or the allowed one of the same bot id when the token was
    changed between runs (as after revoking it at @BotFather): the bot keeps its
    chats instead of being locked out by its old token."""
    if server.tokens is None or bot.token in server.tokens:
        return bot.token
    prefix = f"{bot.id}:"
    return next((t for t in sorted(server.tokens) if t.startswith(prefix)), bot.token)


# --- to JSON ----------------------------------------------------------------------

def _bot(bot: BotAccount, queue: UpdateQueue) -> dict[str, Any]:
    return {
        "id": bot.id, "token": bot.token, "username": bot.username,
        "first_name": bot.first_name, "privacy_mode": bot.privacy_mode,
        "allowed_updates": sorted(bot.allowed_updates) if bot.allowed_updates is not None else None,
        "webhook": asdict(bot.webhook) if bot.webhook is not None else None,
        "commands": [{"scope": scope, "language_code": language, "commands": commands}
                     for (scope, language), commands in bot.commands.items()],
        "started": sorted(bot.started),
        "blocked_by": sorted(bot.blocked_by),
        "next_update_id": queue.next_id,
    }


def _group(group: GroupChat) -> dict[str, Any]:
    return {"id": group.id, "type": group.type, "title": group.title,
            "creator_id": group.creator_id, "member_ids": list(group.member_ids),
            "admin_ids": sorted(group.admin_ids), "bot_ids": sorted(group.bot_ids),
            "bot_admin_ids": sorted(group.bot_admin_ids)}


def _file(stored: StoredFile) -> dict[str, Any]:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "kind": stored.kind, "file_path": stored.file_path, "file_name": stored.file_name,
            "mime_type": stored.mime_type, "width": stored.width, "height": stored.height,
            "size": stored.size, "blob": blob_name(stored)}


def _conversation(conversation: Conversation) -> dict[str, Any]:
    return {"chat_id": conversation.chat_id, "kind": conversation.kind,
            "bot_id": conversation.bot_id, "next_message_id": conversation.next_message_id,
            "reply_keyboard": conversation.reply_keyboard,
            "messages": [_message(m) for m in conversation.messages.values()]}


def _message(message: StoredMessage) -> dict[str, Any]:
    return {
        "message_id": message.message_id, "sender": asdict(message.sender),
        "date": message.date, "text": message.text, "entities": message.entities,
        "raw_text": message.raw_text, "parse_mode": message.parse_mode,
        "caption": message.caption, "caption_entities": message.caption_entities,
        "file_id": message.media.file_id if message.media is not None else None,
        "reply_markup": message.reply_markup,
        "reply_to_message_id": message.reply_to_message_id,
        "new_chat_members": message.new_chat_members, "edit_count": message.edit_count,
        "edit_date": message.edit_date, "deleted": message.deleted,
    }


# --- from JSON --------------------------------------------------------------------

def _load_bot(raw: dict[str, Any]) -> tuple[BotAccount, int]:
    allowed = raw["allowed_updates"]
    webhook = raw["webhook"]
    bot = BotAccount(
        id=int(raw["id"]), token=str(raw["token"]), username=str(raw["username"]),
        first_name=str(raw["first_name"]), privacy_mode=bool(raw["privacy_mode"]),
        allowed_updates=frozenset(allowed) if allowed is not None else None,
        webhook=WebhookConfig(**webhook) if webhook is not None else None,
        commands={(str(c["scope"]), str(c["language_code"])): list(c["commands"])
                  for c in raw["commands"]},
        started={int(u) for u in raw["started"]},
        blocked_by={int(u) for u in raw["blocked_by"]},
    )
    return bot, int(raw["next_update_id"])


def _load_group(raw: dict[str, Any]) -> GroupChat:
    return GroupChat(
        id=int(raw["id"]), type=str(raw["type"]), title=str(raw["title"]),
        creator_id=raw["creator_id"], member_ids=[int(u) for u in raw["member_ids"]],
        admin_ids={int(u) for u in raw["admin_ids"]}, bot_ids={int(b) for b in raw["bot_ids"]},
        bot_admin_ids={int(b) for b in raw["bot_admin_ids"]},
    )


def _load_file(raw: dict[str, Any], read_blob: ReadBlob) -> StoredFile:
    blob = str(raw["blob"])
    if not BLOB_NAME.match(blob):
        raise SnapshotError(f"bad blob name {blob!r}")
    return StoredFile(
        file_id=str(raw["file_id"]), file_unique_id=str(raw["file_unique_id"]),
        kind=str(raw["kind"]), data=read_blob(blob), file_path=str(raw["file_path"]),
        file_name=raw["file_name"], mime_type=raw["mime_type"],
        width=raw["width"], height=raw["height"],
    )


def _load_conversation(raw: dict[str, Any], files: dict[str, StoredFile]) -> Conversation:
    conversation = Conversation(
        chat_id=int(raw["chat_id"]), kind=str(raw["kind"]),
        bot_id=int(raw["bot_id"]) if raw["bot_id"] is not None else None,
        next_message_id=int(raw["next_message_id"]), reply_keyboard=raw["reply_keyboard"],
    )
    if conversation.kind not in ("private", "group"):
        raise SnapshotError(f"unknown chat kind {conversation.kind!r}")
    for item in raw["messages"]:
        message = _load_message(item, conversation.chat_id, files)
        conversation.messages[message.message_id] = message
    return conversation


def _load_message(raw: dict[str, Any], chat_id: int, files: dict[str, StoredFile]) -> StoredMessage:
    fields = dict(raw)
    file_id = fields.pop("file_id")
    sender = fields.pop("sender")
    media = None
    if file_id is not None:
        media = files.get(file_id)
        if media is None:
            raise SnapshotError(f"message {raw['message_id']} names an unknown file")
    return StoredMessage(chat_id=chat_id, sender=Sender(int(sender["id"]), bool(sender["is_bot"])),
                         media=media, **fields)


def encode(data: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON: the file is for the machine (docs describe it)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
