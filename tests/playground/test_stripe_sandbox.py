"""The Stripe sandbox, driven by the official `stripe` SDK (its async methods).

A webhook receiver (a tiny aiohttp app on 127.0.0.1, port 0) checks every delivery
with `stripe.Webhook.construct_event`, exactly as the production handler will.
"""

from __future__ import annotations

import base64

import aiohttp
import pytest
import stripe

from playground.payments.client import PaymentsClient, PaymentsError
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.forms import parse_form
from tests.playground.stripe_support import (  # noqa: F401 (fixtures)
    API_KEY,
    Receiver,
    Sandbox,
    clock_fixture,
    construct,
    control_fixture,
    hooked_fixture,
    receiver_fixture,
    sandbox_fixture,
    sdk_fixture,
    session_params,
)


# --- checkout with the SDK, pay page, signed webhook -------------------------------------------

async def test_sdk_session_paid_on_page_delivers_signed_completed_event(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))

    assert session.id.startswith("cs_test_")
    assert session.url == f"{sandbox.url}/pay/stripe/{session.id}"
    assert (session.status, session.payment_status, session.payment_intent) == ("open", "unpaid", None)
    assert (session.amount_total, session.currency) == (2850, "eur")
    assert session.client_reference_id == "booking-42"
    assert session.metadata.to_dict() == {"booking_id": "42", "showtime": "7"}
    assert session.expires_at == int(sandbox.clock()) + 31 * 60

    page = await control.stripe_page(session.id)
    assert "Dune: Part Two × 2" in page and "28.50 EUR" in page
    assert all(label in page for label in ("Pay", "Cancel", "Pay late", "Fail"))

    result = await control.pay(session.id)
    assert result["redirect_url"] == f"http://127.0.0.1:9/paid?session={session.id}"

    [delivery] = await hooked.wait_types("checkout.session.completed")
    event = construct(delivery)
    assert event.type == "checkout.session.completed"
    paid = event.data.object
    assert (paid.id, paid.status, paid.payment_status) == (session.id, "complete", "paid")
    assert paid.payment_intent.startswith("pi_")
    assert paid.metadata["booking_id"] == "42"
    assert delivery.headers["User-Agent"].startswith("Stripe/")

    # Webhooks are triggers: the app re-fetches, here with the intent expanded.
    fetched = await sdk.v1.checkout.sessions.retrieve_async(
        session.id, {"expand": ["payment_intent.latest_charge"]})
    assert fetched.payment_intent.status == "succeeded"
    assert fetched.payment_intent.latest_charge.id.startswith("ch_")
    assert fetched.payment_intent.metadata["booking_id"] == "42"
    intent = await sdk.v1.payment_intents.retrieve_async(paid.payment_intent)
    assert (intent.status, intent.amount, intent.amount_received) == ("succeeded", 2850, 2850)
    assert fetched.url is None  # Stripe clears the page URL once the session is done

    types = [e.type for e in (await sdk.v1.events.list_async()).data]
    assert types == ["checkout.session.completed", "payment_intent.succeeded"]


async def test_the_html_form_redirects_the_browser(sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/pay/stripe/{session.id}/cancel",
                             allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == "http://127.0.0.1:9/cancelled"
        async with http.post(f"{sandbox.url}/pay/stripe/{session.id}/pay",
                             allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"].endswith(f"/paid?session={session.id}")
        async with http.get(f"{sandbox.url}/pay/stripe/{session.id}") as response:
            assert "Paid" in await response.text()
        async with http.get(f"{sandbox.url}/pay/stripe/cs_test_nope") as response:
            assert response.status == 404


async def test_wire_format_bracket_notation_and_basic_auth(sandbox: Sandbox) -> None:
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "EUR",
        "line_items[0][price_data][unit_amount]": "900",
        "line_items[0][price_data][product_data][name]": "Popcorn",
        "line_items[0][quantity]": "3",
        "metadata[booking_id]": "7",
        "expand[]": "line_items",
    }
    async with aiohttp.ClientSession() as http:
        basic = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        async with http.post(f"{sandbox.url}/v1/checkout/sessions", data=form,
                             headers={"Authorization": basic}) as response:
            body = await response.json()
            assert response.status == 200, body
            assert response.headers["Request-Id"].startswith("req_")
    assert body["amount_total"] == 2700 and body["currency"] == "eur"
    assert body["metadata"] == {"booking_id": "7"}
    assert body["line_items"]["data"][0]["quantity"] == 3

    assert parse_form([("a[0][b]", "1"), ("a[1][b]", "2"), ("t[]", "x"), ("t[]", "y")]) == {
        "a": [{"b": "1"}, {"b": "2"}], "t": ["x", "y"]}
    with pytest.raises(StripeError, match="Invalid array"):
        parse_form([("a[0]", "1"), ("a[2]", "2")])


async def test_api_keys_and_unknown_parameters(sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    for key in ("sk_live_abcdefghijkl", "pk_test_abcdefghijkl"):
        http = stripe.AIOHTTPClient()
        other = stripe.StripeClient(key, base_addresses={"api": sandbox.url}, http_client=http,
                                    max_network_retries=0)
        with pytest.raises(stripe.AuthenticationError, match="Invalid API Key"):
            await other.v1.events.list_async()
        await http.close_async()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/v1/events") as response:
            assert response.status == 401
            assert "did not provide an API key" in (await response.json())["error"]["message"]

    with pytest.raises(stripe.InvalidRequestError) as unknown:
        await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, colour="red"))
    assert unknown.value.code == "parameter_unknown" and unknown.value.param == "colour"
    params = session_params(sandbox.clock)
    del params["line_items"][0]["quantity"]
    with pytest.raises(stripe.InvalidRequestError, match=r"line_items\[0\]\[quantity\]"):
        await sdk.v1.checkout.sessions.create_async(params)
    with pytest.raises(stripe.InvalidRequestError, match="No such checkout.session"):
        await sdk.v1.checkout.sessions.retrieve_async("cs_test_missing")


