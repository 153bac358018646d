"""The control API: the user side of the fake Telegram, as JSON under /control/.

End-to-end tests (through playground.client) and the browser web chat both use it:
create users and groups, type texts, press inline buttons, read transcripts, and
follow live changes through a long-poll event stream or a WebSocket. The call log,
limits and files have their routes in control_server.py.
"""

from __future__ import annotations

import asyncio
import secrets
import weakref
from typing import Any, Callable

from aiohttp import WSCloseCode, web

from playground.telegram import actions
from playground.telegram.commands import menu_for
from playground.telegram.control_http import (
    Handler,
    control_guard,
    float_param,
    flag_param,
    int_param,
    json_object,
    json_response,
)
from playground.telegram.control_server import ServerControl
from playground.telegram.events import Event
from playground.telegram.models import BotAccount
from playground.telegram.state import ControlError, TelegramServer


class ControlApi:
    def __init__(self, server: TelegramServer) -> None:
        self.server = server
        # Tells a reconnecting client whether it still talks to the same server
        # (event numbers restart with a new one).
        self.instance = secrets.token_hex(8)
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self.server_control = ServerControl(server)

    def routes(self) -> list[tuple[str, str, Handler]]:
        """(method, path, handler) for every control route, errors already mapped."""
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/control/overview", self.overview),
            ("GET", "/control/bots", self.list_bots),
            ("POST", "/control/bots", self.create_bot),
            ("PATCH", "/control/bots/{bot_id}", self.update_bot),
            ("GET", "/control/bots/{bot_id}/pending", self.pending_updates),
            ("GET", "/control/users", self.list_users),
            ("POST", "/control/users", self.create_user),
            ("GET", "/control/users/{user_id}", self.get_user),
            ("POST", "/control/users/{user_id}/block", self.block),
            ("GET", "/control/chats", self.list_chats),
            ("POST", "/control/chats", self.create_chat),
            ("GET", "/control/chats/{chat_id}", self.get_chat),
            ("POST", "/control/chats/{chat_id}/members", self.add_members),
            ("GET", "/control/chats/{chat_id}/messages", self.transcript),
            ("GET", "/control/chats/{chat_id}/wait", self.wait_chat),
            ("GET", "/control/chats/{chat_id}/commands", self.command_menu),
            ("POST", "/control/messages", self.send_message),
            ("POST", "/control/callbacks", self.click),
            ("GET", "/control/callbacks/{callback_id}", self.get_callback),
            ("GET", "/control/events", self.events),
            ("GET", "/control/ws", self.websocket),
        ]
        guarded = [(method, path, control_guard(handler)) for method, path, handler in table]
        return guarded + self.server_control.routes()

    async def close_sockets(self) -> None:
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    # --- helpers -----------------------------------------------------------------

    def _find_bot(self, token: Any = None, bot_id: Any = None) -> BotAccount | None:
        """The bot named by token or id; the only bot when neither is given."""
        server = self.server
        if token:
            if not server.token_allowed(str(token)):
                raise ControlError(400, "malformed or unknown bot token")
            try:
                return server.bot_for_token(str(token))
            except ValueError as exc:
                raise ControlError(409, str(exc)) from None
        if bot_id not in (None, ""):
            bot = server.bots.get(int_param(bot_id, "bot_id") or 0)
            if bot is None:
                raise ControlError(404, f"no bot {bot_id}")
            return bot
        if len(server.bots) == 1:
            return next(iter(server.bots.values()))
        return None

    def _bot(self, token: Any = None, bot_id: Any = None) -> BotAccount:
        bot = self._find_bot(token, bot_id)
        if bot is None:
            raise ControlError(400, "say which bot: token or bot_id" if self.server.bots
                               else "no bot yet: pass its token")
        return bot

    def _bot_from_query(self, request: web.Request, *, required: bool) -> BotAccount | None:
        query = request.query
        token, bot_id = query.get("token"), query.get("bot") or query.get("bot_id")
        return self._bot(token, bot_id) if required else self._find_bot(token, bot_id)

    def _chat_filter(self, chat_id: int, bot: BotAccount | None) -> Callable[[Event], bool]:
        def accept(event: Event) -> bool:
            if event.chat_id != chat_id:
                return False
            return bot is None or event.bot_id is None or event.bot_id == bot.id

        return accept

    # --- everything at once ------------------------------------------------------

    async def overview(self, request: web.Request) -> web.Response:
        """Bots, users and groups with the event seq they reflect, so a live client
        (the web chat) can start its WebSocket at `last_seq` and miss nothing."""
        server = self.server
        return json_response({
            "bots": [self._bot_json(b) for b in server.bots.values()],
            "users": [u.to_telegram() for u in server.users.values()],
            "groups": [g.to_json() for g in server.groups.values()],
            "last_seq": server.events.last_seq,
            "instance": self.instance,
        })

    # --- bots ------------------------------------------------------------------

    async def list_bots(self, request: web.Request) -> web.Response:
        return json_response([self._bot_json(b) for b in self.server.bots.values()])

    def _bot_json(self, bot: BotAccount) -> dict[str, Any]:
        return {**bot.get_me(), "privacy_mode": bot.privacy_mode,
                "webhook_url": bot.webhook.url if bot.webhook else None,
                "pending_update_count": len(self.server.queue(bot).pending)}

    async def create_bot(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        if not body.get("token"):
            raise ControlError(400, "token is required")
        bot = self._bot(body["token"])
        self._apply_bot_changes(bot, body)
        return json_response(self._bot_json(bot), 201)

    async def update_bot(self, request: web.Request) -> web.Response:
        bot = self._bot(bot_id=request.match_info["bot_id"])
        self._apply_bot_changes(bot, await json_object(request))
        return json_response(self._bot_json(bot))

    def _apply_bot_changes(self, bot: BotAccount, body: dict[str, Any]) -> None:
        username = body.get("username")
        if username:
            if any(b.username == username for b in self.server.bots.values() if b is not bot):
                raise ControlError(409, f"username {username!r} is taken")
            bot.username = str(username)
        if body.get("first_name"):
            bot.first_name = str(body["first_name"])
        if "privacy_mode" in body:
            bot.privacy_mode = flag_param(body["privacy_mode"])
        self.server.changed()

    async def pending_updates(self, request: web.Request) -> web.Response:
        bot = self._bot(bot_id=request.match_info["bot_id"])
        return json_response([u.to_telegram() for u in self.server.queue(bot).pending])

    # --- users -----------------------------------------------------------------

    async def list_users(self, request: web.Request) -> web.Response:
        return json_response([u.to_telegram() for u in self.server.users.values()])

    async def create_user(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        user = self.server.add_user(
            str(body.get("first_name") or ""), last_name=body.get("last_name"),
            username=body.get("username"), language_code=body.get("language_code", "en"),
            user_id=int_param(body.get("id"), "id", required=False),
        )
        return json_response(user.to_telegram(), 201)

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.server.user(int_param(request.match_info["user_id"], "user_id") or 0)
        return json_response(user.to_telegram())

    async def block(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        bot = self._bot(body.get("token"), body.get("bot_id"))
        user_id = int_param(request.match_info["user_id"], "user_id") or 0
        blocked = flag_param(body.get("blocked", True))
        actions.set_blocked(self.server, bot, user_id, blocked)
        return json_response({"user_id": user_id, "bot_id": bot.id, "blocked": blocked})

    # --- chats -----------------------------------------------------------------

    async def list_chats(self, request: web.Request) -> web.Response:
        server = self.server
        chats = [g.to_json() for g in server.groups.values()]
        chats += [
            {**server.users[c.chat_id].private_chat(), "bot_id": c.bot_id}
            for c in server.conversations.values() if c.kind == "private"
        ]
        return json_response(chats)

    async def create_chat(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        members = body.get("member_ids") or []
        if not isinstance(members, list):
            raise ControlError(400, "member_ids must be a list of user ids")
        bots: list[BotAccount] = []
        token = body.get("bot_token") or body.get("token")
        if token or body.get("bot_id") or "bot_ids" not in body:
            # Without any bot field the only bot joins; "bot_ids": [] makes a bot-less group.
            found = self._find_bot(token, body.get("bot_id"))
            if found is not None:
                bots.append(found)
        for bot_id in body.get("bot_ids") or []:
            bot = self._bot(bot_id=bot_id)
            if bot not in bots:
                bots.append(bot)
        group = self.server.create_group(
            str(body.get("title") or ""), [int_param(m, "member_ids") or 0 for m in members],
            bots=bots, chat_type=str(body.get("type") or "group"),
            admin_ids=[int_param(a, "admin_ids") or 0 for a in body.get("admin_ids") or []],
            bot_admin=flag_param(body.get("bot_admin", False)),
        )
        return json_response(group.to_json(), 201)

    async def get_chat(self, request: web.Request) -> web.Response:
        chat_id = int_param(request.match_info["chat_id"], "chat_id") or 0
        if chat_id in self.server.groups:
            return json_response(self.server.groups[chat_id].to_json())
        return json_response(self.server.user(chat_id).private_chat())

    async def add_members(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        user_ids = body.get("user_ids")
        if not isinstance(user_ids, list) or not user_ids:
            raise ControlError(400, "user_ids must be a non-empty list of user ids")
        chat_id = int_param(request.match_info["chat_id"], "chat_id") or 0
        message = actions.add_members(
            self.server, chat_id, [int_param(u, "user_ids") or 0 for u in user_ids],
            int_param(body.get("by_user_id"), "by_user_id", required=False))
        group = self.server.groups[chat_id]
        view = None
        if message is not None:
            view = self.server.message_view(message, self.server.find_conversation(chat_id, None))
        return json_response({"chat": group.to_json(), "message": view})

    async def transcript(self, request: web.Request) -> web.Response:
        server = self.server
        chat_id = int_param(request.match_info["chat_id"], "chat_id") or 0
        bot = self._bot_from_query(request, required=chat_id not in server.groups)
        conversation = server.find_conversation(chat_id, bot)
        include_deleted = flag_param(request.query.get("include_deleted", "1"))
        messages = [
            server.message_view(m, conversation) for m in conversation.messages.values()
            if include_deleted or not m.deleted
        ]
        return json_response({"chat_id": chat_id, "bot_id": conversation.bot_id, "messages": messages,
                              "reply_keyboard": conversation.reply_keyboard,
                              "last_seq": server.events.last_seq})

    async def wait_chat(self, request: web.Request) -> web.Response:
        chat_id = int_param(request.match_info["chat_id"], "chat_id") or 0
        bot = self._bot_from_query(request, required=False)
        after = int_param(request.query.get("after_seq", request.query.get("after")), "after_seq",
                          required=False) or 0
        timeout = float_param(request.query.get("timeout"), "timeout", 10.0)
        found = await self.server.events.wait(after, timeout, self._chat_filter(chat_id, bot))
        return json_response(self._events_body(found))

    async def command_menu(self, request: web.Request) -> web.Response:
        """The bot's command menu as a user sees it in the chat: the first list the bot
        set, in Telegram's order of scopes, the user's language before none."""
        server = self.server
        chat_id = int_param(request.match_info["chat_id"], "chat_id") or 0
        group = server.groups.get(chat_id)
        bot = self._bot(request.query.get("token"), request.query.get("bot") or request.query.get("bot_id"))
        user = server.user(int_param(request.query.get("user_id"), "user_id", required=group is not None)
                           or chat_id)
        if group is not None and bot.id not in group.bot_ids:
            raise ControlError(404, f"bot {bot.id} is not in chat {chat_id}")
        if group is None and user.id != chat_id:
            raise ControlError(400, "in a private chat the user is the chat")
        scope, language, commands = menu_for(bot, chat_id, user.id, user.language_code, group)
        return json_response({"chat_id": chat_id, "bot_id": bot.id, "user_id": user.id, "commands": commands,
                              "scope": scope.to_json() if scope else None, "language_code": language})

    def _events_body(self, found: list[Event]) -> dict[str, Any]:
        return {"events": [e.to_json() for e in found],
                "last_seq": found[-1].seq if found else self.server.events.last_seq}

    # --- what users do ---------------------------------------------------------

    async def send_message(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        bot = self._bot(body.get("token"), body.get("bot_id"))
        chat_id = int_param(body.get("chat_id"), "chat_id") or 0
        user_id = int_param(body.get("user_id"), "user_id", required=False)
        if user_id is None:
            if chat_id in self.server.groups:
                raise ControlError(400, "user_id is required in a group")
            user_id = chat_id
        text = body.get("text")
        if not isinstance(text, str):
            raise ControlError(400, "text is required")
        message, update_ids = actions.send_text(
            self.server, bot, chat_id, user_id, text,
            int_param(body.get("reply_to_message_id"), "reply_to_message_id", required=False))
        conversation = self.server.conversation(bot, chat_id)
        return json_response({
            "message": self.server.message_view(message, conversation),
            "update_id": update_ids.get(bot.id),
            "update_ids": {str(k): v for k, v in update_ids.items()},
        }, 201)

    async def click(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        bot = self._bot(body.get("token"), body.get("bot_id"))
        chat_id = int_param(body.get("chat_id"), "chat_id") or 0
        user_id = int_param(body.get("user_id"), "user_id", required=False)
        if user_id is None:
            if chat_id in self.server.groups:
                raise ControlError(400, "user_id is required in a group")
            user_id = chat_id
        data = body.get("data")
        if not isinstance(data, str):
            raise ControlError(400, "data is required")
        record, update_id = actions.click(
            self.server, bot, chat_id, int_param(body.get("message_id"), "message_id") or 0, user_id, data,
            forge=flag_param(body.get("forge", False)))
        return json_response({"callback_query_id": record.id, "update_id": update_id,
                              "callback": record.to_json()}, 201)

    async def get_callback(self, request: web.Request) -> web.Response:
        record = self.server.callbacks.get(request.match_info["callback_id"])
        if record is None:
            raise ControlError(404, "no such callback query")
        wait = float_param(request.query.get("wait"), "wait", 0.0)
        if wait and not record.answered:
            def answered(event: Event) -> bool:
                return event.type == "callback.answered" and event.data["callback"]["id"] == record.id
            await self.server.events.wait(self.server.events.last_seq, wait, answered)
        return json_response(record.to_json())

    # --- event streams ---------------------------------------------------------

    async def events(self, request: web.Request) -> web.Response:
        query = request.query
        after = int_param(query.get("after"), "after", required=False) or 0
        timeout = float_param(query.get("timeout"), "timeout", 0.0)
        chat_id = int_param(query.get("chat_id"), "chat_id", required=False)
        bot = self._bot_from_query(request, required=False) if \
            (query.get("bot") or query.get("token")) else None
        accept = self._chat_filter(chat_id, bot) if chat_id is not None else None
        found = await self.server.events.wait(after, timeout, accept)
        return json_response(self._events_body(found))

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        self._sockets.add(socket)
        after = int_param(request.query.get("after"), "after", required=False) or 0

        async def pump() -> None:
            seq = after
            while not socket.closed and not self.server.closing:
                found = await self.server.events.wait(seq, 30.0)
                for event in found:
                    await socket.send_json(event.to_json())
                    seq = event.seq

        task = asyncio.create_task(pump())
        try:
            async for _ in socket:
                pass  # the stream is one-way; actions go through the POST routes
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return socket
