"""The playground's Bot API server in a process of its own, for bench/flash_sale.py.

Its own process so that the customers' driver and the server do not share one
event loop: on 2 cores a shared loop would add the driver's work to every
delivery and every Bot API call of the bot under test.

    python bench/_flash_sale_playground.py [--limits JSON]

Prints ``URL http://127.0.0.1:PORT`` once it listens, then serves until SIGTERM or
SIGINT. Besides the playground's own routes it answers ``GET /bench/deliveries``:
``{update_id: wall time the webhook POST started}``, so the benchmark can split
latency into "waiting in the playground's queue" and "inside the bot".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web  # noqa: E402

from playground.telegram import SERVER_KEY, Limits, create_telegram_app, serve  # noqa: E402


def record_deliveries(app: web.Application, into: dict[int, float]) -> None:
    """Timestamp every webhook POST as it starts.

    The playground has no public hook for this; its delivery object is the owner
    of ``server.on_webhook_change`` (a bound method), and ``_deliver`` is the one
    coroutine each delivery goes through. Wrapping it here keeps the playground
    itself untouched; if that private name changes, this fails loudly at start.
    """
    server = app[SERVER_KEY]
    delivery: Any = getattr(server.on_webhook_change, "__self__", None)
    original = getattr(delivery, "_deliver", None)
    if original is None:
        raise RuntimeError("playground webhook delivery changed: update bench/_flash_sale_playground.py")

    async def timed(bot: Any, config: Any, update: Any) -> None:
        # First attempt only: a retry would hide the first delivery's time.
        into.setdefault(update.update_id, time.time())
        await original(bot, config, update)

    delivery._deliver = timed


async def main(limits: Limits, host: str) -> None:
    app = create_telegram_app(limits=limits)
    delivered: dict[int, float] = {}
    record_deliveries(app, delivered)

    async def deliveries(_request: web.Request) -> web.Response:
        return web.json_response({str(k): v for k, v in delivered.items()})

    app.router.add_get("/bench/deliveries", deliveries)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serve(app, host, 0) as url:
        print(f"URL {url}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limits", default="{}", help="Limits fields to change, as a JSON object")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    asyncio.run(main(Limits().updated(json.loads(args.limits)), args.host))
