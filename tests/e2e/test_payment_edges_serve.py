"""The payment edges of the real `cinebooker serve` over HTTP: money that does not
match its booking is never kept (Stripe: refunded once and answered 2xx; PayPal:
never captured), the customer is told in their language; webhook bodies that are
forged, malformed or of a kind we do not act on; `payments reconcile` carries on
past a payment it cannot settle and exits 1."""

from __future__ import annotations

import asyncio
import io
import json
import time

import aiohttp
import stripe
from pypdf import PdfReader
from sqlalchemy import select, update

from domain.booking import BookingStatus
from domain.payments import PaymentStatus
from infrastructure.db.engine import create_engine
from infrastructure.db.models import BookingSeatRow, PaymentRow, PromoRow, ProviderEventRow, ShowtimeRow
from playground.client import PlaygroundClient
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.e2e.conftest import TOKEN
from tests.e2e.flows import buttons, open_summary, payment_ref, press, reserve_one_seat
from tests.e2e.processes import clean_env, free_port, run_cli, serve_process
from tests.e2e.test_booking import _bookings
from tests.e2e.test_payments import pay_from_chat

SECRET = "payment-edges-webhook-secret"
STRIPE_SECRET = "whsec_payment_edges"
PAYPAL_WEBHOOK = "WH-EDGES"


def _env(db_url: str, api_url: str, pay_url: str, port: int) -> dict[str, str]:
    return clean_env(
        database_url=db_url, telegram_api_url=api_url, stripe_api_url=pay_url, paypal_api_url=pay_url,
        public_url=f"http://127.0.0.1:{port}", bot_token=TOKEN, timezone="Europe/Berlin", webhook_secret=SECRET,
        stripe_secret_key="sk_test_edges", stripe_webhook_secret=STRIPE_SECRET,
        paypal_client_id="cid-edges", paypal_client_secret="secret-edges", paypal_webhook_id=PAYPAL_WEBHOOK,
        # The first show may start within the usual 2-hour cutoff at this time of day.
        cancel_before_minutes="0",
    )


async def _raise_prices(db_url: str, by: int = 100) -> None:
    """The booking now costs more than the link the customer pays (as if the price
    was taken from elsewhere): what arrives does not match what is due."""
    engine = create_engine(db_url)
    async with engine.begin() as conn:
        await conn.execute(update(BookingSeatRow).values(price=BookingSeatRow.price + by))
    await engine.dispose()


async def _rows(db_url: str, what, *where):  # type: ignore[no-untyped-def]
    engine = create_engine(db_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(what).where(*where))).all()
    await engine.dispose()
    return rows


async def test_a_stripe_payment_that_does_not_match_is_refunded_and_the_customer_told(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app()) as pay_url, PaymentsClient(pay_url) as sandbox:
        port = free_port()
        await sandbox.add_stripe_webhook(f"http://127.0.0.1:{port}/webhooks/stripe", secret=STRIPE_SECRET)
        await sandbox.set_delivery("stripe", duplicates=2)
        async with serve_process(_env(cinema_db, url, pay_url, port), port) as process:
            ann = await client.create_user("Ann", language_code="en")
            session_id = payment_ref(await reserve_one_seat(client, ann))
            # She switches to Russian before paying: the notice must follow her.
            await client.send_text(ann["id"], "/language", user_id=ann["id"])
            await client.wait_for_text(ann["id"], "Choose your language", timeout=10)
            await client.click_button(ann["id"], "Русский", user_id=ann["id"])
            await _raise_prices(cinema_db)
            await sandbox.pay(session_id)
            told = await client.wait_for_text(ann["id"], "платёж полностью возвращён", timeout=15)
            assert "24,00" not in told["text"] and "бронь не подтверждена" in told["text"]
            # Every delivery (one event, twice) was answered 2xx: no endless retries.
            await sandbox.wait_deliveries("stripe", lambda d: len(d) >= 2, timeout=10)
            assert all(d["ok"] for d in await sandbox.deliveries("stripe"))
        assert "Traceback" not in process.output
        [booking] = await _bookings(cinema_db, ann["id"])
        assert booking.status is BookingStatus.AWAITING_PAYMENT and booking.paid_at is None
        [payment] = await _rows(cinema_db, PaymentRow.__table__)
        assert payment.status == PaymentStatus.REFUNDED and "refunded in full" in payment.problem
        events = await _rows(
            cinema_db, ProviderEventRow.outcome, ProviderEventRow.event_type == "checkout.session.completed"
        )
        assert [e.outcome for e in events] == ["mismatch_refunded"]
        account = stripe.StripeClient("sk_test_edges", base_addresses={"api": pay_url})
        refunds = await asyncio.to_thread(account.v1.refunds.list, {"payment_intent": payment.paid_ref})
        assert len(refunds.data) == 1  # refunded once, whatever was delivered twice
        # Reconcile afterwards changes nothing and succeeds.
        result = await asyncio.to_thread(
            run_cli, ["payments", "reconcile"], _env(cinema_db, url, pay_url, free_port())
        )
        assert result.returncode == 0, result.stderr
        assert len((await asyncio.to_thread(account.v1.refunds.list, {"payment_intent": payment.paid_ref})).data) == 1


