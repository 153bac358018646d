"""A PayPal REST subset (OAuth 2, Orders v2, captures, refunds, webhooks and their
verification) that an aiohttp adapter reaches through PAYPAL_API_URL."""

from playground.payments.paypal.sandbox import PayPalSandbox

__all__ = ["PayPalSandbox"]
