"""The Stripe adapter against the playground's Stripe sandbox over HTTP: the
official SDK, links, payment, refund, expiry, an outage."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

import stripe

from domain.errors import PaymentProviderDown, PaymentsMisconfigured, ProviderRefused
from domain.money import Money
from domain.payments import CheckoutLine, CheckoutRequest, ProviderStatus, Refusal, RefundStatus
from infrastructure.payments.stripe_gateway import StripeGateway
from playground.payments.app import create_payments_app
from playground.payments.client import PaymentsClient
from playground.telegram.app import serve

KEY = "sk_test_cinebooker"


@pytest.fixture
async def sandbox():
    app = create_payments_app(paypal=False)
    async with serve(app) as url:
        gateway = StripeGateway(KEY, url)
        async with PaymentsClient(url) as control:
            yield gateway, control
        await gateway.close()


def _request(booking_id: int = 7, minutes: int = 15, key: str = "k1") -> CheckoutRequest:
    return CheckoutRequest(
        booking_id=booking_id,
        customer_id=42,
        lines=(CheckoutLine("Dune — F-3 (adult)", Money(1200, "EUR")), CheckoutLine("Dune — F-4 (student)", Money(1000, "EUR"))),
        total=Money(2200, "EUR"),
        description="Dune, booking #7",
        success_url="https://t.me/cinebooker_bot?start=paid_7",
        cancel_url="https://t.me/cinebooker_bot?start=unpaid_7",
        expires_at=datetime.now(timezone.utc) + timedelta(minutes=minutes),
        idempotency_key=key,
    )


async def test_link_pay_fetch_refund(sandbox):
    gateway, control = sandbox
    checkout = await gateway.create_checkout(_request())
    again = await gateway.create_checkout(_request())  # same idempotency key: same session
    assert again.provider_ref == checkout.provider_ref and checkout.url.startswith("http")
    # A 15-minute window is shorter than Stripe allows: the session lives 31 minutes
    # and is expired through the API when the booking lapses.
    assert checkout.expires_at - datetime.now(timezone.utc) > timedelta(minutes=30)
    before = await gateway.fetch(checkout.provider_ref)
    assert before.status is ProviderStatus.OPEN and before.booking_id == 7
    await control.pay(checkout.provider_ref)
    paid = await gateway.fetch(checkout.provider_ref)
    assert paid.status is ProviderStatus.PAID and paid.amount == Money(2200, "EUR") and paid.paid_ref
    refund = await gateway.refund(paid.paid_ref, Money(2200, "EUR"), "refund-1")
    assert refund.status is RefundStatus.SUCCEEDED and refund.ref
    assert refund == await gateway.refund(paid.paid_ref, Money(2200, "EUR"), "refund-1")


async def test_expire_and_outage(sandbox):
    gateway, control = sandbox
    checkout = await gateway.create_checkout(_request(key="k2"))
    await gateway.expire(checkout.provider_ref)
    await gateway.expire(checkout.provider_ref)  # twice is fine
    assert (await gateway.fetch(checkout.provider_ref)).status is ProviderStatus.EXPIRED
    await control.fail_next("stripe", 5)
    with pytest.raises(PaymentProviderDown):
        await gateway.create_checkout(_request(booking_id=8, key="k3"))


async def test_a_retry_sends_the_same_request_whatever_the_clock(sandbox):
    """CI once failed here: the session's expiry was taken from the clock, so a
    retry a second later sent other parameters under the same idempotency key and
    Stripe refused it. Nothing the gateway sends depends on the clock now, also for
    a window of most of a day (PAYMENT_MINUTES is capped so that it stays valid)."""
    gateway, _ = sandbox
    request = _request(key="k-retry", minutes=22 * 60)
    first = await gateway.create_checkout(request)
    second = await gateway.create_checkout(request)
    assert second.provider_ref == first.provider_ref
    assert first.expires_at == request.expires_at.replace(microsecond=0) + timedelta(minutes=31)


def _single(total: Money, key: str) -> CheckoutRequest:
    request = _request(key=key)
    return replace(request, lines=(CheckoutLine("Dune — F-3 (adult)", total),), total=total)


async def test_currency_exponents_jpy_and_kwd(sandbox):
    gateway, control = sandbox
    jpy = await gateway.create_checkout(_single(Money(1500, "JPY"), "k-jpy"))  # 1500 yen, not 150000
    await control.pay(jpy.provider_ref)
    assert (await gateway.fetch(jpy.provider_ref)).amount == Money(1500, "JPY")
    assert "¥1,500" in await control.stripe_page(jpy.provider_ref)  # the page in English (the request's locale)
    kwd = await gateway.create_checkout(_single(Money(1500, "KWD"), "k-kwd"))  # 1.500 KWD
    assert "KWD1.500" in await control.stripe_page(kwd.provider_ref)
    await control.pay(kwd.provider_ref)
    assert (await gateway.fetch(kwd.provider_ref)).amount == Money(1500, "KWD")
    with pytest.raises(ProviderRefused) as odd:  # Stripe settles KWD in steps of 0.010
        await gateway.create_checkout(_single(Money(1505, "KWD"), "k-kwd2"))
    assert odd.value.reason == Refusal.INVALID


async def test_below_the_minimum_is_refused_with_the_minimum(sandbox):
    gateway, _ = sandbox
    for total in (Money(30, "EUR"), Money(0, "EUR")):
        with pytest.raises(ProviderRefused) as small:
            await gateway.create_checkout(_single(total, f"k-small-{total.amount}"))
        assert small.value.reason == Refusal.AMOUNT_TOO_SMALL and small.value.params["minimum"] == Money(50, "EUR")


async def _paid(gateway, control, key: str):
    checkout = await gateway.create_checkout(_request(key=key))
    await control.pay(checkout.provider_ref)
    return (await gateway.fetch(checkout.provider_ref)).paid_ref


async def test_refunds_pending_failed_too_large_dashboard_and_disputed(sandbox):
    gateway, control = sandbox
    paid_ref = await _paid(gateway, control, "k-r1")
    with pytest.raises(ProviderRefused) as large:
        await gateway.refund(paid_ref, Money(9999, "EUR"), "r-large")
    assert large.value.reason == Refusal.AMOUNT_TOO_LARGE
    await control.set_refund_mode("pending")
    pending = await gateway.refund(paid_ref, None, "r-1")
    assert pending.status is RefundStatus.PENDING and pending.ref
    await control.settle_refund(pending.ref, "failed")
    failed = await gateway.fetch_refund(pending.ref)
    assert failed.status is RefundStatus.FAILED and failed.reason
    await control.set_refund_mode("succeeded")

    # Refunded in the Dashboard, then by us: Stripe's charge_already_refunded is "refunded".
    other = await _paid(gateway, control, "k-r2")
    dashboard = await control.dashboard_refund(other)
    done = await gateway.refund(other, None, "r-2")
    assert done.status is RefundStatus.SUCCEEDED and done.ref == dashboard["id"]

    disputed = await _paid(gateway, control, "k-r3")
    await control.open_dispute(disputed)
    with pytest.raises(ProviderRefused) as charged_back:
        await gateway.refund(disputed, None, "r-3")
    assert charged_back.value.reason == Refusal.DISPUTED


async def test_a_session_complete_but_unpaid_is_processing(sandbox):
    gateway, control = sandbox
    client = stripe.StripeClient(KEY, base_addresses={"api": control.base_url})
    session = await asyncio.to_thread(client.v1.checkout.sessions.create, {
        "mode": "payment", "payment_method_types": ["sepa_debit"], "success_url": "https://x.invalid/ok",
        "line_items": [{"price_data": {"currency": "eur", "unit_amount": 2200, "product_data": {"name": "x"}},
                        "quantity": 1}],
    })
    await control.pay_by_debit(session.id)
    assert (await gateway.fetch(session.id)).status is ProviderStatus.PROCESSING
    await control.settle_debit(session.id, "succeeded")
    assert (await gateway.fetch(session.id)).status is ProviderStatus.PAID


async def test_wrong_key_or_account_is_misconfiguration(sandbox):
    _, control = sandbox
    wrong = StripeGateway("sk_live_not_accepted", control.base_url)
    try:
        with pytest.raises(PaymentsMisconfigured):
            await wrong.create_checkout(_request(key="k-wrong"))
    finally:
        await wrong.close()
    gateway, _ = sandbox
    with pytest.raises(PaymentsMisconfigured):  # a session of another account
        await gateway.fetch("cs_test_not_in_this_account")


async def test_the_session_is_told_the_locale_and_the_deadline(sandbox):
    gateway, control = sandbox
    request = replace(
        _request(key="k-ru"),
        lines=(CheckoutLine("Дюна — F-3 (Взрослый)", Money(1200, "EUR")), CheckoutLine("Дюна — F-4 (Студенческий)", Money(1000, "EUR"))),
        locale="ru",
        deadline_note="Оплатите до 18:30 CET",
    )
    checkout = await gateway.create_checkout(request)
    [session] = [s for s in await control.stripe_sessions() if s["id"] == checkout.provider_ref]
    assert session["locale"] == "ru"
    assert session["custom_text"]["submit"] == {"message": "Оплатите до 18:30 CET"}
    page = await control.stripe_page(checkout.provider_ref)
    assert "Дюна — F-4 (Студенческий) × 1" in page and "Оплатите до 18:30 CET" in page and "22,00\xa0€" in page
    # A language Stripe's page does not speak: the browser's ("auto"); none of its own words.
    plain = await gateway.create_checkout(replace(_request(key="k-uk"), locale="uk"))
    [other] = [s for s in await control.stripe_sessions() if s["id"] == plain.provider_ref]
    assert other["locale"] == "auto" and other["custom_text"]["submit"] is None