# --- idempotency ----------------------------------------------------------------------------

async def test_idempotency_key_replays_or_refuses(sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    params = session_params(sandbox.clock)
    first = await sdk.v1.checkout.sessions.create_async(params, {"idempotency_key": "booking-42-try"})
    again = await sdk.v1.checkout.sessions.create_async(params, {"idempotency_key": "booking-42-try"})
    assert again.id == first.id
    assert len(sandbox.state.sessions) == 1
    assert again.last_response.headers["Idempotent-Replayed"] == "true"

    changed = session_params(sandbox.clock, client_reference_id="booking-43")
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        await sdk.v1.checkout.sessions.create_async(changed, {"idempotency_key": "booking-42-try"})
    with pytest.raises(stripe.IdempotencyError, match="same endpoint"):
        await sdk.v1.refunds.create_async({"payment_intent": "pi_x"},
                                          {"idempotency_key": "booking-42-try"})
    other = await sdk.v1.checkout.sessions.create_async(params, {"idempotency_key": "booking-42-b"})
    assert other.id != first.id

    # A request refused by validation is not saved: the corrected retry goes through.
    bad = session_params(sandbox.clock, expires_at=int(sandbox.clock()) + 60)
    with pytest.raises(stripe.InvalidRequestError):
        await sdk.v1.checkout.sessions.create_async(bad, {"idempotency_key": "fix-me"})
    fixed = await sdk.v1.checkout.sessions.create_async(params, {"idempotency_key": "fix-me"})
    assert fixed.id not in (first.id, other.id)


# --- expiry ---------------------------------------------------------------------------------

async def test_expires_at_must_be_30_minutes_to_24_hours_away(
        sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    now = int(sandbox.clock())
    with pytest.raises(stripe.InvalidRequestError) as soon:
        await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, expires_at=now + 29 * 60))
    assert soon.value.user_message == ("The `expires_at` timestamp must be at least 30 minutes "
                                       "from Checkout Session creation.")
    assert soon.value.param == "expires_at"
    with pytest.raises(stripe.InvalidRequestError) as late:
        await sdk.v1.checkout.sessions.create_async(
            session_params(sandbox.clock, expires_at=now + 24 * 3600 + 1))
    assert late.value.user_message == ("The `expires_at` timestamp must be less than 24 hours "
                                       "from Checkout Session creation.")
    for ok in (now + 30 * 60, now + 24 * 3600):
        session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, expires_at=ok))
        assert session.expires_at == ok
    default = session_params(sandbox.clock)
    del default["expires_at"]
    session = await sdk.v1.checkout.sessions.create_async(default)
    assert session.expires_at == now + 24 * 3600


async def test_expire_by_api_then_pay_late(sandbox: Sandbox, sdk: stripe.StripeClient,
                                           control: PaymentsClient, hooked: Receiver) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    expired = await sdk.v1.checkout.sessions.expire_async(session.id)
    assert (expired.status, expired.payment_status, expired.url) == ("expired", "unpaid", None)
    [delivery] = await hooked.wait_types("checkout.session.expired")
    assert construct(delivery).data.object.id == session.id
    with pytest.raises(stripe.InvalidRequestError, match="status of `open`"):
        await sdk.v1.checkout.sessions.expire_async(session.id)

    with pytest.raises(PaymentsError) as refused:
        await control.pay(session.id)
    assert refused.value.status == 409 and "expired" in refused.value.reason
    assert "Pay late" in await control.stripe_page(session.id)

    late = await control.pay_late(session.id)
    assert (late["session"]["status"], late["session"]["payment_status"]) == ("complete", "paid")
    [completed] = await hooked.wait_types("checkout.session.completed")
    assert construct(completed).data.object.payment_status == "paid"
    with pytest.raises(PaymentsError):
        await control.pay(session.id)  # paying twice is refused


