"""Wiring: the aiohttp application of the fake Bot API server.

`create_telegram_app()` makes a standalone app with the web chat at `/`;
`setup_telegram(app)` adds the Bot API, file and control routes to an existing app
(the Bot API needs to sit at the root, so the combined playground mounts it that
way) and `setup_webchat(app)` the web chat, separately so that a host app may keep
its own `/`. The app also works as a sub-app under a prefix (then the Bot API base
URL includes the prefix).

With `state_path`, the Telegram side (users, chats, messages, files, bots) is
loaded from that file at start and saved to it after changes (autosave.py).
"""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Iterable

from aiohttp import web

from playground.telegram.autosave import AutoSaver, setup_autosave
from playground.telegram.botapi import BotApi
from playground.telegram.control import ControlApi
from playground.telegram.limits import Clock, Limits
from playground.telegram.state import DEFAULT_BOT_USERNAME, TelegramServer
from playground.telegram.statefile import StateFile
from playground.telegram.web import setup_webchat
from playground.telegram.webhook import WebhookDelivery

SERVER_KEY = web.AppKey("playground_telegram_server", TelegramServer)


def setup_telegram(app: web.Application, server: TelegramServer) -> TelegramServer:
    """Add the Bot API, file and control routes of `server` to `app`."""
    bot_api = BotApi(server)
    control = ControlApi(server)
    delivery = WebhookDelivery(server, bot_api.execute_reply)
    server.on_webhook_change = delivery.changed

    app.router.add_route("GET", "/bot{token}/{method}", bot_api.handle)
    app.router.add_route("POST", "/bot{token}/{method}", bot_api.handle)
    app.router.add_get("/file/bot{token}/{path:.+}", bot_api.download)
    for method, path, handler in control.routes():
        app.router.add_route(method, path, handler)

    async def on_startup(_: web.Application) -> None:
        # Webhooks restored from a state file deliver again without a new setWebhook.
        for bot in server.bots.values():
            if bot.webhook is not None:
                delivery.changed(bot)

    async def on_shutdown(_: web.Application) -> None:
        # Long polls and sockets would hold the server's graceful stop for a minute.
        server.close()
        await control.close_sockets()

    async def on_cleanup(_: web.Application) -> None:
        await delivery.stop()
        await server.aclose()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    app[SERVER_KEY] = server
    return server


def create_telegram_app(
    *,
    tokens: Iterable[str] | None = None,
    clock: Clock = time.monotonic,
    limits: Limits | None = None,
    bot_username: str = DEFAULT_BOT_USERNAME,
    state_path: Path | None = None,
    save_interval: float = 1.0,
) -> web.Application:
    """A standalone Bot API server app with the web chat at `/`; its state is
    `app[SERVER_KEY]`.

    Without `state_path` everything lives in memory. With it, the saved state is
    loaded now (a bad file is moved aside and the server starts empty) and saved
    at most every `save_interval` seconds after changes, and at shutdown.
    """
    limits = limits or Limits()
    # Multipart uploads are read with their own limit; this covers JSON and forms.
    app = web.Application(client_max_size=4 * 1024 * 1024)

    def make_server() -> TelegramServer:
        return TelegramServer(tokens=tokens, clock=clock, limits=limits, bot_username=bot_username)

    if state_path is None:
        setup_telegram(app, make_server())
    else:
        state_file = StateFile(state_path)
        server = setup_telegram(app, state_file.load(make_server))
        setup_autosave(app, AutoSaver(server, state_file, interval=save_interval))
    setup_webchat(app)
    return app


@asynccontextmanager
async def serve(app: web.Application, host: str = "127.0.0.1", port: int = 0,
                *, shutdown_timeout: float = 2.0) -> AsyncIterator[str]:
    """Run `app` until the block ends; yields its base URL (port 0 picks a free one)."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()


def run_telegram_server(host: str = "127.0.0.1", port: int = 8081, **options: object) -> None:
    """Serve the fake Bot API until interrupted (blocking)."""
    app = create_telegram_app(**options)  # type: ignore[arg-type]
    web.run_app(app, host=host, port=port,
                print=lambda _: print(f"Telegram playground (web chat) on http://{host}:{port}/"))
