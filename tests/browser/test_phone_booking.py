"""A booking on a phone: in a 390 px wide web chat, from /start to the Stripe pay
page by pressing the bot's buttons, with no button label cut (an ellipsis hides what
a button does); then paying, and the pay page's way back lands in the chat's tab.

The taps are in one list, BOOKING_TAPS, because the booking flow is still being
shortened (issue 11, item 4): keep the list in step with it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from tests.browser.test_webchat_phone import PHONE, wider_than_the_screen
from tests.browser.webchat import WebChat
from tests.e2e.test_playground_process import _two_free_ports, playground_process


@dataclass(frozen=True)
class Tap:
    button: str  # a fragment of the label of the button to press
    on: str | None = None  # the newest bot message with this text; default: with the button
    nth: int | None = None  # press this button of that message instead (a list's first item)


# From /start to the Stripe pay page with the default ticket types, as the flow has it.
BOOKING_TAPS = [
    Tap("Now showing"),
    Tap("the first movie", on="Now showing:", nth=0),
    Tap("Tomorrow"),  # tomorrow's first showtime, on the movie's screen (today's may close)
    Tap("⭐2"),  # the best two seats side by side
    Tap("Continue"),
    Tap("Pay by card"),
    Tap("Open the payment page"),  # a URL button: the pay page opens in a new tab
]


class LabelsCut(AssertionError):
    """Button labels a phone shows cut, by the step after which they were seen."""


async def press(chat: WebChat, tap: Tap) -> None:
    if tap.on is not None:
        message = await chat.bot_message(tap.on)
    else:
        message = await chat.bot_message_with_button(tap.button)
    if tap.nth is not None:
        await chat.press_nth(message, tap.nth)
    else:
        await chat.press(message, tap.button)


async def cut_labels(chat: WebChat) -> list[str]:
    return await chat.page.evaluate("window.webchat.cutButtonLabels()")


async def test_book_on_a_phone_from_start_to_the_pay_page_with_no_label_cut(browser: Any, tmp_path: Path) -> None:
    port = _two_free_ports()
    url = f"http://127.0.0.1:{port}"
    async with playground_process(tmp_path, port):
        context = await browser.new_context(**PHONE)
        chat = WebChat(await context.new_page())
        await chat.open(url)
        await chat.create_user("Анна", language_code="en")
        await chat.send("/start")
        await chat.bot_message("Hello")
        cut: dict[str, list[str]] = {}
        if labels := await cut_labels(chat):
            cut["/start"] = labels

        for number, tap in enumerate(BOOKING_TAPS[:-1], 1):
            await press(chat, tap)
            # The next screen is there once its button is (the same message, edited).
            following = BOOKING_TAPS[number]
            await (chat.bot_message(following.on) if following.on else chat.bot_message_with_button(following.button))
            if labels := await cut_labels(chat):
                cut[f"{number}. {tap.button}"] = labels
            assert await wider_than_the_screen(chat.page) == [], f"after {tap.button!r}"

        async with context.expect_page() as opened:
            await press(chat, BOOKING_TAPS[-1])
        pay_page = await opened.value
        await pay_page.wait_for_load_state()
        assert "/pay/stripe/cs_test_" in pay_page.url
        assert await wider_than_the_screen(pay_page) == []
        closed = asyncio.Event()
        pay_page.on("close", lambda _: closed.set())
        await pay_page.get_by_role("button", name="Pay", exact=True).click()
        # The way back comes to this tab, as on a phone; the pay page's tab closes.
        await asyncio.wait_for(closed.wait(), 15)
        await chat.page.locator(".message.out .text", has_text="/start paid_1").wait_for()
        await chat.bot_message("Booking #1", timeout=15_000)
        assert chat.page_loads == 1 and chat.errors == []
        await context.close()
        if cut:
            raise LabelsCut("labels cut at 390 px: " + "; ".join(f"after {step}: {', '.join(labels)}"
                                                              for step, labels in cut.items()))
