"""What a customer does in the chat, step by step, for the end-to-end tests."""

from __future__ import annotations

import re
from typing import Any

from playground.client import PlaygroundClient

SEAT_TEXT = re.compile(r"^(💺|♿|🤝|🛋)?([A-Z0-9]{1,3}?)(\d{1,3})$")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def free_seat_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in buttons(message) if SEAT_TEXT.match(b["text"]) and "\x1ds:" in b.get("callback_data", "")]


async def start(client: PlaygroundClient, user: dict[str, Any], greeting: str = "Hello") -> dict[str, Any]:
    await client.send_text(user["id"], "/start", user_id=user["id"])
    return await client.wait_for_text(user["id"], greeting)


async def press(client: PlaygroundClient, user: dict[str, Any], text: str, wait_for: str | None = None) -> dict[str, Any]:
    answer = await client.click_button(user["id"], text, user_id=user["id"])
    assert answer["answered"], f"button {text!r} was not answered"
    if wait_for:
        await client.wait_for_text(user["id"], wait_for)
    return answer


async def press_first(client: PlaygroundClient, user: dict[str, Any], message: dict[str, Any], skip: int = 0) -> dict[str, Any]:
    """Press the first button of a list (movies, days, showtimes)."""
    target = buttons(message)[skip]
    return await client.click(user["id"], message["message_id"], target["callback_data"], user_id=user["id"])


async def open_seat_map(client: PlaygroundClient, user: dict[str, Any], en: bool = True) -> dict[str, Any]:
    """Menu -> now showing -> first movie -> tomorrow's first showtime (the movie's
    screen offers today's and tomorrow's). Not today: today's first show may close
    its sales while a test runs, at some times of day."""
    await start(client, user, "Hello" if en else "Здравствуйте")
    await press(client, user, "🎬 Now showing" if en else "🎬 Сейчас в кино")
    listing = await client.wait_for_text(user["id"], "Now showing:" if en else "Сейчас в кино:")
    await press_first(client, user, listing)
    movie = await client.wait_for_text(user["id"], "min ·" if en else "мин ·")
    await press_starting(client, user, movie, "Tomorrow" if en else "Завтра")
    return await seat_map(client, user, "Rows" if en else "Ряды")


async def press_starting(client: PlaygroundClient, user: dict[str, Any], message: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Press the first button whose label starts with ``prefix``."""
    target = next(b for b in buttons(message) if b["text"].startswith(prefix))
    return await client.click(user["id"], message["message_id"], target["callback_data"], user_id=user["id"])


async def seat_map(client: PlaygroundClient, user: dict[str, Any], marker: str = "Rows") -> dict[str, Any]:
    return await client.wait_for_text(user["id"], marker)


async def reserve_one_seat(client: PlaygroundClient, user: dict[str, Any], provider: str = "card") -> dict[str, Any]:
    """From the menu to a booking of the first free seat, awaiting payment, its pay
    page opened (the summary's pay button books and asks the provider at once)."""
    current = await open_seat_map(client, user)
    await tap_seat(client, user, current, free_seat_buttons(current)[0])
    await client.wait_for_text(user["id"], "Your seats:")
    await press(client, user, "Continue ➡", wait_for="Total:")
    await press(client, user, "💳 Pay by card" if provider == "card" else "🅿️ Pay with PayPal")
    return await client.wait_for_text(user["id"], "To pay:")


async def tap_seat(client: PlaygroundClient, user: dict[str, Any], message: dict[str, Any], button: dict[str, Any]) -> dict[str, Any]:
    return await client.click(user["id"], message["message_id"], button["callback_data"], user_id=user["id"])
