"""What a customer does in the chat, step by step, for the end-to-end tests."""

from __future__ import annotations

import re
from typing import Any

from playground.client import PlaygroundClient

# A free seat's button: its name ("K11"; "10-5" where the row label ends in a digit),
# or only its number where a row of names would not fit a phone ("9": group 2 is
# then empty), with its kind's mark in front where there is room for one. A taken
# seat shows its state's symbol instead. The seat itself: seat_code(button).
SEAT_TEXT = re.compile(r"^(💺|♿|🤝|🛋)?([A-Z0-9]{0,3}?)-?(\d{1,3})$")


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


async def open_summary(client: PlaygroundClient, user: dict[str, Any], en: bool = True) -> dict[str, Any]:
    """From the menu to the summary ("Total: ...") of the first free seat, held."""
    current = await open_seat_map(client, user, en)
    await tap_seat(client, user, current, free_seat_buttons(current)[0])
    await client.wait_for_text(user["id"], "Your seats:" if en else "Ваши места:")
    await press(client, user, "Continue ➡" if en else "Далее ➡")
    return await client.wait_for_text(user["id"], "Total:" if en else "Итого:")


async def reserve_one_seat(client: PlaygroundClient, user: dict[str, Any], provider: str = "card") -> dict[str, Any]:
    """From the menu to a booking of the first free seat, awaiting payment, its pay
    page opened (the summary's pay button books and asks the provider at once)."""
    await open_summary(client, user)
    await press(client, user, PAY_BUTTONS[provider])
    return await client.wait_for_text(user["id"], "To pay:")


PAY_BUTTONS = {"card": "💳 Pay by card", "paypal": "🅿️ Pay with PayPal"}


def pay_link(message: dict[str, Any]) -> str:
    """The address of the payment page a message links to (its URL button)."""
    return next(b["url"] for b in buttons(message) if b.get("url"))


def payment_ref(message: dict[str, Any]) -> str:
    """The provider's reference of the linked payment page (Stripe's session id,
    PayPal's order id): the last part of its address."""
    return pay_link(message).rstrip("/").rsplit("/", 1)[-1]


async def enter_promo(client: PlaygroundClient, user: dict[str, Any], code: str, en: bool = True) -> None:
    """On the summary: "🏷 Promo code", then the code as a message. What follows (the
    summary, or the reason the code is refused) is the caller's to wait for."""
    await press(client, user, "🏷 Promo code" if en else "🏷 Промокод",
                wait_for="promo code as a message" if en else "промокод сообщением")
    await client.send_text(user["id"], code, user_id=user["id"])


async def open_ticket_types(client: PlaygroundClient, user: dict[str, Any], en: bool = True) -> dict[str, Any]:
    """On the summary: "🎟 Ticket types"; returns that screen (a button per seat)."""
    await press(client, user, "🎟 Ticket types" if en else "🎟 Типы билетов")
    return await client.wait_for_text(user["id"], "ticket type" if en else "тип билета")


def seat_code(button: dict[str, Any]) -> str | None:
    """The seat a seat-map button stands for ("K-11"), None for other buttons."""
    data = button.get("callback_data") or ""
    return data.split("\x1ds:", 1)[1] if "\x1ds:" in data else None


def seat_button(message: dict[str, Any], code: str) -> dict[str, Any] | None:
    """The button of seat ``code`` on a seat map, whatever it shows."""
    return next((b for b in buttons(message) if seat_code(b) == code), None)


async def tap_seat(client: PlaygroundClient, user: dict[str, Any], message: dict[str, Any], button: dict[str, Any]) -> dict[str, Any]:
    return await client.click(user["id"], message["message_id"], button["callback_data"], user_id=user["id"])


def text_of(message: dict[str, Any]) -> str:
    return message.get("text") or message.get("caption") or ""


async def send_and_wait(
    client: PlaygroundClient, user: dict[str, Any], text: str, fragment: str, timeout: float = 10
) -> dict[str, Any]:
    """Type ``text``; the first bot message sent after it that contains ``fragment``
    (not an older one that says the same, as the card a deep link shows again)."""
    sent = await client.send_text(user["id"], text, user_id=user["id"])
    after = sent["message"]["message_id"]
    return await client.wait_for_message(
        user["id"], lambda m: m["outgoing"] and m["message_id"] > after and fragment in text_of(m), timeout=timeout
    )
