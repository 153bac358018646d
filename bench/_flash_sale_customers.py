"""Scripted customers for bench/flash_sale.py, and the latencies they saw.

Customers act through the playground's control API (POST a text, POST a button
press) and watch their chats through ONE WebSocket on ``/control/ws``: hundreds
of per-chat long polls would each wake on every event of the server and make the
playground, not the bot, the thing being measured.

A CineBooker customer: ``/start show_<id>`` -> the seat map -> "⭐2" -> "Continue ➡"
-> the summary -> "✅ Book and pay" -> the booking's card. The bot under test has no
payment provider (bench/_flash_sale_bots.py): the sale is measured, not a provider.
With no two seats side by side it presses "⭐2" again, a bounded number of times
after a short pause, while the map shows two free seats. Every step waits for the
bot's answer (a new message, or the callback query answered).

The ceiling's customers replay exactly the actions (and pauses) the CineBooker
customers made, so both bots get the same updates from the same chats.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

Message = dict[str, Any]
T = TypeVar("T")

BEST = "⭐2"
CONTINUE = "Continue ➡"
CHECKOUT = "✅ Book and pay"
MAX_BEST_TRIES = 3  # presses of ⭐2 a customer makes before giving up
RETRY_PAUSE_S = (0.2, 0.6)  # a pause before pressing ⭐2 again, like a person would
FREE_SEATS = re.compile(r"(\d+) seats are free")
RESERVED = re.compile(r"Booking #\d+ — awaiting payment")
SEAT_LINE = re.compile(r"^([A-Z0-9]{1,3}?)-?([1-9][0-9]{0,2}) · ", re.MULTILINE)


class StepFailed(Exception):
    """The chat did not show what the script expected."""


def buttons(message: Message) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button_data(message: Message, label: str) -> str | None:
    for button in buttons(message):
        if button.get("text") == label and "callback_data" in button:
            return str(button["callback_data"])
    return None


def shown_text(message: Message) -> str:
    return message.get("text") or message.get("caption") or ""


class Chat:
    """What one customer's chat shows now, kept current from the event stream."""

    def __init__(self) -> None:
        self.messages: dict[int, Message] = {}  # the bot's visible messages
        self.answers: dict[str, dict[str, Any]] = {}  # answered callback queries
        self._changed = asyncio.Event()
        self.closed = False

    def changed(self) -> None:
        self._changed.set()

    def newest(self, accept: Callable[[Message], bool]) -> Message | None:
        for message_id in sorted(self.messages, reverse=True):
            if accept(self.messages[message_id]):
                return self.messages[message_id]
        return None

    def newest_with(self, label: str) -> Message | None:
        return self.newest(lambda m: button_data(m, label) is not None)

    def describe(self) -> str:
        last = self.newest(lambda m: True)
        return repr(shown_text(last)[:160]) if last else "an empty chat"

    async def wait(self, predicate: Callable[[], T | None], timeout: float) -> T:
        """The first truthy predicate(), checked after every change of this chat."""
        deadline = time.monotonic() + timeout
        while True:
            found = predicate()
            if found:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                raise StepFailed(f"no answer within {timeout:.0f}s; the chat shows {self.describe()}")
            # No await between the check above and clear(): no change is missed.
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass


