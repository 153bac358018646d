"""The Stripe sandbox where apps go wrong: idempotent replays of errors, Stripe's
minimum and maximum amounts, currency exponents, and the payment methods a session
allows. Every answer goes through the official SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from playground.payments.client import PaymentsClient, PaymentsError
from tests.playground.stripe_support import (  # noqa: F401 (fixtures)
    Sandbox,
    WallClock,
    clock_fixture,
    control_fixture,
    sandbox_fixture,
    sdk_fixture,
    session_params,
)


def priced(clock: WallClock, currency: str, unit_amount: int, quantity: int = 1,
           **overrides: Any) -> Any:
    """A one-line session in `currency`."""
    line = {"price_data": {"currency": currency, "unit_amount": unit_amount,
                           "product_data": {"name": "Ticket"}}, "quantity": quantity}
    return session_params(clock, line_items=[line], **overrides)


async def paid_intent(sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
                      **overrides: Any) -> str:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, **overrides))
    return (await control.pay(session.id))["session"]["payment_intent"]


# --- idempotency: the first answer is kept, errors included ---------------------------------

async def test_a_refused_request_is_replayed_even_once_it_would_succeed(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    intent = (await control.decline(session.id))["session"]["payment_intent"]
    with pytest.raises(stripe.InvalidRequestError) as first:
        await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "refund-1"})
    assert first.value.code == "charge_not_refundable"

    await control.pay(session.id)  # now the same refund would go through...
    with pytest.raises(stripe.InvalidRequestError) as again:
        await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "refund-1"})
    # ...but the key answers what it answered first, as at Stripe.
    assert again.value.json_body == first.value.json_body
    assert again.value.headers["Idempotent-Replayed"] == "true"
    assert sandbox.state.refunds.by_id == {}

    with pytest.raises(stripe.IdempotencyError) as other:
        await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 100},
                                          {"idempotency_key": "refund-1"})
    assert other.value.json_body["error"]["type"] == "idempotency_error"
    refund = await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "refund-2"})
    assert refund.status == "succeeded"


async def test_charge_already_refunded_is_replayed_with_its_error_object(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    await sdk.v1.refunds.create_async({"payment_intent": intent})
    errors = []
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "again"})
        errors.append(refused.value)
    body = errors[0].json_body["error"]
    assert body["code"] == "charge_already_refunded" and body["type"] == "invalid_request_error"
    assert body["doc_url"] == "https://stripe.com/docs/error-codes/charge-already-refunded"
    assert body["request_log_url"].startswith("https://dashboard.stripe.com/test/logs/req_")
    assert body["message"].endswith("has already been refunded.") and body["param"] == "charge"
    assert errors[1].json_body == errors[0].json_body  # the same request log: a replay
    assert "Idempotent-Replayed" not in errors[0].headers
    assert errors[1].headers["Idempotent-Replayed"] == "true" and errors[1].http_status == 400


async def test_a_500_inside_the_endpoint_is_replayed(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    intent = await paid_intent(sandbox, sdk, control)

    def broken(*args: Any) -> Any:
        raise RuntimeError("the sandbox broke mid-way")

    with monkeypatch.context() as patch:
        patch.setattr(sandbox.state.refunds, "create", broken)
        with pytest.raises(stripe.APIError) as crash:
            await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "boom"})
    assert crash.value.http_status == 500 and crash.value.json_body["error"]["type"] == "api_error"
    with pytest.raises(stripe.APIError) as replayed:
        await sdk.v1.refunds.create_async({"payment_intent": intent}, {"idempotency_key": "boom"})
    assert replayed.value.headers["Idempotent-Replayed"] == "true"
    assert sandbox.state.refunds.by_id == {}


async def test_validation_errors_are_not_kept(sandbox: Sandbox, sdk: stripe.StripeClient,
                                              control: PaymentsClient) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    with pytest.raises(stripe.InvalidRequestError, match="Invalid reason"):
        await sdk.v1.refunds.create_async({"payment_intent": intent, "reason": "changed_mind"},
                                          {"idempotency_key": "fix-me"})
    refund = await sdk.v1.refunds.create_async({"payment_intent": intent, "reason": "duplicate"},
                                               {"idempotency_key": "fix-me"})
    assert refund.reason == "duplicate"


# --- minimum and maximum amounts ----------------------------------------------------------

@pytest.mark.parametrize(("currency", "too_small", "least", "message"), [
    ("eur", 49, 50, "at least €0.50 eur"),
    ("usd", 0, 50, "at least $0.50 usd"),
    ("gbp", 29, 30, "at least £0.30 gbp"),
    ("jpy", 49, 50, "at least ¥50 jpy"),
    ("hkd", 399, 400, "at least $4.00 hkd"),
    ("huf", 17499, 17500, "at least 175.00 Ft huf"),
])
async def test_a_total_below_the_currency_minimum_is_amount_too_small(
        sandbox: Sandbox, sdk: stripe.StripeClient, currency: str, too_small: int, least: int,
        message: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as small:
        await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, currency, too_small))
    assert small.value.code == "amount_too_small" and small.value.http_status == 400
    assert small.value.user_message == f"The Checkout Session's total amount due must add up to {message}"
    assert small.value.json_body["error"]["type"] == "invalid_request_error"
    session = await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, currency, least))
    assert session.amount_total == least


async def test_the_minimum_counts_the_whole_total_and_zero_is_refused(
        sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "eur", 25, quantity=2))
    assert session.amount_total == 50
    with pytest.raises(stripe.InvalidRequestError) as zero:
        await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "kwd", 0))
    assert zero.value.code == "amount_too_small"  # no table entry: only zero is too small


async def test_a_total_above_eight_digits_is_amount_too_large(sandbox: Sandbox,
                                                              sdk: stripe.StripeClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "eur", 99_999_999))
    assert session.amount_total == 99_999_999
    for currency, ceiling in (("eur", "€999,999.99"), ("jpy", "¥99,999,999")):
        with pytest.raises(stripe.InvalidRequestError) as large:
            await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, currency, 50_000_000, 2))
        assert large.value.code == "amount_too_large"
        assert large.value.user_message == ("The Checkout Session's total amount due must be no "
                                            f"more than {ceiling}.")


async def test_a_refund_above_what_is_left_says_so_in_stripes_words(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    intent = await paid_intent(sandbox, sdk, control)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 5000})
    assert too_much.value.code == "amount_too_large" and too_much.value.param == "amount"
    assert too_much.value.user_message == ("Refund amount (€50.00) is greater than unrefunded "
                                           "amount on charge (€28.50)")


# --- currency exponents -----------------------------------------------------------------------

async def test_a_zero_decimal_currency_takes_whole_units(sandbox: Sandbox, sdk: stripe.StripeClient,
                                                         control: PaymentsClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "jpy", 1500))
    assert (session.amount_total, session.currency) == (1500, "jpy")
    page = await control.stripe_page(session.id)
    assert "1500 JPY" in page and "15.00" not in page
    intent = (await control.pay(session.id))["session"]["payment_intent"]
    with pytest.raises(stripe.InvalidRequestError, match=r"\(¥2,000\) is greater than .* \(¥1,500\)"):
        await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 2000})


async def test_a_three_decimal_currency_needs_amounts_divisible_by_ten(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as odd:
        await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "kwd", 1505))
    assert odd.value.param == "line_items[0][price_data][unit_amount]"
    assert "divisible by 10" in odd.value.user_message
    assert odd.value.json_body["error"]["type"] == "invalid_request_error"

    session = await sdk.v1.checkout.sessions.create_async(priced(sandbox.clock, "kwd", 1500))
    assert "1.500 KWD" in await control.stripe_page(session.id)
    intent = (await control.pay(session.id))["session"]["payment_intent"]
    with pytest.raises(stripe.InvalidRequestError, match="divisible by 10") as refund:
        await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 15})
    assert refund.value.param == "amount"
    assert (await sdk.v1.refunds.create_async({"payment_intent": intent, "amount": 10})).amount == 10


# --- payment methods a session allows ------------------------------------------------------------

async def test_payment_method_types_are_honoured_and_shown(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    card_only = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock))
    assert card_only.payment_method_types == ["card"]
    assert "SEPA" not in await control.stripe_page(card_only.id)
    with pytest.raises(PaymentsError) as refused:
        await control.pay_by_debit(card_only.id)
    assert refused.value.status == 409

    both = await sdk.v1.checkout.sessions.create_async(
        session_params(sandbox.clock, payment_method_types=["card", "sepa_debit"]))
    assert both.payment_method_types == ["card", "sepa_debit"]
    page = await control.stripe_page(both.id)
    assert "Pay by SEPA Direct Debit (settles later)" in page and "Fail (card declined)" in page

    sepa_only = await sdk.v1.checkout.sessions.create_async(
        session_params(sandbox.clock, payment_method_types=["sepa_debit"]))
    page = await control.stripe_page(sepa_only.id)
    assert "SEPA Direct Debit" in page and "Fail (card declined)" not in page
    with pytest.raises(PaymentsError):
        await control.pay(sepa_only.id)  # no card on this session
    paid = await control.pay_by_debit(sepa_only.id)
    intent = await sdk.v1.payment_intents.retrieve_async(paid["session"]["payment_intent"])
    assert intent.payment_method_types == ["sepa_debit"]


@pytest.mark.parametrize(("methods", "currency", "needle"), [
    (["sepa_debit"], "usd", "Payments with sepa_debit support the following currencies: eur."),
    (["carrier_pigeon"], "eur", "Invalid payment_method_types[0]: must be one of card, sepa_debit"),
    (["card", "ideal"], "eur", "does not support `payment_method_types[1]=ideal`"),
])
async def test_payment_method_types_are_checked(sandbox: Sandbox, sdk: stripe.StripeClient,
                                                methods: list[str], currency: str,
                                                needle: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await sdk.v1.checkout.sessions.create_async(
            priced(sandbox.clock, currency, 1000, payment_method_types=methods))
    assert needle in refused.value.user_message
