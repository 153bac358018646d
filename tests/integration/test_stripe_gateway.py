"""The Stripe adapter against the playground's Stripe sandbox over HTTP: the
official SDK, links, payment, refund, expiry, an outage."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain.errors import PaymentProviderDown
from domain.money import Money
from domain.payments import CheckoutLine, CheckoutRequest, ProviderStatus
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


async def test_retry_later_under_same_key_gets_the_same_session(sandbox):
    """CI once failed here: the session's expiry was taken from the clock, so a
    retry a second later sent other parameters under the same idempotency key and
    Stripe refused it. The expiry now follows from the request alone."""
    _, control = sandbox
    ticks = iter(range(0, 3600, 7))

    def clock() -> datetime:  # moves 7 seconds on at every call
        return datetime.now(timezone.utc) + timedelta(seconds=next(ticks))

    gateway = StripeGateway(KEY, control.base_url, clock=clock)
    try:
        request = _request(key="k-retry")
        first = await gateway.create_checkout(request)
        second = await gateway.create_checkout(request)
        assert second.provider_ref == first.provider_ref
        assert first.expires_at == request.expires_at.replace(microsecond=0) + timedelta(minutes=31)
    finally:
        await gateway.close()
