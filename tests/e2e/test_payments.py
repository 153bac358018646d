"""Paying in the chat: conversation -> Stripe link -> sandbox pay page -> signed
webhook -> booking paid -> a message in the chat. Duplicates change nothing; a
forged or stale delivery is refused."""

from __future__ import annotations

import json
import re
import socket
import time
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import aiohttp
import stripe
from aiohttp import web
from sqlalchemy import update

from bot.container import build_container
from bot.server import build_app
from domain.booking import BookingStatus
from infrastructure.db.engine import create_engine
from infrastructure.db.models import BookingRow
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.e2e.conftest import settings_for
from tests.e2e.flows import buttons, open_summary, payment_ref, press, reserve_one_seat
from tests.e2e.test_booking import _bookings

WEBHOOK_SECRET = "whsec_e2e_secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def served_bot(settings, port):
    """The bot as `cinebooker serve` runs it: the webhook app and, on the embedded
    default, the worker that issues invoices (and says "paid" just before one)."""
    from bot.worker import BackgroundJobs, WorkerApp

    jobs = BackgroundJobs(WorkerApp(settings))
    runner = web.AppRunner(build_app(build_container(settings, jobs=jobs.app.queue)), shutdown_timeout=2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await jobs.start()
    try:
        yield
    finally:
        await jobs.stop()
        await runner.cleanup()


@asynccontextmanager
async def card_bot(cinema_db: str, api_url: str, **extra):  # type: ignore[no-untyped-def]
    """The served bot with Stripe's sandbox only, its signed webhook registered;
    yields the sandbox's client."""
    async with serve(create_payments_app(paypal=False)) as stripe_url, PaymentsClient(stripe_url) as sandbox:
        port = _free_port()
        public = f"http://127.0.0.1:{port}"
        settings = settings_for(
            cinema_db, api_url, public_url=public, stripe_api_url=stripe_url, stripe_secret_key="sk_test_card",
            stripe_webhook_secret=WEBHOOK_SECRET, paypal_client_id="", paypal_client_secret="", **extra,
        )
        await sandbox.add_stripe_webhook(public + "/webhooks/stripe", secret=WEBHOOK_SECRET)
        async with served_bot(settings, port):
            yield sandbox


async def pay_from_chat(client, user, button: str) -> str:
    """Press a pay button on a booking's card that offers it (the booking flow's
    card, My bookings'); returns the provider's reference (the last part of the
    payment page's address)."""
    await press(client, user, button)
    page = await client.wait_for_message(
        user["id"], lambda m: m["outgoing"] and "Open the payment page to pay" in (m.get("text") or "")
        and any(b.get("url") for b in buttons(m)),
    )
    return payment_ref(page)


def payment_received_count(transcript) -> int:
    return sum("Payment received" in (m.get("text") or "") for m in transcript)


async def test_pay_by_card_through_the_stripe_sandbox(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app(paypal=False)) as stripe_url, PaymentsClient(stripe_url) as sandbox:
        port = _free_port()
        public = f"http://127.0.0.1:{port}"
        settings = settings_for(
            cinema_db, url, public_url=public, webhook_secret="tg-secret", stripe_api_url=stripe_url,
            stripe_secret_key="sk_test_e2e", stripe_webhook_secret=WEBHOOK_SECRET,
            # The first show may start within the usual 2-hour cutoff at this time of day.
            cancel_before_minutes=0,
        )
        await sandbox.add_stripe_webhook(public + "/webhooks/stripe", secret=WEBHOOK_SECRET)
        await sandbox.set_delivery("stripe", duplicates=3)
        async with served_bot(settings, port):
            ann = await client.create_user("Ann", language_code="en")
            # The summary's "Pay by card" books and opens the Stripe session at once.
            window = await reserve_one_seat(client, ann)
            total = re.search(r"To pay: (\S+) by", window["text"]).group(1)
            session_id = payment_ref(window)
            paid = await sandbox.pay(session_id)
            assert "start=paid_1" in paid["redirect_url"]
            await client.wait_for_text(ann["id"], "Payment received: booking #1 is paid", timeout=10)
            # The open dialog is edited into the paid booking: no payment link or instructions left.
            edited = await client.wait_for_text(ann["id"], "Booking #1 — paid", timeout=10)
            assert "Open the payment page" not in edited["text"] and "To pay" not in edited["text"]
            assert not any(b.get("url") for b in buttons(edited))
            await sandbox.wait_deliveries("stripe", lambda d: sum(1 for x in d if x["ok"]) >= 3, timeout=10)
            assert payment_received_count(await client.transcript(ann["id"])) == 1
            # Cancelled within the policy: refunded through the provider.
            await client.send_text(ann["id"], "/mybookings", user_id=ann["id"])
            mine = await client.wait_for_text(ann["id"], "upcoming bookings")
            entry = next(b for b in buttons(mine) if "#1" in b["text"])
            await client.click(ann["id"], mine["message_id"], entry["callback_data"], user_id=ann["id"])
            # The question names the booking and what is refunded.
            await press(client, ann, "❌ Cancel booking", wait_for="Cancel booking #1 (")
            question = await client.wait_for_text(ann["id"], "Cancel booking #1 (")
            assert f"{total} is refunded to your payment method" in question["text"], question["text"]
            answer = await press(client, ann, "Yes, cancel")
            assert answer["text"] == "Booking cancelled. The refund is on its way."
            # A delivery we did not sign, or signed too long ago, is refused and changes nothing.
            body = json.dumps({"id": "evt_forged", "type": "checkout.session.completed",
                               "data": {"object": {"id": session_id}}})
            stale = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET, int(time.time()) - 600)
            async with aiohttp.ClientSession() as http:
                for header in ("t=1,v1=00", stale, ""):
                    async with http.post(public + "/webhooks/stripe", data=body,
                                         headers={"Stripe-Signature": header}) as response:
                        assert response.status == 400
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.REFUNDED and booking.payment_provider == "stripe"
    assert booking.refund_ref and booking.refund_ref.startswith("re_")


