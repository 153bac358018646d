"""`cinebooker worker` as operators run it: two processes on the Redis queue,
one scheduler lease between them, jobs from another process done, a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from bot.container import build_container
from bot.worker import WorkerApp
from domain.booking import BookingStatus
from domain.customer import Customer
from domain.services.checkout import CheckoutService
from domain.services.seats import SeatService
from infrastructure.db.models import BookingRow
from playground.client import PlaygroundClient
from playground.telegram.app import create_telegram_app, serve
from tests.e2e.conftest import TOKEN, settings_for
from tests.integration.seed import seed_cinema, tomorrow
from tests.services import REDIS_URL, connect_test_redis

ROOT = Path(__file__).resolve().parents[2]


def _env(settings, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CINEBOOKER_")}
    env.update(
        PYTHONPATH=str(ROOT),
        CINEBOOKER_DATABASE_URL=settings.database_url,
        CINEBOOKER_REDIS_URL=settings.redis_url,
        CINEBOOKER_TELEGRAM_API_URL=settings.telegram_api_url,
        # Stand-ins for the providers too: the worker refuses public credentials next to real ones.
        CINEBOOKER_STRIPE_API_URL=settings.telegram_api_url,
        CINEBOOKER_PAYPAL_API_URL=settings.telegram_api_url,
        CINEBOOKER_BOT_TOKEN=settings.bot_token.get_secret_value(),
        CINEBOOKER_STORAGE_URL=settings.storage_url,
        CINEBOOKER_LOG_LEVEL="INFO",
    )
    return env


async def test_two_worker_processes_share_the_queue_and_one_scheduler(sqlite_url, tmp_path):
    redis = await connect_test_redis(decode_responses=True)
    async with serve(create_telegram_app()) as api_url, PlaygroundClient(api_url) as chat:
        settings = settings_for(sqlite_url, api_url, redis_url=REDIS_URL, storage_url=f"file://{tmp_path / 'files'}")
        await chat.register_bot(TOKEN)
        ann = await chat.create_user("Ann")
        bob = await chat.create_user("Bob")
        for user in (ann, bob):
            await chat.send_text(user["id"], "/start")

        jobs = WorkerApp(settings)  # this process queues, like a bot replica
        container = build_container(settings, jobs=jobs.queue)
        deps = container.deps
        cinema = await seed_cinema(deps.uow, starts_at=tomorrow())
        # Bob's booking is already overdue: the scheduler's first expiry run ends it.
        await SeatService(deps).hold(cinema.show.id, ["B-2"], "tgbob")
        overdue = await CheckoutService(deps).checkout(cinema.show.id, "tgbob", Customer(bob["id"], "Bob"))
        async with deps.uow() as uow:
            await uow.session.execute(  # type: ignore[attr-defined]
                update(BookingRow).where(BookingRow.id == overdue.id).values(expires_at=overdue.created_at - timedelta(minutes=1))
            )
            await uow.commit()

        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker", "--processes", "2", "--threads", "1"],
            env=_env(settings, tmp_path),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            await chat.wait_for_text(bob["id"], "has expired", timeout=30)
            assert (await container.bookings.get(overdue.id)).status is BookingStatus.EXPIRED

            # A paid booking from "the bot": its invoice comes from a worker process.
            await SeatService(deps).hold(cinema.show.id, ["C-3"], "tgann")
            booking = await CheckoutService(deps).checkout(cinema.show.id, "tgann", Customer(ann["id"], "Ann"))
            await container.bookings.confirm_payment(booking.id, "stripe", "pi_9", booking.total.amount, "EUR")
            message = await chat.wait_for_message(ann["id"], lambda m: m.get("document"), timeout=30)
            assert message["document"]["file_name"].startswith("CB-")

            holders = await redis.get("cinebooker:scheduler:lease")
            assert holders is not None  # one lease, one holder
            await asyncio.sleep(1.5)  # both schedulers ticked: the expiry message came once
            expired_texts = [m for m in await chat.transcript(bob["id"]) if "has expired" in (m.get("text") or "")]
            assert len(expired_texts) == 1
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = await asyncio.to_thread(proc.communicate, timeout=60)
            await container.close()
            await asyncio.to_thread(jobs.broker.close)
            await redis.aclose()
        assert proc.returncode == 0, output
        assert "worker started" in output
