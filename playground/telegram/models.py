"""The server's state as plain records, and their Telegram JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.telegram.files import StoredFile

# Telegram's default when allowed_updates was never set (or set to []): every type
# but chat_member, message_reaction and message_reaction_count.
DEFAULT_UPDATE_TYPES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
    "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
    "poll", "poll_answer", "my_chat_member", "chat_join_request", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "purchased_paid_media", "chat_boost", "removed_chat_boost",
})


@dataclass
class UserAccount:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_telegram(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            body["last_name"] = self.last_name
        if self.username:
            body["username"] = self.username
        if self.language_code:
            body["language_code"] = self.language_code
        return body

    def private_chat(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            body["last_name"] = self.last_name
        if self.username:
            body["username"] = self.username
        return body


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotAccount:
    id: int
    token: str
    username: str
    first_name: str
    privacy_mode: bool = True
    # None means Telegram's default set of update types.
    allowed_updates: frozenset[str] | None = None
    webhook: WebhookConfig | None = None
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    # Users who have written to the bot: only they can be messaged privately.
    started: set[int] = field(default_factory=set)
    blocked_by: set[int] = field(default_factory=set)

    def to_telegram(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name,
                "username": self.username}

    def get_me(self) -> dict[str, Any]:
        return {
            **self.to_telegram(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def wants(self, update_type: str) -> bool:
        allowed = self.allowed_updates if self.allowed_updates is not None else DEFAULT_UPDATE_TYPES
        return update_type in allowed


@dataclass
class GroupChat:
    id: int
    type: str  # "group" or "supergroup"
    title: str
    creator_id: int | None
    member_ids: list[int]
    admin_ids: set[int] = field(default_factory=set)
    bot_ids: set[int] = field(default_factory=set)
    bot_admin_ids: set[int] = field(default_factory=set)

    def to_telegram(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}

    def to_json(self) -> dict[str, Any]:
        return {**self.to_telegram(), "creator_id": self.creator_id,
                "member_ids": list(self.member_ids), "admin_ids": sorted(self.admin_ids),
                "bot_ids": sorted(self.bot_ids), "bot_admin_ids": sorted(self.bot_admin_ids)}


@dataclass
class Sender:
    """Who wrote a message: a user or a bot."""

    id: int
    is_bot: bool


@dataclass
class StoredMessage:
    message_id: int
    chat_id: int
    sender: Sender
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    raw_text: str | None = None  # as the bot sent it, before parse_mode
    parse_mode: str | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    media: StoredFile | None = None
    reply_markup: dict[str, Any] | None = None  # inline keyboards only
    reply_to_message_id: int | None = None
    # A service message "X added Y" carries the added users' ids and no text.
    new_chat_members: list[int] = field(default_factory=list)
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def has_media(self) -> bool:
        return self.media is not None


@dataclass
class Conversation:
    """The messages of one chat as one bot sees them.

    A private chat is one per (bot, user); a group's messages are shared by its bots.
    """

    chat_id: int
    kind: str  # "private" or "group"
    bot_id: int | None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: dict[str, Any] | None = None

    def new_message_id(self) -> int:
        number = self.next_message_id
        self.next_message_id += 1
        return number


@dataclass
class CallbackRecord:
    id: str
    bot_id: int
    chat_id: int
    message_id: int
    user_id: int
    data: str
    created: float  # server clock
    forged: bool = False
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None
    answered_after: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "bot_id": self.bot_id, "chat_id": self.chat_id,
            "message_id": self.message_id, "user_id": self.user_id, "data": self.data,
            "forged": self.forged, "answered": self.answered, "text": self.text,
            "show_alert": self.show_alert, "url": self.url, "cache_time": self.cache_time,
            "answered_after": self.answered_after,
        }


@dataclass
class ApiCall:
    seq: int
    time: float  # wall clock
    bot_id: int | None
    method: str
    chat_id: int | None
    ok: bool
    error_code: int | None = None
    description: str | None = None
    retry_after: int | None = None
    via: str = "http"  # or "webhook-reply"

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "time": self.time, "bot_id": self.bot_id, "method": self.method,
            "chat_id": self.chat_id, "ok": self.ok, "error_code": self.error_code,
            "description": self.description, "retry_after": self.retry_after, "via": self.via,
        }
