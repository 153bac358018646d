"""`cinebooker playground`: the whole product in one process, offline.

The playground's Bot API server with its web chat and the Stripe and PayPal
sandboxes share one address (their paths do not collide); the bot's own server
(Telegram webhook, payment webhooks, PayPal return) listens on the next port,
as it would behind its own domain. The bot runs in webhook mode, the worker and
the scheduler in process, on SQLite, in-memory holds and local files.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr

from bot.container import build_container
from bot.settings import Settings
from bot.worker import BackgroundJobs, WorkerApp

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cinema.yaml"


@dataclass(frozen=True)
class Addresses:
    chat: str  # the web chat, Bot API and sandboxes
    bot: str  # the bot's webhook server


def ready_line(addresses: Addresses) -> str:
    """The one line a person needs at start: every address, what answers there."""
    return (f"CineBooker playground: open {addresses.chat}/ in your browser (web chat, Bot API, "
            f"Stripe and PayPal sandboxes); the bot itself listens on {addresses.bot} "
            f"(Telegram and payment webhooks, PayPal return). Ctrl-C stops.")


def playground_settings(settings: Settings, addresses: Addresses) -> Settings:
    """The stand-ins replace Telegram, Stripe and PayPal; everything else (the
    database, storage, the cinema's zone) stays as configured."""
    return settings.model_copy(
        update={
            "telegram_api_url": addresses.chat,
            "stripe_api_url": addresses.chat,
            "paypal_api_url": addresses.chat,
            "public_url": addresses.bot,
            "webhook_secret": SecretStr(secrets.token_urlsafe(24)),
            "redis_url": "",  # the embedded mode: in-memory holds, FSM and broker
        }
    )


def playground_app(settings: Settings) -> web.Application:
    from playground.payments.app import setup_paypal, setup_stripe
    from playground.payments.paypal.sandbox import PayPalSandbox
    from playground.payments.stripe.sandbox import StripeSandbox
    from playground.telegram.app import create_telegram_app

    public = settings.public_url.rstrip("/")
    # Beside the SQLite default (./var), so the web chat keeps its chats as the bot
    # keeps its bookings.
    app = create_telegram_app(tokens=[settings.bot_token.get_secret_value()], state_path=Path("var/playground/state.json"))
    setup_stripe(
        app,
        StripeSandbox(
            api_keys=[settings.stripe_secret_key.get_secret_value()],
            webhooks=[(public + "/webhooks/stripe", settings.stripe_webhook_secret.get_secret_value())],
            public_url=settings.telegram_api_url,
        ),
    )
    setup_paypal(
        app,
        PayPalSandbox(
            clients={settings.paypal_client_id: settings.paypal_client_secret.get_secret_value()},
            webhooks=[(public + "/webhooks/paypal", settings.paypal_webhook_id)],
            public_url=settings.telegram_api_url,
        ),
    )
    return app


async def prepare_database(settings: Settings) -> str | None:
    """Migrate, and load the sample cinema into an empty catalog (a restart keeps
    what is there). Returns a line saying what was loaded or why not, if anything."""
    from bot.cinema import disagreements
    from bot.migrations import upgrade
    from infrastructure.catalog.yamlfile import load_catalog

    if settings.database_url.startswith("sqlite"):
        path = settings.database_url.split(":///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build_container(settings)
    try:
        async with container.deps.uow() as uow:
            if await uow.movies.list():
                return None
        data = load_catalog(EXAMPLE)
        contradicted = disagreements(settings, data.cinema)
        if contradicted:
            # The sample is a Berlin cinema in euros. Only a setting given explicitly
            # can say otherwise; then it is not loaded, and the newcomer is told why.
            return "the sample cinema was NOT loaded: " + "; ".join(contradicted)
        report = await container.catalog_admin.import_catalog(data)
        return f"Loaded the sample cinema: {report.summary()}"
    finally:
        await container.close()


async def run_playground(settings: Settings, host: str, port: int, stop: asyncio.Event | None = None) -> None:
    from playground.telegram.app import serve

    from bot.cinema import resolved
    from bot.server import build_app

    addresses = Addresses(f"http://{host}:{port}", f"http://{host}:{port + 1}")
    settings = playground_settings(settings, addresses)
    loaded = await prepare_database(settings)
    # The cinema's zone and currency come from its catalog, as in every process.
    settings = await resolved(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async with serve(playground_app(settings), host, port):
        jobs = BackgroundJobs(WorkerApp(settings))
        container = build_container(settings, jobs=jobs.app.queue)
        container.links.base = addresses.chat + "/t.me"
        await jobs.start()
        try:
            async with serve(build_app(container), host, port + 1, shutdown_timeout=10):
                if loaded:
                    print(loaded)
                print(ready_line(addresses), flush=True)
                await stop.wait()
        finally:
            await jobs.stop()
    print("Playground stopped; the data stays in", settings.database_url)
