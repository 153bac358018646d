"""The whole product in a real Chromium: `cinebooker playground` as one process (the
web chat, the bot in webhook mode, the Stripe sandbox, the worker), a customer who
books two seats, pays on the sandbox's page, comes back by the deep link, and sees
the booking paid and the PDF invoice arrive live.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin
from pathlib import Path

from tests.browser.webchat import WebChat
from tests.e2e.test_playground_process import _two_free_ports, playground_process


async def test_book_two_seats_and_pay_with_stripe_in_the_browser(browser, tmp_path: Path, artifacts: Path) -> None:
    port = _two_free_ports()
    chat_url = f"http://127.0.0.1:{port}"
    async with playground_process(tmp_path, port):
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        chat = WebChat(await context.new_page())
        await chat.open(chat_url)
        await chat.create_user("Анна", language_code="en")

        await chat.send("/start")
        menu = await chat.bot_message("Hello")
        # Cyrillic survives the round trip: the bot greets the user by name.
        assert "Анна" in await menu.inner_text()
        await chat.press(menu, "Now showing")
        listing = await chat.bot_message("Now showing:")
        await chat.press_nth(listing, 0)
        # The movie's screen offers today's and tomorrow's showtimes; tomorrow's first
        # (today's first show may close its sales while the test runs).
        movie = await chat.bot_message_with_button("Tomorrow")
        await chat.press(movie, "Tomorrow")

        seat_map = await chat.bot_message("Rows")
        first = await chat.tap_free_seat(seat_map)
        await chat.bot_message("Your seats:")
        await chat.tap_free_seat(await chat.bot_message("Rows"), skip=first)
        # The seat map is edited in place: one message, now naming two seats.
        selection = await chat.bot_message(re.compile(r"Your seats: [^,\s]+, [^,\s]+"))
        assert await chat.page.locator(".message.in", has_text="Rows").count() == 1
        seats = re.search(r"Your seats: ([^,\s]+, [^,\s]+)", await selection.inner_text())
        assert seats is not None
        await chat.press(selection, "Continue")
        summary = await chat.bot_message("Total:")
        # "Pay by card" books the seats and opens the Stripe session at once.
        await chat.press(summary, "Pay by card")
        pay_message = await chat.bot_message("Open the payment page to pay")
        assert "Booking #1 — awaiting payment" in await pay_message.inner_text()

        link = pay_message.locator("a.kb-button.url")
        href = await link.get_attribute("href")
        assert href and href.startswith(f"{chat_url}/pay/stripe/cs_test_"), href
        pay_page = await chat.open_in_new_tab(link)
        assert pay_page.url == href
        # The way back is a t.me deep link, which the playground turns into the web
        # chat: as on a phone, the chat's own tab takes it and sends "/start paid_1"
        # as the same customer, and the pay page's tab closes.
        async with pay_page.expect_event("close", timeout=15_000):
            await pay_page.get_by_role("button", name="Pay", exact=True).click()
        await chat.page.locator(".message.out .text", has_text="/start paid_1").wait_for()
        await chat.bot_message("Booking #1 —", timeout=15_000)

        # Live, with no reload: the sandbox's webhook reaches the bot, which writes
        # the notice and refreshes the open dialog: the booking's details (the deep
        # link may have come first, then they said "awaiting payment") now say paid.
        await chat.bot_message("Payment received: booking #1 is paid", timeout=15_000)
        details = await chat.bot_message("Booking #1 — paid", timeout=15_000)
        for seat in seats.group(1).split(", "):
            assert seat in await details.inner_text()
        assert chat.page_loads == 1 and chat.errors == []

        # The worker's invoice: a PDF document in the chat that opens in a tab.
        invoice = await chat.bot_document(".pdf", timeout=30_000)
        assert re.search(r"CB-\d{4}-000001\.pdf", await invoice.inner_text())
        pdf = await chat.page.request.get(urljoin(chat_url + "/", await invoice.get_attribute("href")))
        assert pdf.headers["content-type"] == "application/pdf"
        assert (await pdf.body()).startswith(b"%PDF")
        tab = await chat.open_in_new_tab(invoice)
        await tab.close()
        await chat.page.screenshot(path=str(artifacts / "webchat.png"), full_page=False)
        await context.close()

