"""What every Bot API method handler gets: the server, the calling bot, its params."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.formatting import format_text
from playground.telegram.limits import Limits
from playground.telegram.models import BotAccount, Conversation, StoredMessage
from playground.telegram.params import Params
from playground.telegram.parse_modes import Formatted
from playground.telegram.state import TelegramServer


@dataclass
class Call:
    server: TelegramServer
    bot: BotAccount
    params: Params
    chat_id: int | None = None  # for the call log

    @property
    def limits(self) -> Limits:
        return self.server.limits

    def target_chat_id(self, name: str = "chat_id") -> int:
        raw = self.params.raw(name)
        if raw is None or raw == "":
            raise bad_request(e.CHAT_ID_EMPTY)
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            # "@username" addresses public channels and groups; ours have none.
            raise bad_request(e.CHAT_NOT_FOUND) from None
        self.chat_id = chat_id
        return chat_id

    def conversation(self, *, sending: bool = False) -> Conversation:
        return self.server.conversation(self.bot, self.target_chat_id(), sending=sending)

    def formatted(self, text_field: str, entities_field: str) -> Formatted | None:
        text = self.params.get_str(text_field)
        if text is None:
            return None
        return format_text(text, self.params.get_str("parse_mode"),
                           self.params.get_json(entities_field))

    def own_message(self, conversation: Conversation) -> StoredMessage:
        """The message a bot edits: it must exist and be the bot's own."""
        if self.params.has("inline_message_id"):
            raise bad_request(e.INLINE_MESSAGES_UNSUPPORTED)
        message_id = self.params.get_int("message_id", missing=e.MESSAGE_ID_MISSING)
        message = conversation.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise bad_request(e.EDIT_NOT_FOUND)
        if not (message.sender.is_bot and message.sender.id == self.bot.id):
            raise bad_request(e.CANT_EDIT)
        return message

    def message_json(self, message: StoredMessage, conversation: Conversation) -> dict[str, Any]:
        return self.server.message_json(message, conversation)


Handler = Callable[[Call], Awaitable[Any]]