class EventStream:
    """Every event of the playground applied to the chats, and when the control API
    accepted each user message and button press."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.http = http
        self.chats: dict[int, Chat] = {}
        self.accepted_messages: dict[tuple[int, int], float] = {}  # (chat, message_id) -> time
        self.accepted_clicks: dict[str, float] = {}  # callback id -> time
        self.events = 0
        self._task: asyncio.Task[None] | None = None

    def chat(self, chat_id: int) -> Chat:
        return self.chats.setdefault(chat_id, Chat())

    async def start(self) -> None:
        socket = await self.http.ws_connect(f"{self.base_url}/control/ws?after=0", heartbeat=30, max_msg_size=0)
        self._task = asyncio.create_task(self._pump(socket), name="playground-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _pump(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for frame in socket:
                if frame.type is aiohttp.WSMsgType.TEXT:
                    self._apply(json.loads(frame.data))
                elif frame.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSED):
                    break
        finally:
            await socket.close()
            for chat in self.chats.values():  # waiters fail now instead of at their deadline
                chat.closed = True
                chat.changed()

    def _apply(self, event: dict[str, Any]) -> None:
        self.events += 1
        kind = event["type"]
        chat_id = event.get("chat_id")
        if chat_id not in self.chats:
            return
        chat = self.chats[chat_id]
        if kind in ("message.new", "message.edited"):
            message = event["message"]
            if message["outgoing"]:
                chat.messages[message["message_id"]] = message
            elif kind == "message.new":
                self.accepted_messages[(chat_id, message["message_id"])] = event["time"]
        elif kind == "message.deleted":
            chat.messages.pop(event["message_id"], None)
        elif kind == "callback.clicked":
            self.accepted_clicks[event["callback"]["id"]] = event["time"]
        elif kind == "callback.answered":
            chat.answers[event["callback"]["id"]] = event["callback"]
        chat.changed()


@dataclass
class Action:
    kind: str  # "start" or the label of the button pressed
    update_id: int | None
    message_id: int | None = None  # the user's message, for "start"
    callback_id: str | None = None
    pause_s: float = 0.0  # slept before this action (replayed on the ceiling)


@dataclass
class Customer:
    user_id: int
    actions: list[Action] = field(default_factory=list)
    result: str = "not started"
    seats: tuple[str, ...] = ()  # what the bot said is reserved, as seat codes ("F-3")
    refused_with_free_seats: int = 0  # "no 2 seats side by side" while the map showed 2+ free


@dataclass
class Shop:
    """What customers of one side share: the control API, the events, the sale."""

    base_url: str
    http: aiohttp.ClientSession
    token: str
    events: EventStream
    showtime_id: int
    step_timeout: float

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(f"{self.base_url}{path}", json=body) as response:
            answer = await response.json(content_type=None)
            if response.status >= 400:
                raise StepFailed(f"{path}: {response.status} {answer}")
            return answer  # type: ignore[no-any-return]

    async def start(self, customer: Customer, chat: Chat, pause_s: float = 0.0) -> Message:
        """Send /start with the deep link; the bot's first new message after it."""
        sent = await self._post(
            "/control/messages",
            {"token": self.token, "chat_id": customer.user_id, "text": f"/start show_{self.showtime_id}"},
        )
        mine = sent["message"]["message_id"]
        customer.actions.append(Action("start", sent["update_id"], message_id=mine, pause_s=pause_s))
        return await chat.wait(lambda: chat.newest(lambda m: m["message_id"] > mine), self.step_timeout)

    async def press(self, customer: Customer, chat: Chat, label: str, pause_s: float = 0.0) -> dict[str, Any]:
        """Press ``label`` on the newest message that has it; the callback's answer."""
        message = chat.newest_with(label)
        data = button_data(message, label) if message else None
        if message is None or data is None:
            raise StepFailed(f"no button {label!r}; the chat shows {chat.describe()}")
        clicked = await self._post(
            "/control/callbacks",
            {"token": self.token, "chat_id": customer.user_id, "message_id": message["message_id"], "data": data},
        )
        query = clicked["callback_query_id"]
        customer.actions.append(Action(label, clicked["update_id"], callback_id=query, pause_s=pause_s))
        return await chat.wait(lambda: chat.answers.get(query), self.step_timeout)


def _expect(chat: Chat, fragment: str, label: str) -> Message:
    message = chat.newest_with(label)
    if message is None or fragment not in shown_text(message):
        raise StepFailed(f"expected {fragment!r} with {label!r}; the chat shows {chat.describe()}")
    return message


def _free_seats(chat: Chat) -> int | None:
    seat_map = chat.newest_with(BEST)
    found = FREE_SEATS.search(shown_text(seat_map)) if seat_map else None
    return int(found.group(1)) if found else None


async def book_two_seats(shop: Shop, customer: Customer, rng: random.Random) -> None:
    """One CineBooker customer; the outcome is left in ``customer``."""
    chat = shop.events.chat(customer.user_id)
    first = await shop.start(customer, chat)
    if button_data(first, BEST) is None:
        raise StepFailed(f"no seat map after /start: {shown_text(first)[:160]!r}")
    pause = 0.0
    for attempt in range(1, MAX_BEST_TRIES + 1):
        answer = await shop.press(customer, chat, BEST, pause)
        pause = 0.0
        if not (answer.get("text") or "").startswith("Best seats held"):
            free = _free_seats(chat)
            if free is not None and free >= 2:
                customer.refused_with_free_seats += 1
            if free is not None and free < 2:
                customer.result = "sold out"
                return
            if attempt == MAX_BEST_TRIES:
                customer.result = "turned away with seats left"
                return
            pause = rng.uniform(*RETRY_PAUSE_S)
            await asyncio.sleep(pause)
            continue
        await shop.press(customer, chat, CONTINUE)
        _expect(chat, "Total:", CHECKOUT)
        await shop.press(customer, chat, CHECKOUT)
        reserved = chat.newest(lambda m: RESERVED.search(shown_text(m)) is not None)
        if reserved is not None:
            customer.seats = reserved_seats(shown_text(reserved))
            customer.result = "booked"
            return
        # The hold was lost before checkout: the bot is back at the seat map.
    customer.result = "hold lost at checkout"


