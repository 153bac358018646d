"""Paying again (issue #11, item 1): a pay page cancelled or closed leads back to the
booking, which offers both ways to pay again (the still-open session, not a new
charge); coming back from a paid page asks the provider at once instead of saying
"awaiting payment" until a webhook arrives."""

from __future__ import annotations


from domain.booking import BookingStatus
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.e2e.conftest import settings_for
from tests.e2e.flows import buttons, payment_ref, press, reserve_one_seat, send_and_wait, text_of
from tests.e2e.processes import free_port
from tests.e2e.test_booking import _bookings
from tests.e2e.test_payments import served_bot


def _settings(cinema_db: str, api_url: str, pay_url: str, port: int):  # type: ignore[no-untyped-def]
    # No provider webhook is registered: only the customer's way back can tell.
    return settings_for(
        cinema_db, api_url, public_url=f"http://127.0.0.1:{port}", stripe_api_url=pay_url, paypal_api_url=pay_url,
        stripe_secret_key="sk_test_again", stripe_webhook_secret="whsec_again",
        paypal_client_id="cid-again", paypal_client_secret="secret-again", paypal_webhook_id="WH-AGAIN",
    )


async def test_a_cancelled_pay_page_leads_to_a_card_that_pays_again(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app()) as pay_url, PaymentsClient(pay_url) as sandbox:
        port = free_port()
        async with served_bot(_settings(cinema_db, url, pay_url, port), port):
            ann = await client.create_user("Ann", language_code="en")
            session_id = payment_ref(await reserve_one_seat(client, ann))
            cancelled = await sandbox.cancel_payment(session_id)
            assert "start=unpaid_1" in cancelled["redirect_url"]
            card = await send_and_wait(client, ann, "/start unpaid_1", "Booking #1 — awaiting payment")
            labels = [b["text"] for b in buttons(card)]
            assert "💳 Pay by card" in labels and "🅿️ Pay with PayPal" in labels
            # Card again: the page still open, not a second session.
            await press(client, ann, "💳 Pay by card")
            again = await client.wait_for_message(
                ann["id"], lambda m: m["message_id"] >= card["message_id"] and any(b.get("url") for b in buttons(m))
                and "#1" in (m.get("text") or ""),
                timeout=10,
            )
            link = next(b["url"] for b in buttons(again) if b.get("url"))
            assert link.rstrip("/").rsplit("/", 1)[-1] == session_id
            # Or PayPal this time: a link to PayPal's page.
            await press(client, ann, "🅿️ Pay with PayPal")
            await client.wait_for_message(
                ann["id"], lambda m: any("paypal" in (b.get("url") or "") for b in buttons(m)), timeout=10
            )
            await sandbox.pay(session_id)
            # Back from the paid page: the provider is asked at once, and the first
            # reply is the booking as it is now; the worker's "paid" comes next, just
            # before the invoice.
            back = await client.send_text(ann["id"], "/start paid_1", user_id=ann["id"])
            paid = await client.wait_for_text(ann["id"], "Booking #1 — paid", timeout=10)
            paid_labels = [b["text"] for b in buttons(paid)]
            assert "💳 Pay by card" not in paid_labels and "🅿️ Pay with PayPal" not in paid_labels
            invoice = await client.wait_for_message(ann["id"], lambda m: m.get("document") is not None, timeout=20)
            replies = [
                m for m in await client.transcript(ann["id"])
                if m["outgoing"] and not m["deleted"] and m["message_id"] > back["message"]["message_id"]
            ]
            firsts = [text_of(m).splitlines()[0] for m in replies]
            assert firsts == [
                "🎟 Booking #1 — paid",
                "✅ Payment received: booking #1 is paid. Enjoy the show!",
                text_of(invoice).splitlines()[0],
            ], firsts
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.PAID
