"""Fewer taps (issue #11, item 4): from the menu to the card provider's pay page in
seven taps with the default ticket types, counted on the real bot: Now showing, a
movie, tomorrow's showtime, best 2, Continue, Pay by card, and the page's link."""

from __future__ import annotations

import re

import aiohttp

from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.e2e.conftest import settings_for
from tests.e2e.flows import buttons, payment_ref, press_first, press_starting, start
from tests.e2e.processes import free_port
from tests.e2e.test_payments import WEBHOOK_SECRET, served_bot


async def test_the_pay_page_is_seven_taps_from_the_menu(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app(paypal=False)) as stripe_url, PaymentsClient(stripe_url) as sandbox:
        port = free_port()
        settings = settings_for(
            cinema_db, url, public_url=f"http://127.0.0.1:{port}", stripe_api_url=stripe_url,
            stripe_secret_key="sk_test_taps", stripe_webhook_secret=WEBHOOK_SECRET,
        )
        async with served_bot(settings, port):
            ann = await client.create_user("Ann", language_code="en")
            chat = ann["id"]
            menu = await start(client, ann)
            taps = 0

            async def tap(message: dict, label: str) -> dict:
                nonlocal taps
                taps += 1
                target = next(b for b in buttons(message) if b["text"] == label)
                answer = await client.click(chat, message["message_id"], target["callback_data"], user_id=chat)
                assert answer["answered"]
                return answer

            await tap(menu, "🎬 Now showing")
            listing = await client.wait_for_text(chat, "Now showing:")
            taps += 1
            await press_first(client, ann, listing)
            movie = await client.wait_for_text(chat, "min ·")
            taps += 1
            await press_starting(client, ann, movie, "Tomorrow")
            seats = await client.wait_for_text(chat, "Rows")
            await tap(seats, "⭐2")
            held = await client.wait_for_text(chat, "Your seats:")
            await tap(held, "Continue ➡")
            summary = await client.wait_for_text(chat, "Total:")
            # Ticket types and the promo code are there, but not in the way.
            labels = [b["text"] for b in buttons(summary)]
            assert "🎟 Ticket types" in labels and "🏷 Promo code" in labels
            await tap(summary, "💳 Pay by card")
            window = await client.wait_for_message(chat, lambda m: any(b.get("url") for b in buttons(m)), timeout=10)
            assert taps == 6
            link = next(b for b in buttons(window) if b.get("url"))
            taps += 1  # the URL button opens the page itself
            total = re.search(r"To pay: (\S+) by", window["text"]).group(1)
            async with aiohttp.ClientSession() as http, http.get(link["url"]) as page:
                assert page.status == 200
                html = await page.text()
            assert taps == 7
            assert total.lstrip("€") in html  # the page asks for the booking's total
            # Paid, and back by the pay page's deep link: the first reply is the
            # booking as it is now, and the card that said "To pay ... by" is gone.
            await sandbox.pay(payment_ref(window))
            await client.send_text(chat, "/start paid_1", user_id=chat)
            back = await client.wait_for_message(
                chat, lambda m: not m["outgoing"] and m.get("text") == "/start paid_1"
            )
            first = await client.wait_for_message(
                chat, lambda m: m["outgoing"] and m["message_id"] > back["message_id"], timeout=10
            )
            assert first["text"].startswith("🎟 Booking #1 — paid"), first["text"]
            visible = await client.transcript(chat, include_deleted=False)
            assert not any("To pay:" in (m.get("text") or "") for m in visible)
