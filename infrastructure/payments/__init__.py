"""Payment providers behind the PaymentGateway port: Stripe and PayPal."""
