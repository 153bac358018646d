"""Telegram's JSON shapes of what the fake Telegram stores: Chat, ChatMember,
User and Message objects as the Bot API sends them, and the control API's view of
a message."""

from __future__ import annotations

from typing import Any

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.models import (
    BotAccount,
    Conversation,
    GroupChat,
    Sender,
    StoredMessage,
    UserAccount,
)


class TelegramShapes:
    """The JSON shapes; a base of TelegramServer, which holds these accounts and chats."""

    bots: dict[int, BotAccount]
    users: dict[int, UserAccount]
    groups: dict[int, GroupChat]

    # --- chats -------------------------------------------------------------------

    def chat_json(self, conversation: Conversation) -> dict[str, Any]:
        if conversation.kind == "group":
            return self.groups[conversation.chat_id].to_telegram()
        return self.users[conversation.chat_id].private_chat()

    def chat_member(self, group: GroupChat, member_id: int) -> dict[str, Any]:
        """A ChatMember object of a group (bots and users alike)."""
        if member_id in self.bots:
            account: dict[str, Any] = self.bots[member_id].to_telegram()
            present = member_id in group.bot_ids
            admin = member_id in group.bot_admin_ids
        elif member_id in self.users:
            account = self.users[member_id].to_telegram()
            present = member_id in group.member_ids
            admin = member_id in group.admin_ids
        else:
            raise bad_request(e.USER_NOT_FOUND)
        if not present:
            return {"status": "left", "user": account}
        if member_id == group.creator_id:
            return {"status": "creator", "user": account, "is_anonymous": False}
        if admin:
            return {"status": "administrator", "user": account, **_ADMIN_RIGHTS}
        return {"status": "member", "user": account}

    # --- messages ----------------------------------------------------------------

    def sender_json(self, sender: Sender) -> dict[str, Any]:
        if sender.is_bot:
            return self.bots[sender.id].to_telegram()
        return self.users[sender.id].to_telegram()

    def message_json(self, message: StoredMessage, conversation: Conversation,
                     *, nested: bool = True) -> dict[str, Any]:
        """The Telegram Message object, as the bot receives it."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.sender_json(message.sender),
            "date": message.date,
            "chat": self.chat_json(conversation),
        }
        if nested and message.reply_to_message_id is not None:
            replied = conversation.messages.get(message.reply_to_message_id)
            if replied is not None and not replied.deleted:
                body["reply_to_message"] = self.message_json(replied, conversation, nested=False)
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.new_chat_members:
            body["new_chat_members"] = [self.users[u].to_telegram() for u in message.new_chat_members]
        if message.text is not None:
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
        if message.media is not None:
            if message.media.kind == "photo":
                body["photo"] = [message.media.photo_size()]
            else:
                body["document"] = message.media.document()
            if message.caption:
                body["caption"] = message.caption
                if message.caption_entities:
                    body["caption_entities"] = message.caption_entities
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        return body

    def message_view(self, message: StoredMessage, conversation: Conversation) -> dict[str, Any]:
        """The control API's view: what a chat window shows, plus bookkeeping."""
        sender = self.sender_json(message.sender)
        view: dict[str, Any] = {
            "message_id": message.message_id,
            "chat_id": message.chat_id,
            "bot_id": conversation.bot_id,
            "from": sender,
            "outgoing": message.sender.is_bot,
            "date": message.date,
            "text": message.text,
            "entities": message.entities,
            "raw_text": message.raw_text,
            "parse_mode": message.parse_mode,
            "caption": message.caption,
            "caption_entities": message.caption_entities,
            "photo": None,
            "document": None,
            "reply_markup": message.reply_markup,
            "reply_to_message_id": message.reply_to_message_id,
            "new_chat_members": [self.users[u].to_telegram() for u in message.new_chat_members],
            "edit_count": message.edit_count,
            "edit_date": message.edit_date,
            "deleted": message.deleted,
        }
        if message.media is not None:
            link = {"url": f"control/files/{message.media.file_id}"}
            if message.media.kind == "photo":
                view["photo"] = {**message.media.photo_size(), **link}
            else:
                view["document"] = {**message.media.document(), **link}
        return view


_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True,
    "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
    "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_send_welcome_messages": False,
    "can_pin_messages": True,
}
