"""Paying with PayPal: a booking reserved in the chat -> a PayPal order -> the
sandbox's approval page -> signed webhooks (duplicated) and the buyer's return ->
captured once -> booking paid. Forged deliveries and garbled returns are refused.

The dialog has no PayPal button yet, so the payment is started on a PaymentService
built here with the PayPal gateway and the bot's database, as the container will.
"""

from __future__ import annotations

import json
import socket
from typing import Any, Mapping

import aiohttp
from aiohttp import web

from bot.container import BotLinks, build_container
from domain.booking import BookingStatus
from domain.payments import PaymentProvider, PaymentStatus
from domain.services.payments import PaymentService, ReturnLinks, SettleOutcome, SettleResult
from handlers.paypal import RETURN_PATH, WEBHOOK_PATH, paypal_routes
from infrastructure.i18n.fluent import Translator
from infrastructure.payments.paypal_gateway import PayPalGateway
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import reserve_one_seat
from tests.e2e.test_booking import _bookings

PAYPAL = PaymentProvider.PAYPAL
WEBHOOK_ID = "WH-E2E-CINEBOOKER"
COPIES = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SeenDeliveries:
    """The gateway as the webhook route sees it, keeping each delivery for replays."""

    def __init__(self, gateway: PayPalGateway) -> None:
        self.gateway = gateway
        self.seen: list[tuple[dict[str, str], bytes]] = []

    async def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        self.seen.append((dict(headers), body))
        return await self.gateway.verify_webhook(headers, body)


