"""`cinebooker serve`: the aiohttp server with the Telegram webhook, health and
metrics (payment webhooks join with issue #4)."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.container import Container
from bot.startup import StartupFailed, telegram_call
from bot.telegram import TelegramRuntime, build_telegram, learn_username, set_commands
from handlers.http import health_routes
from domain.payments import PaymentProvider
from handlers.payments import stripe_webhook_route
from handlers.paypal import paypal_routes
from handlers.telegram_webhook import WebhookHandler

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
RUNTIME_KEY = web.AppKey("runtime", TelegramRuntime)


class Metrics:
    """A few counters in Prometheus text format."""

    def __init__(self) -> None:
        self.started = time.time()
        self.updates = 0

    def render(self) -> str:
        return (
            "# TYPE cinebooker_updates_total counter\n"
            f"cinebooker_updates_total {self.updates}\n"
            "# TYPE cinebooker_start_time_seconds gauge\n"
            f"cinebooker_start_time_seconds {self.started:.0f}\n"
        )


async def check_health(container: Container) -> dict[str, str]:
    results: dict[str, str] = {}
    try:
        async with container.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        results["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - health reports, never raises
        results["database"] = f"error: {type(exc).__name__}"
    if container.redis is not None:
        try:
            await container.redis.ping()  # type: ignore[attr-defined]
            results["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            results["redis"] = f"error: {type(exc).__name__}"
    return results


def build_app(container: Container, runtime: TelegramRuntime | None = None, *, set_webhook: bool = True) -> web.Application:
    runtime = runtime or build_telegram(container)
    settings = container.settings
    metrics = Metrics()
    app = web.Application()

    @web.middleware
    async def count(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == WEBHOOK_PATH:
            metrics.updates += 1
        return await handler(request)

    app.middlewares.append(count)
    # Refuses to be built without a secret: the webhook never runs open.
    webhook_secret = settings.webhook_secret.get_secret_value()
    WebhookHandler(runtime.dispatcher, runtime.bot, webhook_secret).register(app, path=WEBHOOK_PATH)
    health_routes(app, lambda: check_health(container), metrics.render)
    # A provider without credentials has no routes: its webhooks answer 404.
    gateways = container.payments.gateways
    if PaymentProvider.STRIPE in gateways:
        stripe_webhook_route(
            app, container.payments, settings.stripe_webhook_secret.get_secret_value(), runtime.payment_notices
        )
    if PaymentProvider.PAYPAL in gateways:
        paypal = gateways[PaymentProvider.PAYPAL]
        paypal_routes(app, container.payments, paypal, runtime.payment_notices, container.links.paid, runtime.translator)  # type: ignore[arg-type]

    async def on_startup(_app: web.Application) -> None:
        # Each call waits out network trouble; a refusal is StartupFailed (one line, exit 2).
        try:
            await telegram_call("getMe", settings, lambda: learn_username(runtime, container))
            if set_webhook:
                await telegram_call("setWebhook", settings, lambda: runtime.bot.set_webhook(
                    settings.public_url.rstrip("/") + WEBHOOK_PATH,
                    secret_token=webhook_secret,
                    allowed_updates=runtime.dispatcher.resolve_used_update_types(),
                ))
                await telegram_call("setMyCommands", settings, lambda: set_commands(runtime))
        except StartupFailed:
            await runtime.bot.session.close()  # or its connections are reported unclosed at exit
            raise
        runtime.start_background()

    async def on_cleanup(_app: web.Application) -> None:
        await runtime.close()
        await container.close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app[RUNTIME_KEY] = runtime
    return app
