"""HTTP routes of `cinebooker serve` that are not Telegram's: health and metrics.
They take no input and say nothing secret (restrict them at the proxy anyway)."""

from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

HealthCheck = Callable[[], Awaitable[dict[str, str]]]


def health_routes(app: web.Application, check: HealthCheck, metrics: Callable[[], str]) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        # Alive and serving: a database outage must not get a healthy process restarted.
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        results = await check()
        ok = all(v == "ok" for v in results.values())
        return web.json_response({"status": "ok" if ok else "unavailable", **results}, status=200 if ok else 503)

    async def metrics_route(_request: web.Request) -> web.Response:
        return web.Response(text=metrics(), content_type="text/plain", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_route)


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None past `limit` bytes. A single content.read(n) may stop
    at a network chunk and hand back part of the body."""
    if (request.content_length or 0) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
