"""The `cinebooker` command line.

Bad input (a broken catalog file, a bad setting) ends with a one-line error that
names the field and the fix, exit status 2, and changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Callable, NoReturn

from pydantic import ValidationError

from bot.settings import Settings

EXIT_BAD_INPUT = 2
ROOT = Path(__file__).resolve().parent.parent


def fail(message: str) -> NoReturn:
    print(f"cinebooker: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def fail_all(messages: list[str]) -> None:
    """Each problem on its own line, then exit 2; nothing when there is none."""
    if not messages:
        return
    for message in messages:
        print(f"cinebooker: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "_".join(str(p) for p in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        fail(f"setting CINEBOOKER_{field}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cinebooker", description="Cinema tickets inside Telegram")
    sub = parser.add_subparsers(dest="command", required=True)
    playground = sub.add_parser("playground", help="everything in one process on the embedded default")
    playground.add_argument("--host", default="127.0.0.1")
    playground.add_argument("--port", type=int, default=8080)
    sub.add_parser("polling", help="the bot with long polling")
    serve = sub.add_parser("serve", help="the aiohttp server: webhooks, health, metrics")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8080)
    worker = sub.add_parser("worker", help="Dramatiq workers")
    worker.add_argument("--processes", type=int, default=1)
    worker.add_argument("--threads", type=int, default=4)
    sub.add_parser("migrate", help="alembic upgrade head")
    catalog = sub.add_parser("catalog", help="load or dump the cinema's catalog (YAML)")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    catalog_import = catalog_sub.add_parser("import", help="load movies, halls, showtimes, prices, promo codes")
    catalog_import.add_argument("file", type=Path)
    catalog_export = catalog_sub.add_parser("export", help="dump the catalog (to stdout without FILE)")
    catalog_export.add_argument("file", type=Path, nargs="?")
    payments = sub.add_parser("payments", help="payment housekeeping")
    payments_sub = payments.add_subparsers(dest="payments_command", required=True)
    reconcile = payments_sub.add_parser(
        "reconcile", help="settle what webhooks missed: lapsed bookings, lost payments, owed refunds"
    )
    reconcile.add_argument("--days", type=int, default=7, help="how far back to look at payments")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = load_settings()
    from bot.logging import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    handlers: dict[str, Callable[[argparse.Namespace, Settings], None]] = {
        "migrate": _migrate,
        "payments": _payments,
        "catalog": _catalog,
        "playground": _playground,
        "polling": _polling,
        "serve": _serve,
        "worker": _worker,
    }
    handlers[args.command](args, settings)


def ready(settings: Settings) -> Settings:
    """Wait for the database (and Redis), then take the cinema's zone and currency from
    the catalog stored there, their one home. One line (a line each) and exit 2 on failure."""
    from bot.cinema import CinemaContradicted, resolved
    from bot.startup import StartupFailed, wait_for_services

    async def check() -> Settings:
        await wait_for_services(settings)
        return await resolved(settings)

    try:
        return asyncio.run(check())
    except CinemaContradicted as exc:
        fail_all(exc.lines)  # never empty, so it exits
        raise
    except StartupFailed as exc:
        fail(str(exc))


def _polling(_args: argparse.Namespace, settings: Settings) -> None:
    from bot.preflight import public_default_problems

    fail_all(public_default_problems(settings))
    settings = ready(settings)
    from bot.container import build_container
    from bot.startup import StartupFailed
    from bot.telegram import run_polling
    from bot.worker import BackgroundJobs, WorkerApp

    async def run() -> None:
        jobs = BackgroundJobs(WorkerApp(settings))
        await jobs.start()
        try:
            await run_polling(build_container(settings, jobs=jobs.app.queue))
        finally:
            await jobs.stop()

    try:
        asyncio.run(run())
    except StartupFailed as exc:
        fail(str(exc))


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    from bot.preflight import provider_problems, public_default_problems, webhook_secret_problems

    fail_all(webhook_secret_problems(settings) + public_default_problems(settings) + provider_problems(settings))
    settings = ready(settings)
    from aiohttp import web

    from bot.container import build_container
    from bot.server import build_app
    from bot.startup import StartupFailed
    from bot.worker import BackgroundJobs, WorkerApp

    jobs = BackgroundJobs(WorkerApp(settings))
    app = build_app(build_container(settings, jobs=jobs.app.queue))

    async def start_jobs(_app: web.Application) -> None:
        await jobs.start()

    async def stop_jobs(_app: web.Application) -> None:
        await jobs.stop()

    # The worker starts once Telegram has answered (a failed start leaves no thread
    # behind to keep the process alive) and stops before the container closes.
    app.on_startup.append(start_jobs)
    app.on_cleanup.insert(0, stop_jobs)
    try:
        # SERVE_REUSE_PORT: several processes may listen on this port (SO_REUSEPORT).
        web.run_app(app, host=args.host, port=args.port, print=None, reuse_port=settings.serve_reuse_port or None)
    except StartupFailed as exc:
        fail(str(exc))
    except OSError as exc:  # the port is taken, say
        fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")


def _worker(args: argparse.Namespace, settings: Settings) -> None:
    from bot.worker import run_worker

    if not settings.redis_url:
        fail(
            "CINEBOOKER_REDIS_URL is not set: `cinebooker worker` consumes the Redis queue; "
            "on the embedded default the bot runs its worker in its own process"
        )
    if args.processes < 1 or args.threads < 1:
        fail("--processes and --threads must be at least 1")
    from bot.preflight import public_default_problems

    fail_all(public_default_problems(settings))
    run_worker(ready(settings), args.processes, args.threads)


def _payments(args: argparse.Namespace, settings: Settings) -> None:
    from bot.commands import reconcile_payments

    asyncio.run(reconcile_payments(settings, args.days))


def _migrate(_args: argparse.Namespace, settings: Settings) -> None:
    from bot.migrations import upgrade

    upgrade(settings.database_url)
    print("database is at the latest schema")


def _catalog(args: argparse.Namespace, settings: Settings) -> None:
    from bot.commands import export_catalog, import_catalog

    if args.catalog_command == "import":
        asyncio.run(import_catalog(settings, args.file))
    else:
        asyncio.run(export_catalog(settings, args.file))


def _playground(args: argparse.Namespace, settings: Settings) -> None:
    from bot.playground import run_playground
    from bot.startup import StartupFailed

    try:
        asyncio.run(run_playground(settings, args.host, args.port))
    except StartupFailed as exc:
        fail(str(exc))
    except OSError as exc:  # a port is taken, say
        fail(f"cannot start the playground on {args.host}:{args.port}-{args.port + 1}: {exc.strerror or exc}")


if __name__ == "__main__":
    main()