async def test_expiry_by_the_clock_is_noticed_lazily(sandbox: Sandbox, sdk: stripe.StripeClient,
                                                     control: PaymentsClient, hooked: Receiver) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    sandbox.clock.advance(31 * 60 - 1)
    assert (await sdk.v1.checkout.sessions.retrieve_async(session.id)).status == "open"
    sandbox.clock.advance(1)
    assert (await sdk.v1.checkout.sessions.retrieve_async(session.id)).status == "expired"
    await hooked.wait_types("checkout.session.expired")

    other = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    sandbox.clock.advance(3600)
    assert await control.sweep() == [other.id]
    assert sandbox.state.sessions[other.id].status == "expired"


async def test_declined_card_keeps_the_session_open(sandbox: Sandbox, sdk: stripe.StripeClient,
                                                    control: PaymentsClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    failed = await control.decline(session.id)
    assert failed["error"] == "Your card was declined."
    assert (failed["session"]["status"], failed["session"]["payment_status"]) == ("open", "unpaid")
    assert "Your card was declined." in await control.stripe_page(session.id)
    intent = await sdk.v1.payment_intents.retrieve_async(failed["session"]["payment_intent"])
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "card_declined"

    paid = await control.pay(session.id)
    assert paid["session"]["payment_intent"] == intent.id  # the same intent, now succeeded
    assert (await sdk.v1.payment_intents.retrieve_async(intent.id)).status == "succeeded"


# --- refunds -----------------------------------------------------------------------------------

async def test_refunds_partial_then_rest(sandbox: Sandbox, sdk: stripe.StripeClient,
                                         control: PaymentsClient, hooked: Receiver) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    intent_id = (await control.pay(session.id))["session"]["payment_intent"]

    part = await sdk.v1.refunds.create_async({"payment_intent": intent_id, "amount": 1000,
                                              "metadata": {"booking_id": "42"}})
    assert part.id.startswith("re_")
    assert (part.status, part.amount, part.payment_intent) == ("succeeded", 1000, intent_id)
    assert part.metadata["booking_id"] == "42"
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await sdk.v1.refunds.create_async({"payment_intent": intent_id, "amount": 5000})
    assert too_much.value.code == "amount_too_large"
    rest = await sdk.v1.refunds.create_async({"payment_intent": intent_id})
    assert rest.amount == 1850
    with pytest.raises(stripe.InvalidRequestError) as again:
        await sdk.v1.refunds.create_async({"payment_intent": intent_id})
    assert again.value.code == "charge_already_refunded"
    assert (await sdk.v1.refunds.retrieve_async(part.id)).amount == 1000
    charge = await sdk.v1.charges.retrieve_async(rest.charge)
    assert (charge.amount_refunded, charge.refunded) == (2850, True)

    await hooked.wait_for(lambda rs: sum(r.json()["type"] == "refund.created" for r in rs) == 2)
    refunded = [construct(r) for r in hooked.accepted if r.json()["type"] == "charge.refunded"]
    assert [e.data.object.amount_refunded for e in refunded] == [1000, 2850]

    unpaid = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    intent = (await control.decline(unpaid.id))["session"]["payment_intent"]
    with pytest.raises(stripe.InvalidRequestError, match="successful charge"):
        await sdk.v1.refunds.create_async({"payment_intent": intent})


# --- events API -------------------------------------------------------------------------------

async def test_events_list_filter_and_pages(sandbox: Sandbox, sdk: stripe.StripeClient,
                                            control: PaymentsClient) -> None:
    for _ in range(3):
        session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
        await control.pay(session.id)
    everything = await sdk.v1.events.list_async({"limit": 100})
    assert len(everything.data) == 6
    completed = await sdk.v1.events.list_async({"type": "checkout.session.completed"})
    assert [e.type for e in completed.data] == ["checkout.session.completed"] * 3
    wildcard = await sdk.v1.events.list_async({"type": "payment_intent.*"})
    assert len(wildcard.data) == 3
    first = await sdk.v1.events.list_async({"limit": 4})
    assert first.has_more
    second = await sdk.v1.events.list_async({"limit": 4, "starting_after": first.data[-1].id})
    assert [e.id for e in first.data + second.data] == [e.id for e in everything.data]
    one = await sdk.v1.events.retrieve_async(everything.data[0].id)
    assert one.data.object.object == "checkout.session"
    found = await sdk.v1.checkout.sessions.list_async(
        {"payment_intent": one.data.object.payment_intent})
    assert [s.id for s in found.data] == [one.data.object.id]
