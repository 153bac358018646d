"""A Stripe API subset (Checkout Sessions, PaymentIntents, refunds, events, signed
webhooks) that the official `stripe` SDK can be pointed at."""

from playground.payments.stripe.sandbox import StripeSandbox

__all__ = ["StripeSandbox"]
