"""Stripe Checkout behind the PaymentGateway port (official SDK, async methods).

The base address comes from STRIPE_API_URL, so the playground's sandbox and the
real Stripe are reached the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import stripe

from domain.errors import PaymentProviderDown
from domain.money import Money
from domain.payments import (
    CheckoutRequest,
    PaymentProvider,
    ProviderCheckout,
    ProviderPayment,
    ProviderStatus,
)

# Stripe refuses a Checkout Session that expires sooner than 30 minutes from now
# or later than 24 hours. The session therefore lives 31 minutes past the booking's
# window, and the booking's own window is enforced by expiring the session through
# the API when the booking lapses (PaymentService.expire_links). The expiry is
# derived from the request alone, never from the clock: a retry under the same
# idempotency key must send the very same parameters, or Stripe refuses it.
STRIPE_MIN_EXPIRY = timedelta(minutes=31)
STRIPE_MAX_EXPIRY = timedelta(hours=23)
_TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class StripeGateway:
    provider = PaymentProvider.STRIPE

    def __init__(self, secret_key: str, api_url: str = "", clock: Callable[[], datetime] = _now) -> None:
        self._http = stripe.AIOHTTPClient()
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_url.rstrip("/")} if api_url else None,
            http_client=self._http,
            max_network_retries=2,
        )
        self._clock = clock

    async def close(self) -> None:
        await self._http.close_async()

    async def _call(self, action: Any, *args: Any) -> Any:
        try:
            return await action(*args)
        except _TRANSIENT as exc:
            raise PaymentProviderDown(f"stripe: {type(exc).__name__}: {exc.user_message or exc}", provider="stripe") from exc

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout:
        expires_at = request.expires_at + STRIPE_MIN_EXPIRY
        if expires_at - self._clock() > STRIPE_MAX_EXPIRY:
            # A window of nearly a day (PAYMENT_MINUTES allows 24 h) is itself
            # longer than Stripe's minimum, and the extra 31 minutes would break
            # its maximum.
            expires_at = request.expires_at
        booking = str(request.booking_id)
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": line.amount.currency.lower(),
                        "unit_amount": line.amount.amount,
                        "product_data": {"name": line.name[:250]},
                    },
                    "quantity": line.quantity,
                }
                for line in request.lines
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": booking,
            "metadata": {"booking_id": booking, "customer_id": str(request.customer_id)},
            "payment_intent_data": {"metadata": {"booking_id": booking}, "description": request.description[:500]},
            "expires_at": int(expires_at.timestamp()),
        }
        session = await self._call(
            self._client.v1.checkout.sessions.create_async, params, {"idempotency_key": request.idempotency_key}
        )
        return ProviderCheckout(session.id, session.url, datetime.fromtimestamp(session.expires_at, timezone.utc))

    async def fetch(self, provider_ref: str) -> ProviderPayment:
        session = await self._call(self._client.v1.checkout.sessions.retrieve_async, provider_ref)
        if session.payment_status == "paid":
            status = ProviderStatus.PAID
        elif session.status == "expired":
            status = ProviderStatus.EXPIRED
        else:
            status = ProviderStatus.OPEN
        intent = session.payment_intent
        paid_ref = intent if isinstance(intent, str) else getattr(intent, "id", None)
        amount = Money(session.amount_total, session.currency.upper()) if session.amount_total is not None else None
        metadata = session.metadata.to_dict() if session.metadata else {}
        booking = metadata.get("booking_id") or session.client_reference_id
        return ProviderPayment(
            provider_ref, status, amount, paid_ref, int(booking) if booking and booking.isdigit() else None
        )

    async def capture(self, provider_ref: str, idempotency_key: str) -> ProviderPayment:
        # Checkout in payment mode captures at once: nothing to take separately.
        return await self.fetch(provider_ref)

    async def expire(self, provider_ref: str) -> None:
        try:
            await self._call(self._client.v1.checkout.sessions.expire_async, provider_ref)
        except stripe.InvalidRequestError:
            return  # already expired or completed: nothing left to close

    async def refund(self, paid_ref: str, amount: Money, idempotency_key: str) -> str:
        refund = await self._call(
            self._client.v1.refunds.create_async,
            {"payment_intent": paid_ref, "amount": amount.amount},
            {"idempotency_key": idempotency_key},
        )
        return refund.id