async def test_a_paypal_order_that_does_not_match_is_never_captured(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app()) as pay_url, PaymentsClient(pay_url) as sandbox:
        port = free_port()
        await sandbox.add_paypal_webhook(f"http://127.0.0.1:{port}/webhooks/paypal", webhook_id=PAYPAL_WEBHOOK)
        async with serve_process(_env(cinema_db, url, pay_url, port), port) as process:
            ann = await client.create_user("Ann", language_code="en")
            order_id = payment_ref(await reserve_one_seat(client, ann, provider="paypal"))
            await _raise_prices(cinema_db)
            approved = await sandbox.approve(order_id)
            async with aiohttp.ClientSession() as http:  # the buyer comes back
                async with http.get(approved["redirect_url"], allow_redirects=False) as response:
                    assert response.status == 302 and "start=paid_1" in response.headers["Location"]
            told = await client.wait_for_text(ann["id"], "so nothing was taken", timeout=15)
            assert "booking #1" in told["text"]
            await sandbox.wait_deliveries("paypal", lambda d: len(d) >= 1, timeout=10)
            assert all(d["ok"] for d in await sandbox.deliveries("paypal"))
            [order] = [o for o in await sandbox.paypal_orders() if o["id"] == order_id]
            assert order["status"] == "APPROVED"  # approved by the buyer, never captured
        assert "Traceback" not in process.output
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.AWAITING_PAYMENT
    [payment] = await _rows(cinema_db, PaymentRow.__table__)
    assert payment.status == "refused" and "not captured" in payment.problem


async def test_reconcile_reports_a_payment_it_cannot_settle_and_settles_the_rest(playground, cinema_db):
    url, client, _ = playground
    async with serve(create_payments_app()) as pay_url, PaymentsClient(pay_url) as sandbox:
        port = free_port()
        env = _env(cinema_db, url, pay_url, port)
        async with serve_process(env, port):
            ann = await client.create_user("Ann", language_code="en")
            session_id = payment_ref(await reserve_one_seat(client, ann))
            await sandbox.pay(session_id)  # no webhook is registered: only reconcile learns of it
        # A second payment whose session Stripe does not know (another account's, say).
        engine = create_engine(cinema_db)
        async with engine.begin() as conn:
            [row] = (await conn.execute(select(PaymentRow.__table__))).all()
            values = {k: v for k, v in row._mapping.items() if k != "id"}
            await conn.execute(PaymentRow.__table__.insert().values({**values, "provider_ref": "cs_test_unknown"}))
        await engine.dispose()
        result = await asyncio.to_thread(run_cli, ["payments", "reconcile"], env)
        assert result.returncode == 1
        assert "cs_test_unknown" in result.stderr and "not settled" in result.stderr
        assert session_id not in result.stderr and "Traceback" not in result.stderr
        assert "1 payments confirmed" in result.stdout and "1 not settled" in result.stdout
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.PAID  # settled despite the broken one before it


