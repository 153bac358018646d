"""What users do in the fake Telegram: type texts, press inline buttons, block a bot.

Each action changes the chat, queues the updates bots would get from Telegram, and
refuses what a real client could not do (e.g. press a button that is not there).
"""

from __future__ import annotations

import secrets

from playground.telegram.formatting import command_entities
from playground.telegram.models import (
    BotAccount,
    CallbackRecord,
    Conversation,
    Sender,
    StoredMessage,
    UserAccount,
)
from playground.telegram.state import ControlError, TelegramServer
from playground.telegram.validation import callback_data_of


def send_text(
    server: TelegramServer, bot: BotAccount, chat_id: int, user_id: int, text: str,
    reply_to_message_id: int | None = None,
) -> tuple[StoredMessage, dict[int, int | None]]:
    """Post a user's text; returns it and the update_id each bot got (None: filtered)."""
    user = server.user(user_id)
    conversation = _users_conversation(server, bot, chat_id, user)
    if not text or not text.strip():
        raise ControlError(400, "text is empty")
    if server.limits.text_length(text) > server.limits.max_text_length:
        raise ControlError(400, "text is longer than a client allows")
    replied = None
    if reply_to_message_id is not None:
        replied = conversation.messages.get(reply_to_message_id)
        if replied is None or replied.deleted:
            raise ControlError(404, f"no message {reply_to_message_id} to reply to")
    if conversation.kind == "private":
        if user.id in bot.blocked_by:
            set_blocked(server, bot, user.id, False)  # a client's "Restart" unblocks
        bot.started.add(user.id)
    message = server.post_message(
        conversation, Sender(user.id, False), text=text, entities=command_entities(text),
        raw_text=text, reply_to_message_id=reply_to_message_id,
    )
    update_ids: dict[int, int | None] = {}
    for receiver in _receivers(server, conversation, bot):
        if conversation.kind == "group" and not _sees(receiver, text, replied):
            update_ids[receiver.id] = None
            continue
        update_ids[receiver.id] = server.enqueue(
            receiver, "message", server.message_json(message, conversation), conversation.chat_id)
    return message, update_ids


def click(
    server: TelegramServer, bot: BotAccount, chat_id: int, message_id: int, user_id: int,
    data: str, *, forge: bool = False,
) -> tuple[CallbackRecord, int | None]:
    """Press an inline button. Only data on the message's keyboard, unless forged."""
    user = server.user(user_id)
    conversation = _users_conversation(server, bot, chat_id, user)
    message = conversation.messages.get(message_id)
    if message is None or message.deleted:
        raise ControlError(404, f"no message {message_id} in chat {chat_id}")
    if not forge and data not in callback_data_of(message.reply_markup):
        raise ControlError(400, "no inline button of that message carries this callback_data"
                                " (pass forge=true to send it anyway)")
    # The query goes to the bot whose message carries the keyboard.
    owner = server.bots[message.sender.id] if message.sender.is_bot else bot
    if conversation.kind == "private":
        owner.started.add(user.id)
    record = CallbackRecord(
        id=str(secrets.randbits(62)), bot_id=owner.id, chat_id=chat_id,
        message_id=message_id, user_id=user.id, data=data, created=server.clock(), forged=forge,
    )
    server.callbacks[record.id] = record
    payload = {
        "id": record.id,
        "from": user.to_telegram(),
        "message": server.message_json(message, conversation),
        "chat_instance": str((chat_id * 7_919 + owner.id) & 0x7FFF_FFFF_FFFF_FFFF),
        "data": data,
    }
    update_id = server.enqueue(owner, "callback_query", payload, chat_id)
    server.events.add("callback.clicked", chat_id=chat_id, bot_id=conversation.bot_id,
                      callback=record.to_json())
    return record, update_id


def add_members(server: TelegramServer, chat_id: int, user_ids: list[int],
                by_user_id: int | None = None) -> StoredMessage | None:
    """A member adds users to a group: Telegram's "X added Y" service message.

    Bots get it as a `message` update with `new_chat_members` whatever their privacy
    mode, as on Telegram. Users already in the group are skipped; None when nobody
    was new.
    """
    group = server.groups.get(chat_id)
    if group is None:
        raise ControlError(404, f"no group {chat_id}")
    for user_id in user_ids:
        server.user(user_id)
    adder_id = by_user_id if by_user_id is not None else group.creator_id
    if adder_id is None or adder_id not in group.member_ids:
        raise ControlError(403, f"user {adder_id} is not a member of chat {chat_id}")
    joined = list(dict.fromkeys(u for u in user_ids if u not in group.member_ids))
    if not joined:
        return None
    group.member_ids.extend(joined)
    server.events.add("chat.updated", chat_id=chat_id, chat=group.to_json())
    conversation = server.find_conversation(chat_id, None)
    message = server.post_message(conversation, Sender(adder_id, False), new_chat_members=joined)
    for bot_id in sorted(group.bot_ids):
        server.enqueue(server.bots[bot_id], "message", server.message_json(message, conversation),
                       chat_id)
    return message


def set_blocked(server: TelegramServer, bot: BotAccount, user_id: int, blocked: bool) -> None:
    """Block or unblock a bot; the bot gets my_chat_member as from Telegram."""
    user = server.user(user_id)
    if blocked == (user_id in bot.blocked_by):
        return
    if blocked:
        bot.blocked_by.add(user_id)
    else:
        bot.blocked_by.discard(user_id)
        bot.started.add(user_id)
    kicked = {"status": "kicked", "user": bot.to_telegram(), "until_date": 0}
    member = {"status": "member", "user": bot.to_telegram()}
    server.enqueue(bot, "my_chat_member", {
        "chat": user.private_chat(), "from": user.to_telegram(), "date": server.now(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }, user_id)


def _users_conversation(server: TelegramServer, bot: BotAccount, chat_id: int,
                        user: UserAccount) -> Conversation:
    group = server.groups.get(chat_id)
    if group is not None:
        if user.id not in group.member_ids:
            raise ControlError(403, f"user {user.id} is not a member of chat {chat_id}")
        if bot.id not in group.bot_ids:
            raise ControlError(400, f"bot {bot.id} is not a member of chat {chat_id}")
        return server.conversation(bot, chat_id)
    if chat_id != user.id:
        raise ControlError(400, "a private chat's chat_id is the user's id")
    return server.conversation(bot, chat_id)


def _receivers(server: TelegramServer, conversation: Conversation,
               bot: BotAccount) -> list[BotAccount]:
    if conversation.kind == "private":
        return [bot]
    return [server.bots[b] for b in sorted(server.groups[conversation.chat_id].bot_ids)]


def _sees(bot: BotAccount, text: str, replied: StoredMessage | None) -> bool:
    """Privacy mode: in groups a bot sees commands, mentions of it and replies to it."""
    if not bot.privacy_mode:
        return True
    if replied is not None and replied.sender.is_bot and replied.sender.id == bot.id:
        return True
    if f"@{bot.username}".lower() in text.lower():
        return True
    if text.startswith("/"):
        command = text.split()[0]
        return "@" not in command or command.lower().endswith(f"@{bot.username.lower()}")
    return False
