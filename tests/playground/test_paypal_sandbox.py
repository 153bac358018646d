"""The PayPal sandbox over plain HTTP (aiohttp), as the production adapter will use it."""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass
from typing import Any, AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from playground.payments import PAYPAL_KEY, DeliverySettings, PayPalSandbox, create_payments_app
from playground.payments.client import PaymentsClient, PaymentsError
from playground.payments.money import AmountError, format_decimal, parse_decimal
from playground.telegram import serve
from tests.playground.stripe_support import Received, Receiver, WallClock

CLIENT_ID, CLIENT_SECRET = "cinebooker-client", "cinebooker-secret"
WEBHOOK_ID = "4JH86294D6297924G"
FAST = DeliverySettings(retry_initial=0.02, retry_max=0.1, window=0.15, timeout=2.0)
RETURN_URL = "http://127.0.0.1:9/paypal/return?booking=42"
CANCEL_URL = "http://127.0.0.1:9/paypal/cancel"


@dataclass
class PayPal:
    url: str
    state: PayPalSandbox
    clock: WallClock
    http: aiohttp.ClientSession
    token: str = ""

    async def call(self, method: str, path: str, *, json: Any = None, token: str | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, Any]:
        sent = {"Authorization": f"Bearer {self.token if token is None else token}", **(headers or {})}
        async with self.http.request(method, f"{self.url}{path}", json=json, headers=sent) as response:
            return response.status, await response.json(content_type=None)

    async def create(self, value: str = "12.50", request_id: str | None = None,
                     **extra: Any) -> dict[str, Any]:
        status, body = await self.call("POST", "/v2/checkout/orders",
                                       json=order_body(value, **extra),
                                       headers={"PayPal-Request-Id": request_id} if request_id else None)
        assert status == 201, body
        return body


def order_body(value: str = "12.50", currency: str = "EUR", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "intent": "CAPTURE",
        "purchase_units": [{"reference_id": "booking-42", "custom_id": "42",
                            "description": "Dune: Part Two, 2 seats",
                            "amount": {"currency_code": currency, "value": value}}],
        "application_context": {"return_url": RETURN_URL, "cancel_url": CANCEL_URL,
                                "brand_name": "CineBooker"},
    }
    body.update(extra)
    return body


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
async def paypal(clock: WallClock) -> AsyncIterator[PayPal]:
    app = create_payments_app(clock=clock, stripe=False, delivery=FAST,
                              paypal_clients={CLIENT_ID: CLIENT_SECRET})
    async with serve(app) as url, aiohttp.ClientSession() as http:
        paypal = PayPal(url, app[PAYPAL_KEY], clock, http)
        async with http.post(f"{url}/v1/oauth2/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": basic(CLIENT_ID, CLIENT_SECRET)}) as response:
            paypal.token = (await response.json())["access_token"]
        yield paypal


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    async with serve(app) as url:
        receiver.url = f"{url}/hook"
        yield receiver


@pytest.fixture
async def control(paypal: PayPal) -> AsyncIterator[PaymentsClient]:
    async with PaymentsClient(paypal.url) as client:
        yield client


@pytest.fixture
async def hooked(control: PaymentsClient, receiver: Receiver) -> Receiver:
    await control.add_paypal_webhook(receiver.url, webhook_id=WEBHOOK_ID)
    return receiver


def event_types(receiver: Receiver) -> list[str]:
    return [r.json()["event_type"] for r in receiver.accepted]


async def wait_event(receiver: Receiver, event_type: str, count: int = 1) -> list[Received]:
    await receiver.wait_for(lambda rs: sum(r.json()["event_type"] == event_type
                                           for r in rs if r.status == 200) >= count)
    return [r for r in receiver.accepted if r.json()["event_type"] == event_type]


