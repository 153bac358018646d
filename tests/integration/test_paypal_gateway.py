"""The PayPal adapter against the playground's PayPal sandbox over HTTP: token
caching, orders, approval, capture, refund, webhook verification, outages."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from aiohttp import web

from domain.errors import PaymentProviderDown
from domain.money import Money
from domain.payments import CheckoutLine, CheckoutRequest, ProviderStatus, RefundStatus
from domain.errors import ProviderRefused
from infrastructure.payments.paypal_gateway import PayPalGateway, WebhookRejected
from infrastructure.payments.units import from_paypal_value, to_paypal_value
from playground.payments.app import setup_paypal
from playground.payments.client import PaymentsClient
from playground.payments.paypal.sandbox import PayPalSandbox
from playground.telegram.app import serve

WEBHOOK_ID = "WH-INTEGRATION"


class Clock:
    """A clock the test moves by hand (the sandbox's wall clock, or the gateway's)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class Sandbox:
    def __init__(self, url: str, calls: Counter[str], clock: Clock, control: PaymentsClient) -> None:
        self.url, self.calls, self.clock, self.control = url, calls, clock, control
        self.gateway_clock = Clock(1000.0)

    def gateway(self, webhook_id: str = WEBHOOK_ID, **options: Any) -> PayPalGateway:
        options.setdefault("clock", self.gateway_clock)
        options.setdefault("backoff", 0.01)
        return PayPalGateway("client-id", "client-secret", self.url, webhook_id, **options)


@pytest.fixture
async def sandbox():
    calls: Counter[str] = Counter()

    @web.middleware
    async def count(request: web.Request, handler: Any) -> web.StreamResponse:
        calls[request.path] += 1
        return await handler(request)

    clock = Clock(time.time())
    app = web.Application(middlewares=[count])
    setup_paypal(app, PayPalSandbox(clock=clock))
    async with serve(app) as url, PaymentsClient(url) as control:
        yield Sandbox(url, calls, clock, control)


@pytest.fixture
async def gateway(sandbox: Sandbox):
    gateway = sandbox.gateway()
    yield gateway
    await gateway.close()


def _request(booking_id: int = 7, key: str = "k1", total: int = 2200) -> CheckoutRequest:
    return CheckoutRequest(
        booking_id=booking_id,
        customer_id=42,
        lines=(
            CheckoutLine("Dune — F-3 (adult)", Money(1200, "EUR")),
            CheckoutLine("Dune — F-4 (student)", Money(1000, "EUR")),
        ),
        total=Money(total, "EUR"),
        description=f"Dune, booking #{booking_id}",
        success_url=f"https://t.me/cinebooker_bot?start=paid_{booking_id}",
        cancel_url=f"https://t.me/cinebooker_bot?start=unpaid_{booking_id}",
        expires_at=datetime.now(timezone.utc) + timedelta(minutes=15),
        idempotency_key=key,
    )


async def test_the_order_is_told_the_locale_and_the_deadline(sandbox: Sandbox, gateway: PayPalGateway):
    request = _request(key="k-ru")
    lines = (CheckoutLine("Дюна — F-3 (Взрослый)", Money(1200, "EUR")), CheckoutLine("Дюна — F-4 (Студенческий)", Money(1000, "EUR")))
    long_title = "Дюна: Часть вторая — расширенная режиссёрская версия с прологом, антрактом, эпилогом и интервью, бронь №7"
    checkout = await gateway.create_checkout(
        replace(request, lines=lines, locale="ru", deadline_note="Оплатите до 18:30 CET", description=long_title)
    )
    [order] = await sandbox.control.paypal_orders()
    unit = order["purchase_units"][0]
    assert [item["name"] for item in unit["items"]] == ["Дюна — F-3 (Взрослый)", "Дюна — F-4 (Студенческий)"]
    # The deadline first, so that a long title is what gives way to PayPal's 127 characters.
    assert unit["description"].startswith("Оплатите до 18:30 CET · Дюна: Часть вторая")
    assert len(unit["description"]) == 127 and unit["description"].endswith("…")
    page = await sandbox.control.paypal_page(checkout.provider_ref)
    assert '<html lang="ru">' in page and "Оплатите до 18:30 CET" in page and "12,00\xa0€" in page


