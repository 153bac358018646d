"""`python -m playground.payments [--host H] [--port P]`: both payment sandboxes alone."""

from __future__ import annotations

import argparse

from playground.payments.app import run_payments_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Offline Stripe and PayPal sandboxes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--public-url", default=None,
                        help="address put into pay page URLs (default: the request's host)")
    parser.add_argument("--stripe-webhook", nargs=2, action="append", default=[],
                        metavar=("URL", "SECRET"), help="a Stripe webhook endpoint")
    parser.add_argument("--paypal-webhook", nargs=2, action="append", default=[],
                        metavar=("URL", "WEBHOOK_ID"), help="a PayPal webhook")
    args = parser.parse_args(argv)
    run_payments_server(args.host, args.port, public_url=args.public_url,
                        stripe_webhooks=[tuple(w) for w in args.stripe_webhook],
                        paypal_webhooks=[tuple(w) for w in args.paypal_webhook])


if __name__ == "__main__":
    main()
