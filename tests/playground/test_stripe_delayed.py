"""Money that moves later or comes back: SEPA Direct Debit (complete but unpaid, then
settled), refunds that stay pending or fail, refunds made in the Dashboard, and
disputes. Webhooks are checked with `stripe.Webhook.construct_event`."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import stripe

from playground.payments.client import PaymentsClient, PaymentsError
from tests.playground.stripe_support import (  # noqa: F401 (fixtures)
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


def types(receiver: Receiver) -> list[str]:
    return [r.json()["type"] for r in receiver.accepted]


def of_type(receiver: Receiver, event_type: str) -> list[stripe.Event]:
    return [construct(r) for r in receiver.accepted if r.json()["type"] == event_type]


async def debit_session(sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> Any:
    session = await sdk.v1.checkout.sessions.create_async(
        session_params(sandbox.clock, payment_method_types=["card", "sepa_debit"]))
    await control.pay_by_debit(session.id)
    return session


async def paid_intent(sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> str:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    return (await control.pay(session.id))["session"]["payment_intent"]


# --- SEPA Direct Debit: complete but unpaid ---------------------------------------------------

async def test_sepa_debit_completes_unpaid_then_succeeds(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    session = await sdk.v1.checkout.sessions.create_async(
        session_params(sandbox.clock, payment_method_types=["card", "sepa_debit"]))
    result = await control.pay_by_debit(session.id)
    assert result["redirect_url"] == f"http://127.0.0.1:9/paid?session={session.id}"

    [completed] = await hooked.wait_types("checkout.session.completed")
    event = construct(completed)
    assert (event.data.object.status, event.data.object.payment_status) == ("complete", "unpaid")
    assert types(hooked) == ["payment_intent.processing", "checkout.session.completed"]
    fetched = await sdk.v1.checkout.sessions.retrieve_async(
        session.id, {"expand": ["payment_intent.latest_charge"]})
    assert (fetched.status, fetched.payment_status, fetched.url) == ("complete", "unpaid", None)
    assert fetched.payment_intent.status == "processing"
    assert fetched.payment_intent.amount_received == 0
    charge = fetched.payment_intent.latest_charge
    assert (charge.status, charge.paid, charge.payment_method_details.type) == (
        "pending", False, "sepa_debit")
    assert "processing" in await control.stripe_page(session.id)
    with pytest.raises(stripe.InvalidRequestError) as early:
        await sdk.v1.refunds.create_async({"payment_intent": fetched.payment_intent.id})
    assert early.value.code == "charge_not_refundable"
    sandbox.clock.advance(2 * 24 * 3600)
    assert await control.sweep() == []  # a complete session never expires

    settled = await control.settle_debit(session.id, "succeeded")
    assert (settled["status"], settled["payment_status"]) == ("complete", "paid")
    [succeeded] = await hooked.wait_types("checkout.session.async_payment_succeeded")
    assert construct(succeeded).data.object.payment_status == "paid"
    assert types(hooked)[2:] == ["payment_intent.succeeded", "checkout.session.async_payment_succeeded"]
    intent = await sdk.v1.payment_intents.retrieve_async(fetched.payment_intent.id,
                                                         {"expand": ["latest_charge"]})
    assert (intent.status, intent.amount_received, intent.latest_charge.status) == (
        "succeeded", 2850, "succeeded")
    assert (await sdk.v1.refunds.create_async({"payment_intent": intent.id})).amount == 2850
    with pytest.raises(PaymentsError) as twice:
        await control.settle_debit(session.id, "failed")
    assert twice.value.status == 409


async def test_sepa_debit_that_fails_leaves_the_session_complete_and_unpaid(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    session = await debit_session(sandbox, sdk, control)
    settled = await control.settle_debit(session.id, "failed")
    assert (settled["status"], settled["payment_status"]) == ("complete", "unpaid")
    [failed] = await hooked.wait_types("checkout.session.async_payment_failed")
    assert construct(failed).data.object.payment_status == "unpaid"
    assert "checkout.session.async_payment_succeeded" not in types(hooked)
    intent = await sdk.v1.payment_intents.retrieve_async(settled["payment_intent"],
                                                         {"expand": ["latest_charge"]})
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "payment_intent_payment_attempt_failed"
    assert (intent.latest_charge.status, intent.latest_charge.failure_code) == (
        "failed", "insufficient_funds")
    assert "failed" in await control.stripe_page(session.id)
    with pytest.raises(PaymentsError) as again:
        await control.pay(session.id)
    assert again.value.status == 409  # Checkout does not take a second payment


async def test_the_page_buttons_settle_a_debit(sandbox: Sandbox, sdk: stripe.StripeClient,
                                               control: PaymentsClient) -> None:
    session = await debit_session(sandbox, sdk, control)
    page = await control.stripe_page(session.id)
    assert "Settle: debit succeeds" in page and "Settle: debit fails" in page
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/pay/stripe/{session.id}/settle-succeeded",
                             allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == f"/pay/stripe/{session.id}"
    assert "Paid. Thank you!" in await control.stripe_page(session.id)
    with pytest.raises(PaymentsError) as bad:
        await control.settle_debit(session.id, "maybe")
    assert bad.value.status == 400


# --- refunds that stay pending or fail -----------------------------------------------------------

async def test_a_pending_refund_succeeds_later(sandbox: Sandbox, sdk: stripe.StripeClient,
                                               control: PaymentsClient, hooked: Receiver) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    assert (await control.set_refund_mode("pending"))["mode"] == "pending"
    refund = await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 1000})
    assert refund.status == "pending"
    assert (await sdk.v1.charges.retrieve_async(refund.charge)).amount_refunded == 1000
    await hooked.wait_types("charge.refunded", "refund.created")

    settled = await control.settle_refund(refund.id, "succeeded")
    assert settled["status"] == "succeeded"
    assert (await sdk.v1.refunds.retrieve_async(refund.id)).status == "succeeded"
    await hooked.wait_types("refund.updated", "charge.refund.updated")
    for kind in ("refund.updated", "charge.refund.updated"):
        [event] = of_type(hooked, kind)
        assert event.data.object.id == refund.id and event.data.object.status == "succeeded"
        assert event.data.previous_attributes.to_dict() == {"status": "pending"}
    assert "refund.failed" not in types(hooked)
    with pytest.raises(PaymentsError) as twice:
        await control.settle_refund(refund.id, "failed")
    assert twice.value.status == 409


async def test_a_pending_refund_that_fails_gives_the_amount_back(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    await control.set_refund_mode("pending")
    refund = await sdk.v1.refunds.create_async({"payment_intent": intent})
    failed = await control.settle_refund(refund.id, "failed", failure_reason="lost_or_stolen_card")
    assert (failed["status"], failed["failure_reason"]) == ("failed", "lost_or_stolen_card")
    charge = await sdk.v1.charges.retrieve_async(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    [event] = await hooked.wait_types("refund.failed")
    assert construct(event).data.object.failure_reason == "lost_or_stolen_card"
    [update] = of_type(hooked, "charge.refund.updated")
    assert update.data.previous_attributes.to_dict() == {"status": "pending", "failure_reason": None}

    await control.set_refund_mode("succeeded")
    again = await sdk.v1.refunds.create_async({"payment_intent": intent})
    assert (again.status, again.amount) == ("succeeded", 2850)


async def test_the_failing_mode_answers_pending_then_fails(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    mode = await control.set_refund_mode("failed")
    assert mode == {"mode": "failed", "failure_reason": "expired_or_canceled_card"}
    refund = await sdk.v1.refunds.create_async({"payment_intent": intent})
    assert refund.status == "pending"  # the API's answer; the bank says no afterwards
    fetched = await sdk.v1.refunds.retrieve_async(refund.id)
    assert (fetched.status, fetched.failure_reason) == ("failed", "expired_or_canceled_card")
    assert (await sdk.v1.charges.retrieve_async(refund.charge)).amount_refunded == 0
    await hooked.wait_types("refund.failed")
    assert types(hooked)[-5:] == ["charge.refunded", "refund.created", "refund.updated",
                                  "charge.refund.updated", "refund.failed"]


async def test_refund_controls_refuse_bad_requests(sandbox: Sandbox, control: PaymentsClient) -> None:
    for body, status in (({"mode": "sideways"}, 400),
                         ({"mode": "failed", "failure_reason": "bored"}, 400)):
        with pytest.raises(PaymentsError) as refused:
            await control.set_refund_mode(**body)
        assert refused.value.status == status
    with pytest.raises(PaymentsError) as missing:
        await control.settle_refund("re_missing", "succeeded")
    assert missing.value.status == 404
    assert (await control.refund_mode())["mode"] == "succeeded"


# --- refunds in the Dashboard, disputes ------------------------------------------------------

async def test_a_dashboard_refund_makes_the_apps_refund_charge_already_refunded(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    refund = await control.dashboard_refund(intent)
    assert (refund["status"], refund["amount"], refund["payment_intent"]) == ("succeeded", 2850, intent)
    [created] = await hooked.wait_types("refund.created")
    request = construct(created).request
    assert request.id.startswith("req_") and request.idempotency_key is None

    with pytest.raises(stripe.InvalidRequestError) as refused:
        await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "app-1"})
    error = refused.value.json_body["error"]
    assert (error["code"], error["type"]) == ("charge_already_refunded", "invalid_request_error")
    assert error["message"] == f"Charge {refund['charge']} has already been refunded."
    with pytest.raises(PaymentsError) as twice:
        await control.dashboard_refund(intent)
    assert twice.value.status == 409


async def test_a_dispute_blocks_refunds_and_fails_pending_ones(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        hooked: Receiver) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    await control.set_refund_mode("pending")
    pending = await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 500})

    dispute = await control.open_dispute(intent)
    assert dispute["id"].startswith("dp_") and dispute["status"] == "needs_response"
    assert (dispute["amount"], dispute["reason"]) == (2350, "fraudulent")
    [opened] = await hooked.wait_types("charge.dispute.created")
    assert construct(opened).data.object.id == dispute["id"]
    fetched = await sdk.v1.disputes.retrieve_async(dispute["id"])
    assert (fetched.charge, fetched.payment_intent) == (dispute["charge"], intent)
    assert (await sdk.v1.charges.retrieve_async(dispute["charge"])).disputed is True
    failed = await sdk.v1.refunds.retrieve_async(pending.id)
    assert (failed.status, failed.failure_reason) == ("failed", "charge_for_pending_refund_disputed")

    with pytest.raises(stripe.InvalidRequestError) as refused:
        await sdk.v1.refunds.create_async({"payment_intent": intent})
    assert refused.value.code == "charge_disputed"
    assert refused.value.user_message == (f"Charge {dispute['charge']} has been charged back; "
                                          "cannot issue a refund.")
    for action in (control.open_dispute, control.dashboard_refund):
        with pytest.raises(PaymentsError) as again:
            await action(intent)
        assert again.value.status == 409
    with pytest.raises(PaymentsError) as unknown:
        await control.open_dispute("pi_missing")
    assert unknown.value.status == 404


async def test_refunds_are_listed_by_payment_intent(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    """The app finds a refund made in the Dashboard this way (charge_already_refunded)."""
    intent = await paid_intent(sandbox, sdk, control)
    refund = await control.dashboard_refund(intent)
    found = await sdk.v1.refunds.list_async({"payment_intent": intent})
    assert [r.id for r in found.data] == [refund["id"]]
    assert (await sdk.v1.refunds.list_async({"payment_intent": "pi_other"})).data == []