def test_amounts_are_exact_decimal_strings():
    assert [to_paypal_value(Money(a, "EUR")) for a in (2200, 5, 1999, 0)] == ["22.00", "0.05", "19.99", "0.00"]
    # JPY and HUF have no minor unit (CLDR) and PayPal takes them whole.
    assert to_paypal_value(Money(1200, "JPY")) == "1200" and to_paypal_value(Money(1500, "HUF")) == "1500"
    with pytest.raises(ProviderRefused):
        to_paypal_value(Money(1550, "TWD"))  # 15.50 TWD: PayPal takes whole dollars only
    with pytest.raises(ProviderRefused):
        to_paypal_value(Money(1500, "KWD"))  # a currency PayPal does not take
    assert from_paypal_value("22.00", "EUR") == Money(2200, "EUR")
    assert from_paypal_value("0.5", "EUR") == Money(50, "EUR")
    assert from_paypal_value("15", "HUF") == Money(15, "HUF")
    assert from_paypal_value("15", "TWD") == Money(1500, "TWD")
    assert from_paypal_value("1200", "JPY") == Money(1200, "JPY")
    for bad in ("12.345", "1e3", "-1.00", "12,50", ""):
        with pytest.raises(ValueError):
            from_paypal_value(bad, "EUR")


async def test_order_approve_capture_refund(sandbox: Sandbox, gateway: PayPalGateway):
    checkout = await gateway.create_checkout(_request())
    again = await gateway.create_checkout(_request())  # same PayPal-Request-Id: same order
    assert again.provider_ref == checkout.provider_ref
    assert checkout.url.startswith(sandbox.url) and checkout.provider_ref in checkout.url
    [order] = await sandbox.control.paypal_orders()
    unit = order["purchase_units"][0]
    assert unit["amount"]["value"] == "22.00" and unit["custom_id"] == unit["reference_id"] == "7"
    assert [i["unit_amount"]["value"] for i in unit["items"]] == ["12.00", "10.00"]

    before = await gateway.fetch(checkout.provider_ref)
    assert before.status is ProviderStatus.OPEN and before.booking_id == 7
    # Not approved yet: PayPal refuses the capture, the order's state is the answer.
    assert (await gateway.capture(checkout.provider_ref, "cap-early")).status is ProviderStatus.OPEN

    approved = await sandbox.control.approve(checkout.provider_ref)
    assert f"token={checkout.provider_ref}" in approved["redirect_url"]
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.APPROVED

    paid = await gateway.capture(checkout.provider_ref, "cap-1")
    assert paid.status is ProviderStatus.PAID and paid.paid_ref and paid.amount == Money(2200, "EUR")
    assert paid.booking_id == 7
    # Twice is fine: the same request id replays, another one hits ORDER_ALREADY_CAPTURED.
    assert (await gateway.capture(checkout.provider_ref, "cap-1")).paid_ref == paid.paid_ref
    assert (await gateway.capture(checkout.provider_ref, "cap-2")).paid_ref == paid.paid_ref
    [order] = await sandbox.control.paypal_orders()
    assert len(order["purchase_units"][0]["payments"]["captures"]) == 1

    refund = await gateway.refund(paid.paid_ref, Money(2200, "EUR"), "refund-1")
    assert refund.ref and refund == await gateway.refund(paid.paid_ref, Money(2200, "EUR"), "refund-1")
    assert (await gateway.fetch_refund(refund.ref)).status is RefundStatus.SUCCEEDED
    # Refunded already (the key is new): PayPal's CAPTURE_FULLY_REFUNDED is "refunded".
    again = await gateway.refund(paid.paid_ref, None, "refund-2")
    assert again.status is RefundStatus.SUCCEEDED and again.ref is None
    # Refunded later, it was still paid: a repeated settle must not see it as unpaid.
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.PAID
    # One token for all of it.
    assert sandbox.calls["/v1/oauth2/token"] == 1


async def test_items_left_out_when_they_do_not_add_up(sandbox: Sandbox, gateway: PayPalGateway):
    await gateway.create_checkout(_request(booking_id=9, key="k9", total=2199))
    [order] = await sandbox.control.paypal_orders()
    unit = order["purchase_units"][0]
    assert unit["amount"]["value"] == "21.99" and "items" not in unit


async def test_expire_leaves_the_order_to_lapse(gateway: PayPalGateway):
    checkout = await gateway.create_checkout(_request(key="k-expire"))
    await gateway.expire(checkout.provider_ref)
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.OPEN


async def test_token_refreshed_before_it_lapses_and_once_on_401(sandbox: Sandbox, gateway: PayPalGateway):
    checkout = await gateway.create_checkout(_request(key="k-token"))
    for _ in range(3):
        await gateway.fetch(checkout.provider_ref)
    assert sandbox.calls["/v1/oauth2/token"] == 1
    # Close to expires_in (32400 s) on our clock: a new token before the call.
    sandbox.gateway_clock.now += 32_400 - 60
    await gateway.fetch(checkout.provider_ref)
    assert sandbox.calls["/v1/oauth2/token"] == 2
    # PayPal drops the token early (its clock ran ahead): one 401, one refresh, done.
    sandbox.clock.now += 40_000
    fetched = await gateway.fetch(checkout.provider_ref)
    assert fetched.status is ProviderStatus.OPEN
    assert sandbox.calls["/v1/oauth2/token"] == 3


