"""Wiring: the aiohttp routes of the Stripe and PayPal sandboxes.

`setup_stripe(app, sandbox)` and `setup_paypal(app, sandbox)` add a sandbox's
routes to any app (the combined playground mounts them beside the Bot API; the
paths do not collide). `create_payments_app()` makes a standalone app with both.
The app also works as a sub-app: hosted page URLs and API links carry the prefix.
"""

from __future__ import annotations

from typing import Iterable

from aiohttp import web

from playground.payments.clock import Clock, system_clock
from playground.payments.delivery import DeliverySettings
from playground.payments.paypal.api import PayPalApi
from playground.payments.paypal.control import PayPalControl
from playground.payments.paypal.page import PayPalApprovePage
from playground.payments.paypal.sandbox import PayPalSandbox
from playground.payments.stripe.api import StripeApi
from playground.payments.stripe.control import StripeControl
from playground.payments.stripe.page import StripePayPage
from playground.payments.stripe.sandbox import StripeSandbox
from playground.telegram.app import serve

STRIPE_KEY = web.AppKey("playground_stripe_sandbox", StripeSandbox)
PAYPAL_KEY = web.AppKey("playground_paypal_sandbox", PayPalSandbox)

__all__ = ["PAYPAL_KEY", "STRIPE_KEY", "create_payments_app", "run_payments_server", "serve",
           "setup_paypal", "setup_stripe"]


def setup_stripe(app: web.Application, sandbox: StripeSandbox) -> StripeSandbox:
    """Add the Stripe API (/v1/...), the pay page (/pay/stripe/...) and /control/stripe/."""
    for method, path, handler in [*StripeApi(sandbox).routes(), *StripeControl(sandbox).routes()]:
        app.router.add_route(method, path, handler)
    StripePayPage(sandbox).add_routes(app)

    async def on_startup(_: web.Application) -> None:
        sandbox.start()

    async def on_cleanup(_: web.Application) -> None:
        await sandbox.aclose()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app[STRIPE_KEY] = sandbox
    return sandbox


def setup_paypal(app: web.Application, sandbox: PayPalSandbox) -> PayPalSandbox:
    """Add PayPal's REST subset (/v1/oauth2, /v1/notifications, /v2/...), the approval
    page (/pay/paypal/...) and /control/paypal/."""
    for method, path, handler in [*PayPalApi(sandbox).routes(), *PayPalControl(sandbox).routes()]:
        app.router.add_route(method, path, handler)
    PayPalApprovePage(sandbox).add_routes(app)

    async def on_cleanup(_: web.Application) -> None:
        await sandbox.aclose()

    app.on_cleanup.append(on_cleanup)
    app[PAYPAL_KEY] = sandbox
    return sandbox


def create_payments_app(
    *,
    clock: Clock = system_clock,
    stripe: bool = True,
    paypal: bool = True,
    stripe_api_keys: Iterable[str] | None = None,
    stripe_webhooks: Iterable[tuple[str, str]] = (),
    paypal_clients: dict[str, str] | None = None,
    paypal_webhooks: Iterable[tuple[str, str]] = (),
    delivery: DeliverySettings | None = None,
    public_url: str | None = None,
    sweep_interval: float | None = 5.0,
) -> web.Application:
    """A standalone app with both sandboxes; their state is app[STRIPE_KEY], app[PAYPAL_KEY].

    `stripe_webhooks` are (url, signing secret) pairs, `paypal_webhooks` (url,
    webhook_id) pairs. `delivery` is copied per provider, so their switches are
    independent. `public_url` overrides the address put into page URLs and links.
    """
    app = web.Application()
    if stripe:
        setup_stripe(app, StripeSandbox(
            clock=clock, api_keys=stripe_api_keys, webhooks=stripe_webhooks,
            delivery=_copy(delivery), public_url=public_url, sweep_interval=sweep_interval))
    if paypal:
        setup_paypal(app, PayPalSandbox(
            clock=clock, clients=paypal_clients, webhooks=paypal_webhooks,
            delivery=_copy(delivery), public_url=public_url))
    return app


def run_payments_server(host: str = "127.0.0.1", port: int = 8082, **options: object) -> None:
    """Serve both sandboxes until interrupted (blocking)."""
    app = create_payments_app(**options)  # type: ignore[arg-type]
    web.run_app(app, host=host, port=port,
                print=lambda _: print(f"Payment sandboxes on http://{host}:{port}"))


def _copy(settings: DeliverySettings | None) -> DeliverySettings | None:
    if settings is None:
        return None
    return DeliverySettings(**settings.to_json())
