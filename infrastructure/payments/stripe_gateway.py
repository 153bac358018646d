"""Stripe Checkout behind the PaymentGateway port (official SDK, async methods).

The base address comes from STRIPE_API_URL, so the playground's sandbox and the
real Stripe are reached the same way. Every error the SDK raises becomes a domain
outcome here (see _translate): nothing of ``stripe.*`` escapes this module.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn

import stripe

from domain.errors import PaymentProviderDown, PaymentsMisconfigured, ProviderRefused
from domain.money import Money
from domain.payments import (
    CheckoutRequest,
    PaymentProvider,
    ProviderCheckout,
    ProviderPayment,
    ProviderRefund,
    ProviderStatus,
    Refusal,
    RefundStatus,
)
from infrastructure.payments.locales import stripe_locale
from infrastructure.payments.units import STRIPE_MAXIMUM, from_stripe, stripe_minimum, to_stripe

log = logging.getLogger(__name__)

# Stripe refuses a Checkout Session that expires sooner than 30 minutes from now
# or later than 24 hours. The session therefore lives 31 minutes past the booking's
# window (PAYMENT_MINUTES is capped so that this stays within a day), and the
# booking's own deadline is enforced by expiring the session through the API when
# the booking lapses (PaymentService.expire_links). The expiry follows from the
# request alone, never from the clock: a retry under the same idempotency key must
# send the very same parameters, or Stripe refuses it.
STRIPE_MIN_EXPIRY = timedelta(minutes=31)
# What a session allows, said explicitly rather than left to the Dashboard's
# settings: cards pay at once; a debit (SEPA) would settle days later, past any
# payment window, so it is not offered. A session that still completes unpaid
# (an account with other defaults) is handled as PROCESSING.
PAYMENT_METHODS = ("card",)
CUSTOM_TEXT_MAX = 1200  # characters of a custom_text message (Stripe's limit)
_TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
_MISCONFIGURED = (stripe.AuthenticationError, stripe.PermissionError)
_REFUND_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


class StripeGateway:
    provider = PaymentProvider.STRIPE

    def __init__(self, secret_key: str, api_url: str = "") -> None:
        self._http = stripe.AIOHTTPClient()
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_url.rstrip("/")} if api_url else None,
            http_client=self._http,
            max_network_retries=2,
        )

    async def close(self) -> None:
        await self._http.close_async()

    async def _call(self, what: str, action: Any, *args: Any) -> Any:
        try:
            return await action(*args)
        except stripe.StripeError as exc:
            _translate(what, exc)

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout:
        total = to_stripe(request.total)
        minimum = stripe_minimum(request.total.currency)
        if total <= 0 or (minimum is not None and request.total < minimum):
            # Stripe would refuse it anyway (amount_too_small); say so without a call.
            raise ProviderRefused(Refusal.AMOUNT_TOO_SMALL, minimum=minimum or Money(1, request.total.currency))
        if total > STRIPE_MAXIMUM:
            raise ProviderRefused(Refusal.AMOUNT_TOO_LARGE)
        booking = str(request.booking_id)
        params: dict[str, Any] = {
            "mode": "payment",
            "payment_method_types": list(PAYMENT_METHODS),
            "line_items": [
                {
                    "price_data": {
                        "currency": line.amount.currency.lower(),
                        "unit_amount": to_stripe(line.amount),
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
            "expires_at": int((request.expires_at + STRIPE_MIN_EXPIRY).timestamp()),
            "locale": stripe_locale(request.locale),
        }
        if request.deadline_note:
            # Shown beside the pay button. The session itself outlives the booking
            # (see STRIPE_MIN_EXPIRY), so the page must say when the booking lapses.
            params["custom_text"] = {"submit": {"message": request.deadline_note[:CUSTOM_TEXT_MAX]}}
        session = await self._call(
            "create a checkout session",
            self._client.v1.checkout.sessions.create_async, params, {"idempotency_key": request.idempotency_key},
        )
        return ProviderCheckout(session.id, session.url, datetime.fromtimestamp(session.expires_at, timezone.utc))

    async def fetch(self, provider_ref: str) -> ProviderPayment:
        session = await self._call(
            f"read checkout session {provider_ref}", self._client.v1.checkout.sessions.retrieve_async, provider_ref
        )
        if session.payment_status == "paid":
            status = ProviderStatus.PAID
        elif session.status == "expired":
            status = ProviderStatus.EXPIRED
        elif session.status == "complete":
            # Complete but unpaid: a delayed method (a debit) is settling; the
            # async_payment_succeeded/failed event tells the end.
            status = ProviderStatus.PROCESSING
        else:
            status = ProviderStatus.OPEN
        intent = session.payment_intent
        paid_ref = intent if isinstance(intent, str) else getattr(intent, "id", None)
        amount = from_stripe(session.amount_total, session.currency) if session.amount_total is not None else None
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
            await self._client.v1.checkout.sessions.expire_async(provider_ref)
        except stripe.InvalidRequestError:
            return  # already expired or completed: nothing left to close
        except stripe.StripeError as exc:
            _translate(f"expire checkout session {provider_ref}", exc)

    async def refund(self, paid_ref: str, amount: Money | None, idempotency_key: str) -> ProviderRefund:
        params: dict[str, Any] = {"payment_intent": paid_ref}
        if amount is not None:
            params["amount"] = to_stripe(amount)
        try:
            refund = await self._client.v1.refunds.create_async(params, {"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as exc:
            if exc.code == "charge_already_refunded":
                # Refunded already (in the Dashboard, say): that refund is the answer.
                return await self._existing_refund(paid_ref)
            _translate(f"refund {paid_ref}", exc)
        except stripe.StripeError as exc:
            _translate(f"refund {paid_ref}", exc)
        return _refund(refund)

    async def _existing_refund(self, paid_ref: str) -> ProviderRefund:
        found = await self._call(
            f"list refunds of {paid_ref}", self._client.v1.refunds.list_async, {"payment_intent": paid_ref, "limit": 10}
        )
        done = [r for r in found.data if r.status in ("succeeded", "pending")]
        if not done:  # refunded by a way the list does not show (a reversed charge)
            return ProviderRefund(None, RefundStatus.SUCCEEDED, "refunded outside CineBooker")
        return _refund(done[0])

    async def fetch_refund(self, refund_ref: str) -> ProviderRefund:
        refund = await self._call(f"read refund {refund_ref}", self._client.v1.refunds.retrieve_async, refund_ref)
        return _refund(refund)


def _refund(refund: Any) -> ProviderRefund:
    status = _REFUND_STATUS.get(refund.status or "", RefundStatus.PENDING)
    reason = getattr(refund, "failure_reason", None) if status is RefundStatus.FAILED else None
    return ProviderRefund(refund.id, status, reason or (None if status is not RefundStatus.FAILED else refund.status))


def _translate(what: str, exc: stripe.StripeError) -> NoReturn:
    """Stripe's error as a domain outcome: transient -> PaymentProviderDown (retry),
    credentials -> PaymentsMisconfigured (one log line), a refused request ->
    ProviderRefused with its reason."""
    summary = f"stripe: {what}: {type(exc).__name__}: {exc.user_message or exc}"
    if isinstance(exc, _TRANSIENT):
        raise PaymentProviderDown(summary, provider="stripe") from exc
    if isinstance(exc, _MISCONFIGURED):
        log.error("%s; check CINEBOOKER_STRIPE_SECRET_KEY (and the account's permissions)", summary)
        raise PaymentsMisconfigured(summary, provider="stripe") from exc
    code = getattr(exc, "code", None)
    if isinstance(exc, stripe.IdempotencyError):
        # A key reused with other parameters: our bug, not the customer's. Keys carry
        # a digest of what they send, so this is never expected.
        log.error("%s; an idempotency key was reused with other parameters", summary)
        raise ProviderRefused(Refusal.INVALID, summary) from exc
    if isinstance(exc, stripe.InvalidRequestError) and exc.http_status == 404:
        # Not in this account: a key of another account (test vs live) is configured.
        log.error("%s; is CINEBOOKER_STRIPE_SECRET_KEY the account the payment was made in?", summary)
        raise PaymentsMisconfigured(summary, provider="stripe") from exc
    reason = {
        "amount_too_small": Refusal.AMOUNT_TOO_SMALL,
        "amount_too_large": Refusal.AMOUNT_TOO_LARGE,
        "charge_already_refunded": Refusal.ALREADY_REFUNDED,
        "charge_disputed": Refusal.DISPUTED,
    }.get(code or "", Refusal.INVALID)
    if reason is Refusal.INVALID:
        log.error("%s (code %s)", summary, code)
    raise ProviderRefused(reason, summary) from exc
