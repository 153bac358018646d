"""Offline stand-ins for Stripe and PayPal: their HTTP APIs, hosted pay pages and
signed webhooks, so the whole payment flow runs and is tested with no internet.

Imports nothing from the application: adapters reach it through a base URL only
(STRIPE_API_URL, PAYPAL_API_URL), exactly as they reach the real providers.
"""

from playground.payments.app import (
    PAYPAL_KEY,
    STRIPE_KEY,
    create_payments_app,
    run_payments_server,
    serve,
    setup_paypal,
    setup_stripe,
)
from playground.payments.delivery import DeliverySettings
from playground.payments.paypal import PayPalSandbox
from playground.payments.stripe import StripeSandbox

__all__ = [
    "PAYPAL_KEY",
    "STRIPE_KEY",
    "DeliverySettings",
    "PayPalSandbox",
    "StripeSandbox",
    "create_payments_app",
    "run_payments_server",
    "serve",
    "setup_paypal",
    "setup_stripe",
]
