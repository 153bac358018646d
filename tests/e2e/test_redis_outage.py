"""Redis goes away in mid-conversation: the customer is told, in their language, that
booking is briefly unavailable; when Redis is back the bot carries on by itself; no
seat is sold twice meanwhile. A Redis server of the test's own is stopped and started
again on the same port."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from infrastructure.db.engine import create_engine
from infrastructure.db.models import BookingSeatRow
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import free_seat_buttons, open_seat_map, reserve_one_seat, tap_seat
from tests.e2e.processes import free_port
from tests.services import require_or_skip


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_or_skip("redis-server", "the redis-server program is not on PATH")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
async def redis_server():
    server = RedisServer(free_port())
    await server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_redis_away_in_mid_conversation_then_back(playground, cinema_db, redis_server):
    url, client, _ = playground
    settings = settings_for(cinema_db, url, redis_url=f"redis://127.0.0.1:{redis_server.port}/0")
    async with running_bot(settings):
        ann = await client.create_user("Аня", language_code="ru")
        current = await open_seat_map(client, ann, en=False)
        redis_server.stop()
        # A seat tap while Redis is gone: answered, in Russian, nothing held.
        answer = await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        assert answer["answered"] and "Бронирование ненадолго недоступно" in (answer["text"] or ""), answer
        assert answer["show_alert"]
        # A typed command too.
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Бронирование ненадолго недоступно", timeout=10)
        await redis_server.start()  # back, empty (it kept nothing on disk)
        # The bot recovers by itself: the same customer books, and so does another.
        bob = await client.create_user("Bob", language_code="en")
        await reserve_one_seat(client, bob)
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Здравствуйте", timeout=10)
    engine = create_engine(cinema_db)
    async with engine.connect() as conn:
        counts = (await conn.execute(
            select(BookingSeatRow.showtime_id, BookingSeatRow.seat_code, func.count())
            .where(BookingSeatRow.active.is_(True))
            .group_by(BookingSeatRow.showtime_id, BookingSeatRow.seat_code)
        )).all()
    await engine.dispose()
    assert counts and all(n == 1 for *_, n in counts)  # no seat sold twice