async def test_pay_with_paypal_through_the_sandbox(playground, cinema_db):
    url, client, _ = playground
    settings = settings_for(cinema_db, url)
    links = BotLinks("cinebooker_e2e_bot")
    settled: list[SettleResult] = []

    async def on_settled(result: SettleResult) -> None:
        settled.append(result)

    port = _free_port()
    shop_url = f"http://127.0.0.1:{port}"
    container = build_container(settings)
    async with serve(create_payments_app(stripe=False)) as paypal_url, PaymentsClient(paypal_url) as sandbox:
        gateway = PayPalGateway("e2e-client", "e2e-secret", paypal_url, WEBHOOK_ID,
                                return_url=shop_url + RETURN_PATH, backoff=0.01)
        payments = PaymentService(container.deps, {PAYPAL: gateway}, ReturnLinks(links.paid, links.unpaid))
        spy = SeenDeliveries(gateway)
        shop = web.Application()
        paypal_routes(shop, payments, spy, on_settled, links.paid, Translator())  # type: ignore[arg-type]
        await sandbox.add_paypal_webhook(shop_url + WEBHOOK_PATH, webhook_id=WEBHOOK_ID)
        await sandbox.set_delivery("paypal", duplicates=COPIES, retry_initial=0.1)
        try:
            async with running_bot(settings), serve(shop, port=port):
                ann = await client.create_user("Ann", language_code="en")
                await reserve_one_seat(client, ann)
                [booking] = await _bookings(cinema_db, ann["id"])
                assert booking.status is BookingStatus.AWAITING_PAYMENT

                payment = await payments.start(booking.id, ann["id"], PAYPAL)
                assert payment.url.startswith(paypal_url + "/pay/paypal/")
                assert (await payments.start(booking.id, ann["id"], PAYPAL)).provider_ref == payment.provider_ref
                order_id = payment.provider_ref

                approved = await sandbox.approve(order_id)
                assert approved["redirect_url"].startswith(shop_url + RETURN_PATH)
                # CHECKOUT.ORDER.APPROVED is captured on arrival; the capture emits
                # PAYMENT.CAPTURE.COMPLETED. Every event comes COPIES times.
                await sandbox.wait_deliveries(
                    "paypal", lambda d: sum(x["ok"] for x in d) >= 2 * COPIES, timeout=10
                )
                deliveries = await sandbox.deliveries("paypal")
                assert all(d["ok"] for d in deliveries)
                assert {d["event_type"] for d in deliveries} == {"CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"}

                # Settled once: one capture, each event processed once, its copies duplicates.
                [order] = await sandbox.paypal_orders()
                [capture] = order["purchase_units"][0]["payments"]["captures"]
                outcomes = [r.outcome for r in settled]
                assert outcomes.count(SettleOutcome.DUPLICATE) == 2 * (COPIES - 1)
                first = next(r for r in settled if r.outcome is not SettleOutcome.DUPLICATE)
                assert first.outcome is SettleOutcome.PAID
                # The second event about the same payment is "already paid": one notice only.
                assert outcomes.count(SettleOutcome.PAID) == 1
                assert (first.booking_id, first.customer_id) == (booking.id, ann["id"])
                async with container.deps.uow() as uow:
                    stored = await uow.payments.get_by_ref(PAYPAL, order_id)
                assert stored is not None and stored.status is PaymentStatus.PAID and stored.paid_ref == capture["id"]

                async with aiohttp.ClientSession() as http:
                    # The buyer comes back: settled again (nothing new), sent to the bot.
                    async with http.get(approved["redirect_url"], allow_redirects=False) as response:
                        assert response.status == 302
                        assert response.headers["Location"] == links.paid(booking.id)
                    assert settled[-1].booking_id == booking.id
                    assert settled[-1].outcome is SettleOutcome.ALREADY_PAID
                    for token in ("", "<script>", "A" * 200, "5O190127TN364715T"):  # garbled, or not ours
                        async with http.get(shop_url + RETURN_PATH, params={"token": token}) as response:
                            assert response.status == 400 and "Unknown payment" in await response.text()
                    async with http.get(  # in the browser's language, where we have it
                        shop_url + RETURN_PATH, params={"token": "x"}, headers={"Accept-Language": "ru-RU,ru;q=0.9"}
                    ) as response:
                        assert response.status == 400 and "Неизвестный платёж" in await response.text()
                    await sandbox.set_outage("paypal", down=True)
                    async with http.get(approved["redirect_url"], allow_redirects=False) as response:
                        assert response.status == 503 and "reload" in await response.text()
                    await sandbox.set_outage("paypal", down=False)

                    # Forged or altered deliveries are refused; a true one replayed changes nothing.
                    headers, body = spy.seen[0]
                    event = json.loads(body)
                    forged = {**event, "id": "WH-FORGED-0000000000", "event_type": "CHECKOUT.ORDER.APPROVED"}
                    fake_headers = {
                        "PAYPAL-TRANSMISSION-ID": "00000000-0000-0000-0000-000000000000",
                        "PAYPAL-TRANSMISSION-TIME": "2026-01-01T00:00:00Z",
                        "PAYPAL-TRANSMISSION-SIG": "Zm9yZ2Vk",
                        "PAYPAL-CERT-URL": paypal_url + "/v1/notifications/certs/CERT-x",
                        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
                    }
                    replayed = {k: v for k, v in headers.items() if k.upper().startswith("PAYPAL-")}
                    for sent_headers, sent_body in (
                        (fake_headers, json.dumps(forged).encode()),
                        (replayed, json.dumps(forged).encode()),  # real signature, other event
                        ({}, body),
                        (replayed, b"{not json"),
                    ):
                        async with http.post(shop_url + WEBHOOK_PATH, data=sent_body, headers=sent_headers) as response:
                            assert response.status == 400
                    async with http.post(shop_url + WEBHOOK_PATH, data=b" " * 300_000, headers=replayed) as response:
                        assert response.status == 413
                    count = len(settled)
                    async with http.post(shop_url + WEBHOOK_PATH, data=body, headers=replayed) as response:
                        assert response.status == 200
                        assert (await response.json())["outcome"] == SettleOutcome.DUPLICATE
                    assert [r.outcome for r in settled[count:]] == [SettleOutcome.DUPLICATE]
        finally:
            await gateway.close()
            await container.close()

    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.PAID and booking.payment_provider == "paypal"
    assert booking.payment_ref == capture["id"] and booking.paid_amount == booking.total.amount