async def test_outage_at_checkout_then_a_late_payment_for_resold_seats_is_refunded(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app(paypal=False)) as stripe_url, PaymentsClient(stripe_url) as sandbox:
        port = _free_port()
        public = f"http://127.0.0.1:{port}"
        settings = settings_for(
            cinema_db, url, public_url=public, stripe_api_url=stripe_url,
            stripe_secret_key="sk_test_e2e", stripe_webhook_secret=WEBHOOK_SECRET,
        )
        await sandbox.add_stripe_webhook(public + "/webhooks/stripe", secret=WEBHOOK_SECRET)
        async with served_bot(settings, port):
            ann = await client.create_user("Ann", language_code="en")
            await open_summary(client, ann)
            await sandbox.set_outage("stripe", down=True)
            refused = await press(client, ann, "💳 Pay by card")
            assert "not answering" in refused["text"] and refused["show_alert"]
            # Booked all the same: its card offers paying again.
            card = await client.wait_for_message(
                ann["id"], lambda m: "Booking #1 — awaiting payment" in (m.get("text") or "")
                and any(b["text"] == "💳 Pay by card" for b in buttons(m)),
            )
            assert not any(b.get("url") for b in buttons(card))
            await sandbox.set_outage("stripe", down=False)
            session_id = await pay_from_chat(client, ann, "💳 Pay by card")
        # Ann's payment window is over (moved into the past rather than waited
        # for); the restarted bot's first sweep expires the booking.
        engine = create_engine(cinema_db)
        async with engine.begin() as conn:
            await conn.execute(update(BookingRow).values(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await engine.dispose()
        async with served_bot(settings, port):
            await client.wait_for_text(ann["id"], "was not paid in time and has expired", timeout=10)
            bob = await client.create_user("Bob", language_code="en")
            await reserve_one_seat(client, bob)  # the first free seat: Ann's old one
            # Then Ann pays on the page she still has open.
            await sandbox.pay_late(session_id)
            await client.wait_for_text(ann["id"], "we refunded it in full", timeout=10)
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.REFUNDED


async def test_pay_with_paypal_from_the_chat(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app(stripe=False)) as paypal_url, PaymentsClient(paypal_url) as sandbox:
        port = _free_port()
        public = f"http://127.0.0.1:{port}"
        settings = settings_for(
            cinema_db, url, public_url=public, paypal_api_url=paypal_url,
            paypal_client_id="cid-e2e", paypal_client_secret="secret-e2e", paypal_webhook_id="WH-E2E",
        )
        await sandbox.add_paypal_webhook(public + "/webhooks/paypal", webhook_id="WH-E2E")
        async with served_bot(settings, port):
            ann = await client.create_user("Ann", language_code="en")
            order_id = payment_ref(await reserve_one_seat(client, ann, provider="paypal"))
            approved = await sandbox.approve(order_id)
            # The buyer comes back through our return route: captured, sent to the bot.
            async with aiohttp.ClientSession() as http:
                async with http.get(approved["redirect_url"], allow_redirects=False) as response:
                    assert response.status == 302 and "start=paid_1" in response.headers["Location"]
            await client.wait_for_text(ann["id"], "Payment received: booking #1 is paid", timeout=10)
            await sandbox.wait_deliveries("paypal", lambda d: sum(1 for x in d if x["ok"]) >= 2, timeout=10)
            assert payment_received_count(await client.transcript(ann["id"])) == 1
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.PAID and booking.payment_provider == "paypal"