def reserved_seats(card: str) -> tuple[str, ...]:
    """The stored seat codes ("F-3") of a booking's card, which says "F3"."""
    return tuple(f"{row}-{number}" for row, number in SEAT_LINE.findall(card))


async def replay(shop: Shop, customer: Customer, script: list[Action]) -> None:
    """The same updates a CineBooker customer sent, against the ceiling bot."""
    chat = shop.events.chat(customer.user_id)
    for action in script:
        if action.pause_s:
            await asyncio.sleep(action.pause_s)
        if action.kind == "start":
            await shop.start(customer, chat, action.pause_s)
        else:
            await shop.press(customer, chat, action.kind, action.pause_s)
    customer.result = "replayed"


async def run_customers(
    customers: list[Customer], act: Callable[[Customer], Awaitable[None]], *,
    concurrency: int, deadline_s: float,
) -> None:
    """Run ``act`` for every customer, at most ``concurrency`` at a time (0: all
    at once); a customer still busy at the deadline is cancelled."""
    gate = asyncio.Semaphore(concurrency or len(customers) or 1)

    async def one(customer: Customer) -> None:
        async with gate:
            try:
                await act(customer)
            except StepFailed as exc:
                customer.result = f"error: {exc}"
            except asyncio.CancelledError:
                customer.result = "error: cancelled at the run's deadline"
                raise

    tasks = [asyncio.create_task(one(c)) for c in customers]
    try:
        done, _ = await asyncio.wait(tasks, timeout=deadline_s)
    finally:
        # At the deadline, and also when the run itself is cancelled (Ctrl-C):
        # no customer may outlive the run and its HTTP session.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled():
            task.result()  # a bug in the script itself surfaces here


# --- what the playground recorded, turned into latencies -----------------------------


@dataclass
class Timings:
    updates: int
    seconds: float  # first update accepted .. last reply
    accept_to_reply_ms: list[float]  # control API accepted -> the bot's first call for the chat
    deliver_to_reply_ms: list[float]  # webhook POST started -> the bot's first call for the chat
    accept_to_deliver_ms: list[float]  # time in the playground's webhook queue
    unanswered: int  # updates with no bot call before the chat's next update

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def timings(
    customers: list[Customer], events: EventStream, calls: list[dict[str, Any]], delivered: dict[int, float]
) -> Timings:
    """Per update: from acceptance (or delivery) to the bot's first Bot API call for
    that chat; a customer waits for each answer, so such a call answers that update."""
    call_times: dict[int, list[float]] = {}
    for call in calls:
        if call.get("chat_id") is not None:
            call_times.setdefault(int(call["chat_id"]), []).append(float(call["time"]))
    accept_reply: list[float] = []
    deliver_reply: list[float] = []
    accept_deliver: list[float] = []
    unanswered = 0
    first_accept = float("inf")
    last_reply = 0.0
    updates = 0
    for customer in customers:
        times = sorted(call_times.get(customer.user_id, []))
        accepted = [_accepted(customer.user_id, a, events) for a in customer.actions]
        for index, (action, start) in enumerate(zip(customer.actions, accepted)):
            if action.update_id is None or start is None:
                continue
            updates += 1
            first_accept = min(first_accept, start)
            nxt = next((t for t in accepted[index + 1:] if t is not None), float("inf"))
            at = bisect.bisect_left(times, start)
            if at == len(times) or times[at] >= nxt:
                unanswered += 1
                continue
            reply = times[at]
            last_reply = max(last_reply, reply)
            accept_reply.append((reply - start) * 1000)
            sent = delivered.get(action.update_id)
            if sent is not None:
                deliver_reply.append((reply - sent) * 1000)
                accept_deliver.append((sent - start) * 1000)
    seconds = last_reply - first_accept if updates and last_reply else 0.0
    return Timings(updates, seconds, accept_reply, deliver_reply, accept_deliver, unanswered)


def _accepted(chat_id: int, action: Action, events: EventStream) -> float | None:
    if action.callback_id is not None:
        return events.accepted_clicks.get(action.callback_id)
    if action.message_id is not None:
        return events.accepted_messages.get((chat_id, action.message_id))
    return None
