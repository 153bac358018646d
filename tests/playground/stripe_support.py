"""What the Stripe sandbox tests share: the sandbox on a free port with a clock moved
by hand, the official SDK pointed at it, the control client, and a webhook receiver.

The receiver (a tiny aiohttp app on 127.0.0.1, port 0) checks deliveries with
`stripe.Webhook.construct_event`, exactly as the production handler will. A test
module imports the `*_fixture` functions it needs: pytest registers them under their
`name` ("sandbox", "sdk", ...), and the parameters do not shadow the imports.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

import pytest
import stripe
from aiohttp import web

from playground.payments import STRIPE_KEY, DeliverySettings, StripeSandbox, create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram import serve

API_KEY = "sk_test_playground_123"
SECRET = "whsec_test_secret"
FAST = DeliverySettings(retry_initial=0.02, retry_max=0.1, window=0.15, timeout=2.0)


class WallClock:
    """The sandbox's wall clock, starting now and moved by hand."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """A webhook endpoint that records every POST and answers from a plan (200 by default)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.plan: list[int] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        status = self.plan.pop(0) if self.plan else 200
        self.requests.append(Received(dict(request.headers), body, status))
        return web.Response(status=status)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.status < 300]

    async def wait_for(self, predicate: Callable[[list[Received]], bool],
                       timeout: float = 5.0) -> list[Received]:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self.requests):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"receiver saw {[r.json().get('type') for r in self.requests]}")
            await asyncio.sleep(0.01)
        return self.requests

    async def wait_types(self, *types: str, timeout: float = 5.0) -> list[Received]:
        def seen(requests: list[Received]) -> bool:
            got = [r.json().get("type") for r in requests if 200 <= r.status < 300]
            return all(t in got for t in types)
        await self.wait_for(seen, timeout)
        return [r for r in self.accepted if r.json().get("type") in types]


@pytest.fixture(name="receiver")
async def receiver_fixture() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    async with serve(app) as url:
        receiver.url = f"{url}/hook"
        yield receiver


@pytest.fixture(name="clock")
def clock_fixture() -> WallClock:
    return WallClock()


@dataclass
class Sandbox:
    url: str
    state: StripeSandbox
    clock: WallClock


@pytest.fixture(name="sandbox")
async def sandbox_fixture(clock: WallClock) -> AsyncIterator[Sandbox]:
    app = create_payments_app(clock=clock, paypal=False, delivery=FAST, sweep_interval=None)
    async with serve(app) as url:
        yield Sandbox(url, app[STRIPE_KEY], clock)


@pytest.fixture(name="sdk")
async def sdk_fixture(sandbox: Sandbox) -> AsyncIterator[stripe.StripeClient]:
    """The official SDK pointed at the sandbox; no SDK retries unless a test asks."""
    http = stripe.AIOHTTPClient()
    yield stripe.StripeClient(API_KEY, base_addresses={"api": sandbox.url}, http_client=http,
                              max_network_retries=0)
    await http.close_async()


@pytest.fixture(name="control")
async def control_fixture(sandbox: Sandbox) -> AsyncIterator[PaymentsClient]:
    async with PaymentsClient(sandbox.url) as client:
        yield client


@pytest.fixture(name="hooked")
async def hooked_fixture(control: PaymentsClient, receiver: Receiver) -> Receiver:
    await control.add_stripe_webhook(receiver.url, secret=SECRET)
    return receiver


def session_params(clock: WallClock, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {"price_data": {"currency": "eur", "unit_amount": 1250,
                            "product_data": {"name": "Dune: Part Two"}}, "quantity": 2},
            {"price_data": {"currency": "eur", "unit_amount": 350,
                            "product_data": {"name": "Booking fee"}}, "quantity": 1},
        ],
        "success_url": "http://127.0.0.1:9/paid?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:9/cancelled",
        "client_reference_id": "booking-42",
        "metadata": {"booking_id": "42", "showtime": "7"},
        "payment_intent_data": {"metadata": {"booking_id": "42"}},
        "expires_at": int(clock()) + 31 * 60,
    }
    params.update(overrides)
    return params


def construct(received: Received, secret: str = SECRET) -> stripe.Event:
    """What the production webhook handler does with a delivery."""
    return stripe.Webhook.construct_event(received.body.decode(),
                                          received.headers["Stripe-Signature"], secret)