async def test_concurrent_first_calls_share_one_token(sandbox: Sandbox, gateway: PayPalGateway):
    checkout = await gateway.create_checkout(_request(key="k-many"))
    fresh = sandbox.gateway()
    try:
        await asyncio.gather(*(fresh.fetch(checkout.provider_ref) for _ in range(5)))
    finally:
        await fresh.close()
    assert sandbox.calls["/v1/oauth2/token"] == 2  # one per gateway


async def test_outage_is_provider_down(sandbox: Sandbox, gateway: PayPalGateway):
    checkout = await gateway.create_checkout(_request(key="k-outage"))
    await sandbox.control.fail_next("paypal", 2)  # retried inside the gateway
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.OPEN
    await sandbox.control.set_outage("paypal", down=True, status=503)
    with pytest.raises(PaymentProviderDown):
        await gateway.create_checkout(_request(booking_id=8, key="k-outage-2"))
    await sandbox.control.set_outage("paypal", down=True, status=500, mode="disconnect")
    with pytest.raises(PaymentProviderDown):
        await gateway.fetch(checkout.provider_ref)
    await sandbox.control.set_outage("paypal", down=False, mode="error")
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.OPEN


async def test_rate_limit_refused_credentials_and_no_server_are_provider_down():
    async def too_many(_: web.Request) -> web.Response:
        return web.json_response({"name": "RATE_LIMIT_REACHED"}, status=429)

    async def refused(_: web.Request) -> web.Response:
        return web.json_response({"error": "invalid_client"}, status=401)

    for handler in (too_many, refused):
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        async with serve(app) as url:
            gateway = PayPalGateway("id", "secret", url, WEBHOOK_ID, retries=0)
            with pytest.raises(PaymentProviderDown):
                await gateway.fetch("5O190127TN364715T")
            await gateway.close()
    async with serve(web.Application()) as url:
        pass  # the port is free again: nothing listens there
    gateway = PayPalGateway("id", "secret", url, WEBHOOK_ID, retries=0)
    with pytest.raises(PaymentProviderDown):
        await gateway.create_checkout(_request())
    await gateway.close()


async def test_verify_webhook_accepts_real_deliveries_only(sandbox: Sandbox, gateway: PayPalGateway):
    received: list[tuple[dict[str, str], bytes]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(({k.lower(): v for k, v in request.headers.items()}, await request.read()))
        return web.Response(text="ok")

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    async with serve(receiver) as receiver_url:
        await sandbox.control.add_paypal_webhook(receiver_url + "/hook", webhook_id=WEBHOOK_ID)
        checkout = await gateway.create_checkout(_request(key="k-hook"))
        await sandbox.control.approve(checkout.provider_ref)
        await sandbox.control.wait_deliveries("paypal", lambda d: any(x["ok"] for x in d))
    [(headers, body)] = received

    event = await gateway.verify_webhook(headers, body)
    assert event["event_type"] == "CHECKOUT.ORDER.APPROVED" and event["resource"]["id"] == checkout.provider_ref
    # Header names are case-insensitive, as in HTTP.
    assert (await gateway.verify_webhook({k.upper(): v for k, v in headers.items()}, body))["id"] == event["id"]

    tampered = json.loads(body)
    tampered["resource"]["id"] = "5O190127TN364715T"
    with pytest.raises(WebhookRejected):
        await gateway.verify_webhook(headers, json.dumps(tampered).encode())
    forged = {**headers, "paypal-transmission-sig": "AAAA" + headers["paypal-transmission-sig"][4:]}
    with pytest.raises(WebhookRejected):
        await gateway.verify_webhook(forged, body)
    with pytest.raises(WebhookRejected):
        await gateway.verify_webhook({"paypal-transmission-id": headers["paypal-transmission-id"]}, body)
    for garbage in (b"not json", b"[1, 2]", b'{"id": "WH-1"}'):
        with pytest.raises(WebhookRejected):
            await gateway.verify_webhook(headers, garbage)
    other = sandbox.gateway(webhook_id="WH-SOMEONE-ELSE")
    try:
        with pytest.raises(WebhookRejected):
            await other.verify_webhook(headers, body)
    finally:
        await other.close()
    # PayPal cannot be asked: not a rejection, the delivery is to be retried.
    await sandbox.control.set_outage("paypal", down=True)
    with pytest.raises(PaymentProviderDown):
        await gateway.verify_webhook(headers, body)
    await sandbox.control.set_outage("paypal", down=False)