def _signed(body: str, secret: str = STRIPE_SECRET, at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(body, secret, at)
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


async def test_webhook_bodies_forged_malformed_or_unhandled(playground, cinema_db):
    url, _, _ = playground
    async with serve(create_payments_app()) as pay_url:
        port = free_port()
        hook = f"http://127.0.0.1:{port}/webhooks"
        async with serve_process(_env(cinema_db, url, pay_url, port), port) as process, aiohttp.ClientSession() as http:
            async def post(path: str, body: str | bytes, headers: dict[str, str]) -> tuple[int, dict]:
                async with http.post(hook + path, data=body, headers=headers) as response:
                    return response.status, await response.json()

            event = json.dumps({"id": "evt_1", "object": "event", "type": "checkout.session.completed",
                                "data": {"object": {"id": "cs_forged"}}})
            # Forged: unsigned, signed with another secret, signed too long ago.
            for headers in ({}, _signed(event, "whsec_other"), _signed(event, at=int(time.time()) - 600)):
                status, answer = await post("/stripe", event, headers)
                assert status == 400 and answer["error"] == "invalid signature"
            # Signed but malformed: not JSON, not an object, fields of the wrong type or missing.
            for body in ("{oops", "[]", json.dumps({"id": 7, "type": "checkout.session.completed"}),
                         json.dumps({"id": "evt_2", "object": "event", "type": "checkout.session.completed",
                                     "data": {"object": {"id": ["x"]}}}),
                         json.dumps({"id": "evt_3", "object": "event", "type": "checkout.session.completed"})):
                status, answer = await post("/stripe", body, _signed(body))
                assert status == 400 and answer["error"].startswith("malformed event"), body
            # Well-formed, of a kind not acted on: acknowledged, nothing changes.
            other = json.dumps({"id": "evt_4", "object": "event", "type": "customer.created",
                                "data": {"object": {"id": "cus_1"}}})
            status, answer = await post("/stripe", other, _signed(other))
            assert status == 200 and answer["outcome"] == "ignored"
            # PayPal: malformed bodies are refused before PayPal is asked anything.
            for body in (b"{oops", b"[]", b"\xff\xfe", json.dumps({"id": "WH-1"}).encode(),
                         json.dumps({"id": "WH-1", "event_type": "CHECKOUT.ORDER.APPROVED",
                                     "resource": {"id": "../../v1/oauth2"}}).encode()):
                status, answer = await post("/paypal", body, {"Content-Type": "application/json"})
                assert status == 400 and answer["error"].startswith("malformed event"), body
        assert "Traceback" not in process.output
    assert await _rows(cinema_db, PaymentRow.__table__) == []


async def test_a_free_booking_is_paid_at_once_with_its_invoice(tmp_path):
    """A 100% promo code: no provider is asked (it would refuse a zero amount); the
    booking is paid at once and its PDF invoice (of 0.00) comes as for any other, in
    the real `cinebooker playground` process."""
    from tests.e2e.flows import enter_promo
    from tests.e2e.test_playground_process import _two_free_ports, playground_process

    port = _two_free_ports()
    async with playground_process(tmp_path, port):
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'cinebooker.db'}")
        async with engine.begin() as conn:
            await conn.execute(PromoRow.__table__.insert().values(
                code="FREEBIE", kind="percent", value=10_000, uses=0, active=True,
            ))
        await engine.dispose()
        async with PlaygroundClient(f"http://127.0.0.1:{port}") as chat:
            ann = await chat.create_user("Ann", language_code="en")
            await open_summary(chat, ann)
            await enter_promo(chat, ann, "freebie")
            summary = await chat.wait_for_text(ann["id"], "Promo code FREEBIE")
            assert "Total: €0.00" in summary["text"]
            # Nothing to pay: the summary offers booking, not the providers' pay buttons.
            labels = [b["text"] for b in buttons(summary)]
            assert "💳 Pay by card" not in labels and "🅿️ Pay with PayPal" not in labels
            answer = await press(chat, ann, "✅ Book (nothing to pay)")
            booked = await chat.wait_for_text(ann["id"], "Booking #1 — paid", timeout=15)
            assert not any("Pay" in b["text"] for b in buttons(booked))
            invoice = await chat.wait_for_message(ann["id"], lambda m: m.get("document"), timeout=30)
            pdf = PdfReader(io.BytesIO(await chat.download(invoice["document"])))
            assert "Total incl. VAT €0.00" in pdf.pages[0].extract_text()
            # Booked and paid at once: the press is not answered with an error.
            assert not answer["show_alert"] and "cannot be paid" not in (answer["text"] or ""), answer


async def test_a_total_below_stripes_minimum_gets_a_clear_message(playground, cinema_db):
    url, client, _ = playground
    engine = create_engine(cinema_db)
    async with engine.begin() as conn:  # every seat at 0.30 EUR (a very cheap show, say)
        kinds = ("standard", "vip", "wheelchair", "companion", "couch")
        await conn.execute(update(ShowtimeRow).values(prices={k: 30 for k in kinds}))
    await engine.dispose()
    async with serve(create_payments_app()) as pay_url:
        port = free_port()
        async with serve_process(_env(cinema_db, url, pay_url, port), port) as process:
            ann = await client.create_user("Ann", language_code="en")
            summary = await open_summary(client, ann)
            assert "Total: €0.30" in summary["text"]
            answer = await press(client, ann, "💳 Pay by card")
            assert answer["show_alert"] and "takes at least €0.50" in answer["text"], answer
            # Booked all the same: nothing was asked of Stripe; PayPal (no minimum) still takes it.
            card = await client.wait_for_message(
                ann["id"], lambda m: "Booking #1 — awaiting payment" in (m.get("text") or "")
                and any(b["text"] == "🅿️ Pay with PayPal" for b in buttons(m)), timeout=10,
            )
            assert not any(b.get("url") for b in buttons(card))
            await pay_from_chat(client, ann, "🅿️ Pay with PayPal")
        assert "Traceback" not in process.output
    statuses = [p.provider for p in await _rows(cinema_db, PaymentRow.__table__)]
    assert statuses == ["paypal"]
