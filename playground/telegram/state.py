"""`TelegramServer`: everything the fake Telegram knows (its JSON shapes: shapes.py).

Bot API methods (methods/) and user actions (actions.py) both act through this
object; tests reach it as `app[SERVER_KEY]` to inspect what happened.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Iterable

import aiohttp

from playground.telegram import errors as e
from playground.telegram.errors import ApiError, bad_request, forbidden
from playground.telegram.events import EventLog
from playground.telegram.faults import Faults
from playground.telegram.files import FileStore, StoredFile
from playground.telegram.limits import Clock, FloodControl, Limits, flood_rules
from playground.telegram.models import (
    ApiCall,
    BotAccount,
    CallbackRecord,
    Conversation,
    GroupChat,
    Sender,
    StoredMessage,
    UserAccount,
)
from playground.telegram.shapes import TelegramShapes
from playground.telegram.updates import UpdateQueue

TOKEN_PATTERN = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")
DEFAULT_BOT_USERNAME = "cinebooker_bot"


class ControlError(Exception):
    """A refused control API request (HTTP status + reason)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class TelegramServer(TelegramShapes):
    def __init__(
        self,
        *,
        tokens: Iterable[str] | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        limits: Limits | None = None,
        bot_username: str = DEFAULT_BOT_USERNAME,
    ) -> None:
        self.limits = limits or Limits()
        self.faults = Faults()
        self.clock = clock
        self.wall_clock = wall_clock
        self.tokens = set(tokens) if tokens is not None else None
        self.default_bot_username = bot_username
        self.bots: dict[int, BotAccount] = {}
        self.users: dict[int, UserAccount] = {}
        self.groups: dict[int, GroupChat] = {}
        self.conversations: dict[tuple[Any, ...], Conversation] = {}
        self.queues: dict[int, UpdateQueue] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.calls: list[ApiCall] = []
        self.files = FileStore()
        self.flood = FloodControl(clock)
        self.closing = False
        # Every event is a change a user can see, so it is also one worth saving.
        self.events = EventLog(lambda: self.closing, on_add=self.changed)
        # Id counters: saved with the state, so ids are never given out twice.
        self.next_user_id = 100_000_001
        self.next_group_id = 1
        self._http: aiohttp.ClientSession | None = None
        # Called when a bot's webhook is set or removed (the delivery loop listens).
        self.on_webhook_change: Callable[[BotAccount], None] = lambda bot: None
        # Called after any change to what a state file keeps (autosave.py listens).
        self.on_change: Callable[[], None] = lambda: None

    # --- lifecycle ---------------------------------------------------------------

    def http(self) -> aiohttp.ClientSession:
        """The server's own HTTP client (webhooks, files by URL), made on first use."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    def close(self) -> None:
        """Release every long poll so the HTTP server can stop at once."""
        self.closing = True
        for queue in self.queues.values():
            queue.signal.fire()
        self.events.wake()

    async def aclose(self) -> None:
        self.close()
        if self._http is not None:
            await self._http.close()
            self._http = None

    def now(self) -> int:
        return int(self.wall_clock())

    def changed(self) -> None:
        """Something a state file keeps changed. Events, queued updates and Bot API
        calls report themselves; other changes (bot settings) call this directly."""
        self.on_change()

    # --- bots ------------------------------------------------------------------

    def token_allowed(self, token: str) -> bool:
        if not TOKEN_PATTERN.match(token):
            return False
        return self.tokens is None or token in self.tokens

    def bot_for_token(self, token: str) -> BotAccount:
        """The bot of a token, created on first use (any well-formed token works)."""
        match = TOKEN_PATTERN.match(token)
        if not match:
            raise ValueError("malformed bot token")
        bot_id = int(match.group(1))
        bot = self.bots.get(bot_id)
        if bot is None:
            taken = {b.username for b in self.bots.values()}
            username = self.default_bot_username
            if username in taken:
                username = f"bot{bot_id}_bot"
            bot = BotAccount(id=bot_id, token=token, username=username,
                             first_name=username.removesuffix("_bot").replace("_", " ").title())
            self.bots[bot_id] = bot
            self.queues[bot_id] = UpdateQueue()
            self.events.add("bot.created", bot_id=bot_id, bot=bot.to_telegram())
        elif bot.token != token:
            # A bot id has one token at a time, as on Telegram.
            raise ValueError("token does not match the bot's token")
        return bot

    def queue(self, bot: BotAccount) -> UpdateQueue:
        return self.queues[bot.id]

    def webhook_changed(self, bot: BotAccount) -> None:
        self.on_webhook_change(bot)

    # --- users and chats ---------------------------------------------------------

    def add_user(
        self, first_name: str, *, last_name: str | None = None, username: str | None = None,
        language_code: str | None = "en", user_id: int | None = None,
    ) -> UserAccount:
        if not first_name:
            raise ControlError(400, "first_name is required")
        if user_id is None:
            while self.next_user_id in self.users or self.next_user_id in self.bots:
                self.next_user_id += 1
            user_id = self.next_user_id
            self.next_user_id += 1
        if user_id <= 0 or user_id in self.users or user_id in self.bots:
            raise ControlError(409, f"user id {user_id} is taken or invalid")
        if username and any(u.username == username for u in self.users.values()):
            raise ControlError(409, f"username {username!r} is taken")
        user = UserAccount(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        self.events.add("user.created", user=user.to_telegram())
        return user

    def user(self, user_id: int) -> UserAccount:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(404, f"no user {user_id}")
        return user

    def create_group(
        self, title: str, member_ids: list[int], *, bots: list[BotAccount],
        chat_type: str = "group", admin_ids: Iterable[int] = (), bot_admin: bool = False,
    ) -> GroupChat:
        if not title:
            raise ControlError(400, "title is required")
        if chat_type not in ("group", "supergroup"):
            raise ControlError(400, "type must be group or supergroup")
        for user_id in member_ids:
            self.user(user_id)
        number = self.next_group_id
        self.next_group_id += 1
        chat_id = -(1_001_000_000_000 + number) if chat_type == "supergroup" else -(4_000_000 + number)
        admins = set(admin_ids) & set(member_ids)
        group = GroupChat(chat_id, chat_type, title, member_ids[0] if member_ids else None,
                          list(member_ids), admins)
        self.groups[chat_id] = group
        for bot in bots:
            self.add_bot_to_group(group, bot, admin=bot_admin)
        # After the bots joined: a client showing the event must see them in it.
        self.events.add("chat.created", chat_id=chat_id, chat=group.to_json())
        return group

    def add_bot_to_group(self, group: GroupChat, bot: BotAccount, *, admin: bool) -> None:
        group.bot_ids.add(bot.id)
        if admin:
            group.bot_admin_ids.add(bot.id)
        adder = self.users.get(group.creator_id or 0)
        new_status = self.chat_member(group, bot.id)
        if adder is not None:
            self.enqueue(bot, "my_chat_member", {
                "chat": group.to_telegram(), "from": adder.to_telegram(), "date": self.now(),
                "old_chat_member": {"status": "left", "user": bot.to_telegram()},
                "new_chat_member": new_status,
            }, group.id)

    def conversation(self, bot: BotAccount, chat_id: int, *, sending: bool = False) -> Conversation:
        """The chat `chat_id` as `bot` sees it; Telegram's errors when it can't."""
        group = self.groups.get(chat_id)
        if group is not None:
            if bot.id not in group.bot_ids:
                if sending:
                    raise forbidden(e.NOT_A_MEMBER.format(kind=group.type))
                raise bad_request(e.CHAT_NOT_FOUND)
            key: tuple[Any, ...] = ("group", chat_id)
            kind, owner = "group", None
        elif chat_id in self.users:
            if sending and chat_id in bot.blocked_by:
                raise forbidden(e.BLOCKED)
            if sending and chat_id not in bot.started:
                raise forbidden(e.NOT_STARTED)
            key, kind, owner = ("private", bot.id, chat_id), "private", bot.id
        elif chat_id in self.bots and sending:
            raise forbidden(e.BOT_TO_BOT)
        else:
            raise bad_request(e.CHAT_NOT_FOUND)
        conversation = self.conversations.get(key)
        if conversation is None:
            conversation = self.conversations[key] = Conversation(chat_id, kind, owner)
        return conversation

    def find_conversation(self, chat_id: int, bot: BotAccount | None) -> Conversation:
        """For the control API: the chat's transcript (private chats need the bot)."""
        if chat_id in self.groups:
            key: tuple[Any, ...] = ("group", chat_id)
        elif chat_id in self.users:
            if bot is None:
                raise ControlError(400, "a private chat needs bot (bot id) or token")
            key = ("private", bot.id, chat_id)
        else:
            raise ControlError(404, f"no chat {chat_id}")
        conversation = self.conversations.get(key)
        if conversation is None:
            kind = "group" if key[0] == "group" else "private"
            conversation = self.conversations[key] = Conversation(
                chat_id, kind, bot.id if bot and kind == "private" else None)
        return conversation

    # --- messages ----------------------------------------------------------------

    def post_message(self, conversation: Conversation, sender: Sender, **content: Any) -> StoredMessage:
        message = StoredMessage(
            message_id=conversation.new_message_id(), chat_id=conversation.chat_id,
            sender=sender, date=self.now(), **content,
        )
        conversation.messages[message.message_id] = message
        self.events.add("message.new", chat_id=conversation.chat_id, bot_id=conversation.bot_id,
                        message=self.message_view(message, conversation))
        return message

    def edit_message(self, conversation: Conversation, message: StoredMessage, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_count += 1
        message.edit_date = self.now()
        self.events.add("message.edited", chat_id=conversation.chat_id, bot_id=conversation.bot_id,
                        message=self.message_view(message, conversation))

    def delete_message(self, conversation: Conversation, message: StoredMessage) -> None:
        message.deleted = True
        self.events.add("message.deleted", chat_id=conversation.chat_id,
                        bot_id=conversation.bot_id, message_id=message.message_id)

    def take_flood(self, bot: BotAccount, conversation: Conversation, *, is_edit: bool) -> None:
        self.flood.take(flood_rules(self.limits, bot_id=bot.id, chat_id=conversation.chat_id,
                                    is_group=conversation.kind == "group", is_edit=is_edit))

    # --- updates -----------------------------------------------------------------

    def enqueue(self, bot: BotAccount, type_: str, payload: dict[str, Any],
                chat_key: int | None) -> int | None:
        """Queue an update unless the bot's allowed_updates filters it out."""
        if not bot.wants(type_):
            return None
        self.changed()  # the next update_id must survive a restart
        return self.queue(bot).push(type_, payload, chat_key).update_id

    # --- bookkeeping -------------------------------------------------------------

    def record_call(self, bot: BotAccount | None, method: str, chat_id: int | None,
                    error: ApiError | None, *, via: str = "http") -> ApiCall:
        call = ApiCall(
            seq=len(self.calls) + 1, time=self.wall_clock(), bot_id=bot.id if bot else None,
            method=method, chat_id=chat_id, ok=error is None,
            error_code=error.code if error else None,
            description=error.description if error else None,
            retry_after=error.retry_after if error else None, via=via,
        )
        self.calls.append(call)
        # Reads ("get…") change nothing; anything else may (commands, webhooks, …).
        if error is None and not method.startswith("get"):
            self.changed()
        return call

    def store_file(self, kind: str, data: bytes, *, file_name: str | None,
                   mime_type: str | None, size: tuple[int, int] | None = None) -> StoredFile:
        width, height = size if size else (None, None)
        return self.files.add(kind, data, file_name=file_name, mime_type=mime_type,
                              width=width, height=height)