def verify_body(delivery: Received, *, event: Any = None,
                webhook_id: str = WEBHOOK_ID, **overrides: str) -> dict[str, Any]:
    """The verify-webhook-signature request an adapter builds from a delivery."""
    h = delivery.headers
    body = {
        "auth_algo": h["PAYPAL-AUTH-ALGO"],
        "cert_url": h["PAYPAL-CERT-URL"],
        "transmission_id": h["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": h["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": h["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": webhook_id,
        "webhook_event": delivery.json() if event is None else event,
    }
    body.update(overrides)
    return body


# --- OAuth and Bearer ------------------------------------------------------------------------

async def test_token_and_bearer_required(paypal: PayPal) -> None:
    async with paypal.http.post(f"{paypal.url}/v1/oauth2/token",
                                data={"grant_type": "client_credentials"},
                                headers={"Authorization": basic(CLIENT_ID, CLIENT_SECRET)}) as response:
        token = await response.json()
    assert response.status == 200
    assert token["token_type"] == "Bearer" and token["expires_in"] == 32400
    assert token["access_token"]
    async with paypal.http.post(f"{paypal.url}/v1/oauth2/token",
                                data={"grant_type": "client_credentials"},
                                headers={"Authorization": basic(CLIENT_ID, "wrong")}) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "invalid_client"
    async with paypal.http.post(f"{paypal.url}/v1/oauth2/token",
                                headers={"Authorization": basic(CLIENT_ID, CLIENT_SECRET)}) as response:
        assert response.status == 400

    for token_value in ("", "forged-token"):
        status, body = await paypal.call("POST", "/v2/checkout/orders", json=order_body(),
                                         token=token_value)
        assert status == 401 and body["name"] == "AUTHENTICATION_FAILURE"
    status, _ = await paypal.call("POST", "/v1/notifications/verify-webhook-signature",
                                  json={}, token="forged-token")
    assert status == 401
    paypal.clock.advance(32401)  # tokens lapse on the sandbox clock
    status, _ = await paypal.call("GET", "/v2/checkout/orders/NOPE")
    assert status == 401


# --- orders --------------------------------------------------------------------------------------

async def test_create_order_and_request_id_idempotency(paypal: PayPal) -> None:
    order = await paypal.create(request_id="booking-42-order")
    assert order["status"] == "CREATED" and len(order["id"]) == 17
    links = {link["rel"]: link["href"] for link in order["links"]}
    assert links["approve"] == f"{paypal.url}/pay/paypal/{order['id']}"
    assert links["self"] == f"{paypal.url}/v2/checkout/orders/{order['id']}"

    again = await paypal.create(request_id="booking-42-order")
    assert again["id"] == order["id"]
    fresh = await paypal.create()
    assert fresh["id"] != order["id"]
    assert len(paypal.state.orders) == 2

    status, full = await paypal.call("GET", f"/v2/checkout/orders/{order['id']}")
    assert status == 200
    unit = full["purchase_units"][0]
    assert (full["intent"], unit["reference_id"], unit["custom_id"]) == ("CAPTURE", "booking-42", "42")
    assert unit["amount"] == {"currency_code": "EUR", "value": "12.50"}
    assert paypal.state.orders[order["id"]].units[0].amount == 1250

    status, missing = await paypal.call("GET", "/v2/checkout/orders/5O190127TN364715T")
    assert status == 404 and missing["name"] == "RESOURCE_NOT_FOUND"


async def test_experience_context_asks_for_payer_action(paypal: PayPal) -> None:
    body = order_body()
    del body["application_context"]
    body["payment_source"] = {"paypal": {"experience_context": {
        "return_url": RETURN_URL, "cancel_url": CANCEL_URL}}}
    status, order = await paypal.call("POST", "/v2/checkout/orders", json=body,
                                      headers={"Prefer": "return=representation"})
    assert status == 201 and order["status"] == "PAYER_ACTION_REQUIRED"
    assert [link["rel"] for link in order["links"]] == ["self", "payer-action"]
    assert order["purchase_units"][0]["amount"]["value"] == "12.50"


async def test_amounts_are_exact_decimal_strings(paypal: PayPal) -> None:
    assert parse_decimal("12.50", 2) == 1250 and parse_decimal("0.1", 2) == 10
    assert parse_decimal("1000", 0) == 1000 and format_decimal(5, 2) == "0.05"
    assert parse_decimal("19.99", 2) == 1999  # float("19.99") * 100 would give 1998.999…
    with pytest.raises(AmountError):
        parse_decimal("1.005", 2)

    jpy = await paypal.create("1500", currency="JPY")
    status, order = await paypal.call("GET", f"/v2/checkout/orders/{jpy['id']}")
    assert order["purchase_units"][0]["amount"]["value"] == "1500"
    for value, currency, issue in [("12.505", "EUR", "DECIMAL_PRECISION"),
                                   ("10.5", "JPY", "DECIMAL_PRECISION"),
                                   ("12,50", "EUR", "INVALID_PARAMETER_SYNTAX"),
                                   (12.5, "EUR", "INVALID_PARAMETER_SYNTAX"),
                                   ("0.00", "EUR", "INVALID_PARAMETER_VALUE")]:
        status, error = await paypal.call("POST", "/v2/checkout/orders",
                                          json=order_body(value, currency=currency))  # type: ignore[arg-type]
        assert status == 400 and error["name"] == "INVALID_REQUEST", (value, error)
        assert error["details"][0]["issue"] == issue
        assert error["details"][0]["field"] == "/purchase_units/0/amount/value"
    status, error = await paypal.call("POST", "/v2/checkout/orders", json={"intent": "CAPTURE"})
    assert status == 400 and error["details"][0]["issue"] == "MISSING_REQUIRED_PARAMETER"


# --- approval, capture, refund ---------------------------------------------------------------

async def test_approve_capture_refund(paypal: PayPal, control: PaymentsClient,
                                      hooked: Receiver) -> None:
    order = await paypal.create()
    status, early = await paypal.call("POST", f"/v2/checkout/orders/{order['id']}/capture")
    assert status == 422 and early["name"] == "UNPROCESSABLE_ENTITY"
    assert early["details"][0]["issue"] == "ORDER_NOT_APPROVED"

    page = await control.paypal_page(order["id"])
    assert "12.50 EUR" in page and "Approve" in page and "CineBooker" in page
    approved = await control.approve(order["id"])
    assert approved["redirect_url"] == f"{RETURN_URL}&token={order['id']}&PayerID=PLAYGROUNDPAYR"
    assert approved["order"]["status"] == "APPROVED"
    [event] = await wait_event(hooked, "CHECKOUT.ORDER.APPROVED")
    assert event.json()["resource"]["id"] == order["id"]
    assert event.json()["id"].startswith("WH-")

    capture_headers = {"PayPal-Request-Id": "capture-42"}
    status, captured = await paypal.call("POST", f"/v2/checkout/orders/{order['id']}/capture",
                                         json={}, headers=capture_headers)
    assert status == 201 and captured["status"] == "COMPLETED"
    capture = captured["purchase_units"][0]["payments"]["captures"][0]
    assert capture["status"] == "COMPLETED"
    assert capture["amount"] == {"currency_code": "EUR", "value": "12.50"}
    status, replay = await paypal.call("POST", f"/v2/checkout/orders/{order['id']}/capture",
                                       headers=capture_headers)
    assert status == 201 and replay["purchase_units"][0]["payments"]["captures"][0]["id"] == capture["id"]
    status, twice = await paypal.call("POST", f"/v2/checkout/orders/{order['id']}/capture")
    assert status == 422 and twice["details"][0]["issue"] == "ORDER_ALREADY_CAPTURED"
    [completed] = await wait_event(hooked, "PAYMENT.CAPTURE.COMPLETED")
    resource = completed.json()["resource"]
    assert resource["id"] == capture["id"]
    assert resource["supplementary_data"]["related_ids"]["order_id"] == order["id"]

    status, part = await paypal.call("POST", f"/v2/payments/captures/{capture['id']}/refund",
                                     json={"amount": {"currency_code": "EUR", "value": "5.00"}})
    assert status == 201 and part["status"] == "COMPLETED" and part["id"]
    status, fetched = await paypal.call("GET", f"/v2/payments/captures/{capture['id']}")
    assert fetched["status"] == "PARTIALLY_REFUNDED"
    status, over = await paypal.call("POST", f"/v2/payments/captures/{capture['id']}/refund",
                                     json={"amount": {"currency_code": "EUR", "value": "7.51"}})
    assert status == 422 and over["details"][0]["issue"] == "REFUND_AMOUNT_EXCEEDED"
    status, rest = await paypal.call("POST", f"/v2/payments/captures/{capture['id']}/refund",
                                     headers={"Prefer": "return=representation"})
    assert status == 201 and rest["amount"]["value"] == "7.50"
    status, fetched = await paypal.call("GET", f"/v2/payments/captures/{capture['id']}")
    assert fetched["status"] == "REFUNDED"
    status, done = await paypal.call("POST", f"/v2/payments/captures/{capture['id']}/refund")
    assert status == 422 and done["details"][0]["issue"] == "CAPTURE_FULLY_REFUNDED"
    status, refund = await paypal.call("GET", f"/v2/payments/refunds/{part['id']}")
    assert refund["amount"]["value"] == "5.00"
    refunded = await wait_event(hooked, "PAYMENT.CAPTURE.REFUNDED", 2)
    assert [r.json()["resource"]["amount"]["value"] for r in refunded] == ["5.00", "7.50"]


async def test_cancel_fail_and_approve_late(paypal: PayPal, control: PaymentsClient) -> None:
    order = await paypal.create()
    cancelled = await control.cancel_approval(order["id"])
    assert cancelled["redirect_url"] == f"{CANCEL_URL}?token={order['id']}"
    failed = await control.fail_approval(order["id"])
    assert failed["error"] and failed["order"]["status"] == "CREATED"
    assert "funding source was declined" in await control.paypal_page(order["id"])

    paypal.clock.advance(3 * 3600 + 1)  # past the approval window
    with pytest.raises(PaymentsError) as refused:
        await control.approve(order["id"])
    assert refused.value.status == 409
    late = await control.approve_late(order["id"])
    assert late["order"]["status"] == "APPROVED"
    with pytest.raises(PaymentsError):
        await control.approve(order["id"])

    async with paypal.http.post(f"{paypal.url}/pay/paypal/{(await paypal.create())['id']}/approve",
                                allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"].startswith(f"{RETURN_URL}&token=")


# --- webhooks and their verification -----------------------------------------------------------

async def test_verify_webhook_signature_success_and_failures(
        paypal: PayPal, control: PaymentsClient, hooked: Receiver) -> None:
    order = await paypal.create()
    await control.approve(order["id"])
    [delivery] = await wait_event(hooked, "CHECKOUT.ORDER.APPROVED")
    assert delivery.headers["PAYPAL-AUTH-ALGO"] == "SHA256withRSA"
    assert delivery.headers["PAYPAL-CERT-URL"].startswith(paypal.url)

    verify = "/v1/notifications/verify-webhook-signature"
    status, body = await paypal.call("POST", verify, json=verify_body(delivery))
    assert (status, body) == (200, {"verification_status": "SUCCESS"})

    tampered = copy.deepcopy(delivery.json())
    tampered["resource"]["purchase_units"][0]["amount"]["value"] = "0.01"
    forged_sig = base64.b64encode(b"x" * 32).decode()
    for attempt in (verify_body(delivery, event=tampered),
                    verify_body(delivery, transmission_sig=forged_sig),
                    verify_body(delivery, transmission_id="00000000-0000-0000-0000-000000000000"),
                    verify_body(delivery, transmission_time="2020-01-01T00:00:00Z"),
                    verify_body(delivery, cert_url="https://evil.example/cert"),
                    verify_body(delivery, webhook_id="OTHERWEBHOOK")):
        status, body = await paypal.call("POST", verify, json=attempt)
        assert (status, body) == (200, {"verification_status": "FAILURE"}), attempt

    incomplete = verify_body(delivery)
    del incomplete["transmission_sig"]
    status, body = await paypal.call("POST", verify, json=incomplete)
    assert status == 400 and body["name"] == "VALIDATION_ERROR"

    status, event = await paypal.call("GET", f"/v1/notifications/webhooks-events/{delivery.json()['id']}")
    assert status == 200 and event["event_type"] == "CHECKOUT.ORDER.APPROVED"


async def test_webhook_retries_duplicates_and_order(paypal: PayPal, control: PaymentsClient,
                                                    hooked: Receiver) -> None:
    hooked.plan = [500]
    await control.set_delivery("paypal", duplicates=2)
    order = await paypal.create()
    await control.approve(order["id"])
    copies = await wait_event(hooked, "CHECKOUT.ORDER.APPROVED", 2)
    assert [r.status for r in hooked.requests] == [500, 200, 200]
    assert len({r.json()["id"] for r in copies}) == 1
    assert len({r.headers["PAYPAL-TRANSMISSION-ID"] for r in hooked.requests}) == 3
    for delivery in hooked.requests:  # every transmission, even the refused one, verifies
        status, body = await paypal.call("POST", "/v1/notifications/verify-webhook-signature",
                                         json=verify_body(delivery))
        assert body == {"verification_status": "SUCCESS"}

    await control.set_delivery("paypal", duplicates=1, order="reverse", window=0.2)
    await paypal.call("POST", f"/v2/checkout/orders/{order['id']}/capture")
    other = await paypal.create()
    await control.approve(other["id"])
    await hooked.wait_for(lambda rs: len(rs) == 5)
    assert event_types(hooked)[-2:] == ["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"]
    log = await control.deliveries("paypal")
    assert [a["status"] for a in log] == [500, 200, 200, 200, 200]


async def test_outage_switch(paypal: PayPal, control: PaymentsClient) -> None:
    await control.fail_next("paypal", 1)
    status, body = await paypal.call("POST", "/v2/checkout/orders", json=order_body())
    assert status == 503 and body["name"] == "SERVICE_UNAVAILABLE"
    await paypal.create()
    await control.fail_next("paypal", 1, status=500, mode="disconnect")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        # A POST: aiohttp's client quietly retries an idempotent GET on a reused connection.
        await paypal.call("POST", "/v2/checkout/orders", json=order_body())
    assert (await control.outage("paypal"))["failed"] == 2
    assert len(paypal.state.orders) == 1
