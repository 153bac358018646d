"""The Stripe sandbox's webhook delivery (retries, duplicates, order, pause, delay),
its outage switch, and mounting it beside other apps; driven by the official SDK."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
import stripe
from aiohttp import web

from playground.payments import (
    PAYPAL_KEY,
    STRIPE_KEY,
    PayPalSandbox,
    StripeSandbox,
    create_payments_app,
    setup_paypal,
    setup_stripe,
)
from playground.payments.client import PaymentsClient, PaymentsError
from playground.telegram import TelegramServer, serve, setup_telegram
from playground.telegram.limits import Limits
from tests.playground.stripe_support import (  # noqa: F401 (fixtures)
    API_KEY,
    FAST,
    SECRET,
    Receiver,
    Sandbox,
    WallClock,
    clock_fixture,
    construct,
    control_fixture,
    hooked_fixture,
    receiver_fixture,
    sandbox_fixture,
    sdk_fixture,
    session_params,
)


# --- webhook delivery: retries, duplicates, order, pause, delay --------------------------------

async def test_retried_after_the_receiver_answers_500_twice(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        receiver: Receiver) -> None:
    endpoint = await control.add_stripe_webhook(receiver.url, secret="whsec_other",
                                                events=["checkout.session.expired"])
    receiver.plan = [500, 500]
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await sdk.v1.checkout.sessions.expire_async(session.id)
    [delivered] = await receiver.wait_types("checkout.session.expired")
    assert [r.status for r in receiver.requests] == [500, 500, 200]
    assert len({r.json()["id"] for r in receiver.requests}) == 1
    construct(delivered, "whsec_other")  # a fresh signature per attempt still verifies
    log = await control.wait_deliveries("stripe", lambda log: any(a["ok"] for a in log))
    assert [(a["endpoint_id"], a["attempt"], a["status"], a["ok"]) for a in log] == [
        (endpoint["id"], 1, 500, False), (endpoint["id"], 2, 500, False),
        (endpoint["id"], 3, 200, True)]


async def test_gives_up_after_max_attempts_and_keeps_going(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        receiver: Receiver) -> None:
    await control.set_delivery("stripe", max_attempts=2)
    dead = await control.add_stripe_webhook("http://127.0.0.1:9/closed-port", secret=SECRET)
    receiver.plan = [500, 500]
    await control.add_stripe_webhook(receiver.url, secret=SECRET)
    first = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await sdk.v1.checkout.sessions.expire_async(first.id)
    second = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await sdk.v1.checkout.sessions.expire_async(second.id)
    await receiver.wait_for(lambda rs: len(rs) == 3)
    assert [r.json()["data"]["object"]["id"] for r in receiver.requests] == [first.id, first.id, second.id]
    log = await control.wait_deliveries(
        "stripe", lambda log: len([a for a in log if a["endpoint_id"] == dead["id"]]) == 4)
    refused = [a for a in log if a["endpoint_id"] == dead["id"]]
    assert all(a["error"].startswith("connection failed") for a in refused)
    assert [a["gave_up"] for a in refused] == [False, True, False, True]
    assert sandbox.state.events[-1].pending_webhooks == 2


async def test_duplicates_deliver_the_same_event_n_times(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    await control.set_delivery("stripe", duplicates=3)
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await control.pay(session.id)
    await hooked.wait_for(lambda rs: len(rs) == 6)
    completed = [construct(r) for r in hooked.requests if r.json()["type"] == "checkout.session.completed"]
    assert len(completed) == 3 and len({e.id for e in completed}) == 1
    copies = await control.deliveries("stripe", event_id=completed[0].id)
    assert sorted(a["copy"] for a in copies) == [1, 2, 3]


async def test_out_of_order_within_the_window(sandbox: Sandbox, sdk: stripe.StripeClient,
                                              control: PaymentsClient, hooked: Receiver) -> None:
    await control.set_delivery("stripe", order="reverse", window=0.2)
    ids = []
    for _ in range(3):
        session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
        await sdk.v1.checkout.sessions.expire_async(session.id)
        ids.append(session.id)
    await hooked.wait_for(lambda rs: len(rs) == 3)
    assert [r.json()["data"]["object"]["id"] for r in hooked.requests] == ids[::-1]

    await control.set_delivery("stripe", order="shuffle", seed=7)
    for _ in range(4):
        session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
        await sdk.v1.checkout.sessions.expire_async(session.id)
    await hooked.wait_for(lambda rs: len(rs) == 7)
    assert len({r.json()["id"] for r in hooked.requests}) == 7


async def test_pause_resume_and_delay(sandbox: Sandbox, sdk: stripe.StripeClient,
                                      control: PaymentsClient, hooked: Receiver) -> None:
    await control.pause("stripe")
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await control.pay(session.id)
    await asyncio.sleep(0.1)
    assert hooked.requests == []
    assert list((await control.delivery("stripe"))["pending"].values()) == [2]
    await control.resume("stripe")
    await hooked.wait_for(lambda rs: len(rs) == 2)
    assert [r.json()["type"] for r in hooked.requests] == ["payment_intent.succeeded",
                                                          "checkout.session.completed"]

    await control.set_delivery("stripe", delay=0.3)
    other = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    started = asyncio.get_running_loop().time()
    await sdk.v1.checkout.sessions.expire_async(other.id)
    await hooked.wait_for(lambda rs: len(rs) == 3)
    assert asyncio.get_running_loop().time() - started >= 0.29

    with pytest.raises(PaymentsError) as bad:
        await control.set_delivery("stripe", order="sideways")
    assert bad.value.status == 400


# --- outage ----------------------------------------------------------------------------------

async def test_outage_switch_fails_the_next_calls(sandbox: Sandbox, sdk: stripe.StripeClient,
                                                  control: PaymentsClient) -> None:
    await control.fail_next("stripe", 2)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as outage:
            await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
        assert outage.value.http_status == 503
        assert outage.value.json_body["error"]["type"] == "api_error"
    await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    assert (await control.outage("stripe"))["failed"] == 2

    await control.fail_next("stripe", 1, mode="disconnect")
    with pytest.raises(stripe.APIConnectionError):
        await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))

    await control.set_outage("stripe", down=True, status=500, mode="error")
    with pytest.raises(stripe.APIError):
        await sdk.v1.events.list_async()
    await control.set_outage("stripe", down=False)
    assert len(sandbox.state.sessions) == 1


async def test_sdk_retry_reuses_its_idempotency_key_through_an_outage(
        sandbox: Sandbox, control: PaymentsClient) -> None:
    http = stripe.AIOHTTPClient()
    retrying = stripe.StripeClient(API_KEY, base_addresses={"api": sandbox.url}, http_client=http,
                                   max_network_retries=1)
    await control.fail_next("stripe", 1)
    session = await retrying.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    await http.close_async()
    assert list(sandbox.state.sessions) == [session.id]


# --- mounting ---------------------------------------------------------------------------------

async def test_mounts_beside_the_telegram_server_and_under_a_prefix(clock: WallClock) -> None:
    root = web.Application()
    setup_telegram(root, TelegramServer(tokens=None, clock=time.monotonic, limits=Limits(),
                                        bot_username="cinebooker_bot"))
    setup_stripe(root, StripeSandbox(clock=clock, sweep_interval=None))
    setup_paypal(root, PayPalSandbox(clock=clock))
    assert root[STRIPE_KEY] and root[PAYPAL_KEY]

    outer = web.Application()
    outer.add_subapp("/pay-sandbox", create_payments_app(clock=clock, sweep_interval=None))
    async with serve(root) as url, serve(outer) as prefixed:
        http = stripe.AIOHTTPClient()
        for base in (url, f"{prefixed}/pay-sandbox"):
            sdk = stripe.StripeClient(API_KEY, base_addresses={"api": base}, http_client=http,
                                      max_network_retries=0)
            session = await sdk.v1.checkout.sessions.create_async(session_params(clock))
            assert session.url == f"{base}/pay/stripe/{session.id}"
            async with PaymentsClient(base) as control:
                assert (await control.pay(session.id))["session"]["status"] == "complete"
        await http.close_async()
        async with aiohttp.ClientSession() as raw:
            async with raw.get(f"{url}/bot123:abc/getMe") as response:
                assert (await response.json())["ok"] is True


async def test_webhooks_given_to_the_constructor(clock: WallClock, receiver: Receiver) -> None:
    app = create_payments_app(clock=clock, delivery=FAST, sweep_interval=None,
                              stripe_webhooks=[(receiver.url, SECRET)])
    async with serve(app) as url:
        http = stripe.AIOHTTPClient()
        sdk = stripe.StripeClient(API_KEY, base_addresses={"api": url}, http_client=http,
                                  max_network_retries=0)
        session = await sdk.v1.checkout.sessions.create_async(session_params(clock))
        await sdk.v1.checkout.sessions.expire_async(session.id)
        [delivery] = await receiver.wait_types("checkout.session.expired")
        assert construct(delivery).data.object.id == session.id
        with pytest.raises(stripe.SignatureVerificationError):
            construct(delivery, secret="whsec_wrong")
        await http.close_async()
