"""An async client of the Telegram playground's control API, for end-to-end tests.

    async with PlaygroundClient(base_url, bot=TOKEN) as tg:
        ann = await tg.create_user("Ann")
        await tg.send_text(ann["id"], "/start")
        menu = await tg.wait_for_text(ann["id"], "Pick a movie")
        answer = await tg.click_button(ann["id"], "Dune")

`bot` (here or per call) is a bot token ("123:abc") or a bot id; it can be left out
when the server knows exactly one bot.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterable

import aiohttp

from playground.httpclient import SessionOwner

BotRef = str | int | None
Message = dict[str, Any]


class PlaygroundError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


class PlaygroundClient(SessionOwner):
    def __init__(self, base_url: str, *, bot: BotRef = None,
                 session: aiohttp.ClientSession | None = None) -> None:
        super().__init__(base_url, session)
        self.bot = bot

    # --- plumbing ----------------------------------------------------------------

    async def _request(self, method: str, path: str, *, json: Any = None,
                       params: dict[str, Any] | None = None) -> Any:
        query = {k: str(v).lower() if isinstance(v, bool) else str(v)
                 for k, v in (params or {}).items() if v is not None}
        async with self._http().request(method, f"{self.base_url}{path}", json=json,
                                        params=query) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                reason = body.get("error") if isinstance(body, dict) else str(body)
                raise PlaygroundError(response.status, str(reason))
            return body

    def _bot_fields(self, bot: BotRef) -> dict[str, Any]:
        """{"token": ...} or {"bot_id": ...} for a body; {} lets the server pick."""
        ref = bot if bot is not None else self.bot
        if ref is None:
            return {}
        if isinstance(ref, str) and ":" in ref:
            return {"token": ref}
        return {"bot_id": int(ref)}

    def _bot_query(self, bot: BotRef) -> dict[str, Any]:
        fields = self._bot_fields(bot)
        if "token" in fields:
            return {"token": fields["token"]}
        return {"bot": fields["bot_id"]} if fields else {}

    # --- bots --------------------------------------------------------------------

    async def bots(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/control/bots")

    async def register_bot(self, token: str, *, username: str | None = None,
                           first_name: str | None = None,
                           privacy_mode: bool | None = None) -> dict[str, Any]:
        """Create a bot before it calls the API (any well-formed token works)."""
        body: dict[str, Any] = {"token": token, "username": username, "first_name": first_name}
        if privacy_mode is not None:
            body["privacy_mode"] = privacy_mode
        return await self._request("POST", "/control/bots",
                                   json={k: v for k, v in body.items() if v is not None})

    async def update_bot(self, bot_id: int, **changes: Any) -> dict[str, Any]:
        return await self._request("PATCH", f"/control/bots/{bot_id}", json=changes)

    async def pending_updates(self, bot_id: int) -> list[dict[str, Any]]:
        return await self._request("GET", f"/control/bots/{bot_id}/pending")

    # --- users and chats ---------------------------------------------------------

    async def create_user(self, first_name: str, *, last_name: str | None = None,
                          username: str | None = None, language_code: str = "en",
                          user_id: int | None = None) -> dict[str, Any]:
        body = {"first_name": first_name, "last_name": last_name, "username": username,
                "language_code": language_code, "id": user_id}
        return await self._request("POST", "/control/users",
                                   json={k: v for k, v in body.items() if v is not None})

    async def users(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/control/users")

    async def block(self, user_id: int, blocked: bool = True, *, bot: BotRef = None) -> dict[str, Any]:
        return await self._request("POST", f"/control/users/{user_id}/block",
                                   json={"blocked": blocked, **self._bot_fields(bot)})

    async def create_group(self, title: str, member_ids: Iterable[int], *, bot: BotRef = None,
                           chat_type: str = "group", admin_ids: Iterable[int] = (),
                           bot_admin: bool = False) -> dict[str, Any]:
        return await self._request("POST", "/control/chats", json={
            "title": title, "member_ids": list(member_ids), "type": chat_type,
            "admin_ids": list(admin_ids), "bot_admin": bot_admin, **self._bot_fields(bot),
        })

    async def chats(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/control/chats")

    # --- what a user does --------------------------------------------------------

    async def send_text(self, chat_id: int, text: str, *, user_id: int | None = None,
                        reply_to_message_id: int | None = None,
                        bot: BotRef = None) -> dict[str, Any]:
        """Type a text (a private chat's id is the user's id). Returns
        {"message": view, "update_id": id or None, "update_ids": {bot_id: id}}."""
        body = {"chat_id": chat_id, "text": text, "user_id": user_id,
                "reply_to_message_id": reply_to_message_id, **self._bot_fields(bot)}
        return await self._request("POST", "/control/messages",
                                   json={k: v for k, v in body.items() if v is not None})

    async def click(self, chat_id: int, message_id: int, data: str, *,
                    user_id: int | None = None, forge: bool = False, wait: float = 5.0,
                    bot: BotRef = None) -> dict[str, Any]:
        """Press the inline button carrying `data`; returns the callback record once the
        bot answered it (or after `wait` seconds, with "answered": false)."""
        body = {"chat_id": chat_id, "message_id": message_id, "data": data,
                "user_id": user_id, "forge": forge, **self._bot_fields(bot)}
        clicked = await self._request("POST", "/control/callbacks",
                                      json={k: v for k, v in body.items() if v is not None})
        return await self.callback(clicked["callback_query_id"], wait=wait)

    async def click_button(self, chat_id: int, text: str, *, message_id: int | None = None,
                           user_id: int | None = None, wait: float = 5.0,
                           bot: BotRef = None) -> dict[str, Any]:
        """Press the button labelled `text` on the newest message that has one."""
        messages = await self.transcript(chat_id, bot=bot, include_deleted=False)
        for message in reversed(messages):
            if message_id is not None and message["message_id"] != message_id:
                continue
            data = find_button(message, text)
            if data is not None:
                return await self.click(chat_id, message["message_id"], data, user_id=user_id,
                                        wait=wait, bot=bot)
        raise PlaygroundError(404, f"no button {text!r} in chat {chat_id}")

    async def callback(self, callback_id: str, *, wait: float = 0.0) -> dict[str, Any]:
        return await self._request("GET", f"/control/callbacks/{callback_id}",
                                   params={"wait": wait or None})

    # --- what a user sees --------------------------------------------------------

    async def chat_state(self, chat_id: int, *, bot: BotRef = None,
                         include_deleted: bool = True) -> dict[str, Any]:
        """{"messages": [...], "reply_keyboard": ..., "last_seq": n}."""
        return await self._request("GET", f"/control/chats/{chat_id}/messages", params={
            "include_deleted": include_deleted, **self._bot_query(bot)})

    async def transcript(self, chat_id: int, *, bot: BotRef = None,
                         include_deleted: bool = True) -> list[Message]:
        state = await self.chat_state(chat_id, bot=bot, include_deleted=include_deleted)
        return state["messages"]

    async def last_message(self, chat_id: int, *, bot: BotRef = None,
                           outgoing: bool | None = True) -> Message | None:
        """The newest visible message (from the bot by default)."""
        for message in reversed(await self.transcript(chat_id, bot=bot, include_deleted=False)):
            if outgoing is None or message["outgoing"] == outgoing:
                return message
        return None

    async def command_menu(self, chat_id: int, *, user_id: int | None = None,
                           bot: BotRef = None) -> dict[str, Any]:
        """The bot's command menu as the user sees it in the chat:
        {"commands": [...], "scope": {...} or None, "language_code": ...}."""
        return await self._request("GET", f"/control/chats/{chat_id}/commands", params={
            "user_id": user_id, **self._bot_query(bot)})

    async def wait_chat(self, chat_id: int, *, after_seq: int = 0, timeout: float = 10.0,
                        bot: BotRef = None) -> dict[str, Any]:
        return await self._request("GET", f"/control/chats/{chat_id}/wait", params={
            "after_seq": after_seq, "timeout": timeout, **self._bot_query(bot)})

    async def wait_for(self, chat_id: int, predicate: Callable[[list[Message]], Any], *,
                       timeout: float = 5.0, bot: BotRef = None) -> Any:
        """Wait until `predicate(transcript)` is truthy and return its value; raises
        TimeoutError with the chat's last messages otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            state = await self.chat_state(chat_id, bot=bot)
            result = predicate(state["messages"])
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                tail = [m.get("text") or m.get("caption") for m in state["messages"][-5:]]
                raise TimeoutError(f"chat {chat_id}: condition not met in {timeout}s; last: {tail}")
            await self.wait_chat(chat_id, after_seq=state["last_seq"], timeout=remaining, bot=bot)

    async def wait_for_message(self, chat_id: int, predicate: Callable[[Message], Any], *,
                               timeout: float = 5.0, bot: BotRef = None) -> Message:
        """The newest visible message passing `predicate`, waiting for one."""
        def newest(messages: list[Message]) -> Message | None:
            return next((m for m in reversed(messages)
                         if not m["deleted"] and predicate(m)), None)

        return await self.wait_for(chat_id, newest, timeout=timeout, bot=bot)

    async def wait_for_text(self, chat_id: int, fragment: str, *, timeout: float = 5.0,
                            bot: BotRef = None) -> Message:
        """The newest bot message whose text or caption contains `fragment`."""
        return await self.wait_for_message(
            chat_id,
            lambda m: m["outgoing"] and fragment in (m.get("text") or m.get("caption") or ""),
            timeout=timeout, bot=bot)

    async def events(self, after: int = 0, *, timeout: float = 0.0, chat_id: int | None = None,
                     bot: BotRef = None) -> dict[str, Any]:
        """{"events": [...], "last_seq": n}; long-polls up to `timeout` for the first."""
        return await self._request("GET", "/control/events", params={
            "after": after, "timeout": timeout, "chat_id": chat_id, **self._bot_query(bot)})

    async def download(self, file: dict[str, Any] | str) -> bytes:
        """The bytes of a photo/document from a transcript (or of a file_id)."""
        file_id = file if isinstance(file, str) else file["file_id"]
        async with self._http().get(f"{self.base_url}/control/files/{file_id}") as response:
            if response.status >= 400:
                raise PlaygroundError(response.status, "no such file")
            return await response.read()

    # --- bookkeeping -------------------------------------------------------------

    async def calls(self, *, bot: int | None = None, method: str | None = None,
                    chat_id: int | None = None, after: int = 0) -> list[dict[str, Any]]:
        """Bot API calls the server answered, oldest first."""
        return await self._request("GET", "/control/calls", params={
            "bot": bot, "method": method, "chat_id": chat_id, "after": after})

    async def calls_summary(self, *, bot: int | None = None,
                            chat_id: int | None = None) -> dict[str, Any]:
        """{"total", "outcomes": {"ok": n, "429": n}, "by_method": {...}}."""
        return await self._request("GET", "/control/calls/summary",
                                   params={"bot": bot, "chat_id": chat_id})

    async def limits(self) -> dict[str, Any]:
        return await self._request("GET", "/control/limits")

    async def set_limits(self, **changes: Any) -> dict[str, Any]:
        return await self._request("PATCH", "/control/limits", json=changes)

    async def faults(self) -> dict[str, Any]:
        return await self._request("GET", "/control/faults")

    async def set_faults(self, **changes: Any) -> dict[str, Any]:
        """Switch Telegram's failures on or off: refuse_photos, photo_delay."""
        return await self._request("PATCH", "/control/faults", json=changes)


def find_button(message: Message, text: str) -> str | None:
    """The callback_data of the inline button labelled `text`, if the message has one."""
    markup = message.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if button.get("text") == text and "callback_data" in button:
                return str(button["callback_data"])
    return None
