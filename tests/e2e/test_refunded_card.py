"""A refunded booking says so (issue #11, item 3): its card shows the amount given
back, and My bookings offers its cancellation invoice, never the void tickets with
"show the QR code at the door"."""

from __future__ import annotations

import re

from domain.booking import BookingStatus
from tests.e2e.flows import buttons, payment_ref, press, reserve_one_seat
from tests.e2e.test_booking import _bookings
from tests.e2e.test_payments import card_bot


async def test_a_refunded_booking_offers_its_cancellation_invoice_and_shows_the_refund(playground, cinema_db):
    url, client, _ = playground
    async with card_bot(cinema_db, url, cancel_before_minutes=0) as sandbox:
        ann = await client.create_user("Ann", language_code="en")
        chat = ann["id"]
        window = await reserve_one_seat(client, ann)
        total = re.search(r"To pay: (\S+) by", window["text"]).group(1)
        await sandbox.pay(payment_ref(window))
        await client.wait_for_message(chat, lambda m: m.get("document") is not None, timeout=20)
        await client.send_text(chat, "/mybookings", user_id=chat)
        mine = await client.wait_for_text(chat, "upcoming bookings")
        entry = next(b for b in buttons(mine) if "#1" in b["text"])
        await client.click(chat, mine["message_id"], entry["callback_data"], user_id=chat)
        paid = await client.wait_for_text(chat, "Booking #1 — paid")
        assert "🧾 Invoice and tickets" in [b["text"] for b in buttons(paid)]
        await press(client, ann, "❌ Cancel booking", wait_for="Cancel booking #1 (")
        await press(client, ann, "Yes, cancel")
        card = await client.wait_for_text(chat, "Booking #1 — refunded", timeout=10)
        assert f"Cancelled and refunded: {total}." in card["text"]
        assert card["text"].count("Total:") == 1  # each line once, the total once
        labels = [b["text"] for b in buttons(card)]
        assert "🧾 Cancellation invoice" in labels and "🧾 Invoice and tickets" not in labels
        # The worker issues the cancellation invoice; asking for it sends only that.
        await client.wait_for_message(
            chat, lambda m: (m.get("caption") or "").startswith("🧾 Cancellation invoice"), timeout=20
        )
        before = len(await client.transcript(chat))
        await press(client, ann, "🧾 Cancellation invoice")
        await client.wait_for(
            chat, lambda ms: any(m.get("document") is not None for m in ms[before:]), timeout=10
        )
        sent = (await client.transcript(chat))[before:]
        documents = [m for m in sent if m.get("document") is not None]
        assert len(documents) == 1 and documents[0]["caption"].startswith("🧾 Cancellation invoice")
        assert not any("QR code" in (m.get("caption") or m.get("text") or "") for m in sent)
    [booking] = await _bookings(cinema_db, chat)
    assert booking.status is BookingStatus.REFUNDED
