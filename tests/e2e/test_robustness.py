"""Forged buttons, lost context, restarts, big halls, other languages, floods."""

from __future__ import annotations

import os

from redis.asyncio import Redis
from sqlalchemy import select

from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.models import HallRow, ShowtimeRow
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import buttons, free_seat_buttons, open_seat_map, press, reserve_one_seat, start, tap_seat
from tests.services import connect_test_redis

# Apart from the hold-store tests (db 15); overridable for parallel runs.
E2E_REDIS_URL = os.environ.get("CINEBOOKER_TEST_E2E_REDIS_URL", "redis://127.0.0.1:6379/13")
CALLBACK_BYTES = 64
MAX_ROW = 8
MAX_BUTTONS = 100


def intent_of(message: dict) -> str:
    return buttons(message)[0]["callback_data"].split("\x1d")[0]


async def _problems(client) -> dict:
    summary = await client.calls_summary()
    return {k: v for k, v in summary["outcomes"].items() if k != "ok"}


async def _palast_showtime(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            return await session.scalar(
                select(ShowtimeRow.id)
                .join(HallRow, HallRow.id == ShowtimeRow.hall_id)
                .where(HallRow.ref == "palast")
                .order_by(ShowtimeRow.starts_at.desc())
                .limit(1)
            )
    finally:
        await engine.dispose()


async def test_forged_callbacks_are_refused_and_change_nothing(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)) as runtime:
        ann = await client.create_user("Ann", language_code="en")
        chat = ann["id"]
        current = await open_seat_map(client, ann)
        intent = intent_of(current)
        msg_id = current["message_id"]
        cases = {
            f"{intent}\x1ds:Z-99": "cannot be booked",  # no such seat in this hall
            f"{intent}\x1ds:../../x": "not valid",  # not a seat code at all
            f"{intent}\x1db:99": "not valid",  # "best 99 seats"
            f"{intent}\x1dk:A-1": None,  # a widget of another window: ignored, answered
        }
        for data, expected in cases.items():
            answer = await client.click(chat, msg_id, data, user_id=chat, forge=True)
            assert answer["answered"], data
            if expected:
                assert expected in (answer["text"] or ""), (data, answer)
        # An intent that never existed (an old bot, a forged id): a fresh menu.
        stale = await client.click(chat, msg_id, "Zz9Zz9\x1ds:A-1", user_id=chat, forge=True)
        assert stale["answered"]
        await client.wait_for_text(chat, "out of date")
        # No seat of any showtime was held by the forged presses.
        seats = runtime.notifier.services.seats
        for showtime_id in range(1, 200):
            assert (await seats.selection(showtime_id, f"tg{chat}")).seats == ()


async def test_someone_elses_booking_cannot_be_seen_or_cancelled(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        bob = await client.create_user("Bob", language_code="en")
        await reserve_one_seat(client, ann)
        await client.send_text(bob["id"], "/mybookings", user_id=bob["id"])
        mine = await client.wait_for_text(bob["id"], "upcoming bookings")
        intent = mine["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split("\x1d")[0]
        await client.click(bob["id"], mine["message_id"], f"{intent}\x1dku:1", user_id=bob["id"], forge=True)
        detail = await client.wait_for_text(bob["id"], "cannot be found")
        assert not any("Cancel booking" in b["text"] for b in buttons(detail))
        await client.send_text(ann["id"], "/mybookings", user_id=ann["id"])
        own = await client.wait_for_text(ann["id"], "upcoming bookings")
        assert any("#1" in b["text"] and "awaiting payment" in b["text"] for b in buttons(own))


async def test_restart_with_memory_storage_leads_to_a_fresh_menu(playground, cinema_db):
    url, client, _ = playground
    settings = settings_for(cinema_db, url)
    async with running_bot(settings):
        ann = await client.create_user("Ann", language_code="en")
        current = await open_seat_map(client, ann)
    async with running_bot(settings):
        answer = await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        assert answer["answered"]
        await client.wait_for_text(ann["id"], "out of date")


async def test_restart_with_redis_carries_the_conversation_on(playground, cinema_db):
    redis = await connect_test_redis()  # skips (or fails in CI) without Redis
    await redis.aclose()
    cleaner = Redis.from_url(E2E_REDIS_URL)
    await cleaner.flushdb()
    await cleaner.aclose()
    url, client, _ = playground
    settings = settings_for(cinema_db, url, redis_url=E2E_REDIS_URL)
    async with running_bot(settings):
        ann = await client.create_user("Ann", language_code="en")
        current = await open_seat_map(client, ann)
    async with running_bot(settings):  # a new process: nothing kept in memory
        answer = await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        assert "is yours for now" in answer["text"]
        await client.wait_for_text(ann["id"], "Your seats:")


async def test_the_large_hall_stays_within_telegram_limits(playground, cinema_db):
    url, client, _ = playground
    showtime_id = await _palast_showtime(cinema_db)
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await client.send_text(ann["id"], f"/start show_{showtime_id}", user_id=ann["id"])
        current = await client.wait_for_text(ann["id"], "Rows")

        def view_line(message: dict) -> str:
            return (message.get("caption") or message.get("text") or "").splitlines()[1]

        async def move(label: str) -> bool:
            nonlocal current
            if label not in [b["text"] for b in buttons(current)]:
                return False
            before = view_line(current)
            await press(client, ann, label)
            current = await client.wait_for_message(
                ann["id"], lambda m: m["outgoing"] and "Rows" in (m.get("caption") or "") and view_line(m) != before
            )
            return True

        def check(message: dict) -> None:
            keyboard = message["reply_markup"]["inline_keyboard"]
            assert all(len(row) <= MAX_ROW for row in keyboard)
            assert sum(len(row) for row in keyboard) <= MAX_BUTTONS
            assert all(len(b["callback_data"].encode()) <= CALLBACK_BYTES for row in keyboard for b in row)

        # To the front-left corner, then band by band, snaking left and right.
        while await move("▲ Front") or await move("◀ Left"):
            pass
        seen = {view_line(current)}
        check(current)
        direction = "Right ▶"
        while True:
            while await move(direction):
                seen.add(view_line(current))
                check(current)
            if not await move("▼ Back"):
                break
            seen.add(view_line(current))
            check(current)
            direction = "◀ Left" if direction == "Right ▶" else "Right ▶"
        assert len(seen) == 6, seen  # 330 seats: 3 blocks x 2 bands
        assert await _problems(client) == {}


async def test_russian_texts_and_callbacks_fit(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ivan = await client.create_user("Иван", language_code="ru")
        current = await open_seat_map(client, ivan, en=False)
        assert "Ряды" in (current.get("caption") or current["text"])
        answer = await tap_seat(client, ivan, current, free_seat_buttons(current)[0])
        assert "пока ваше" in answer["text"]
        for message in await client.transcript(ivan["id"]):
            for b in buttons(message):
                assert len(b["callback_data"].encode()) <= CALLBACK_BYTES
        assert await _problems(client) == {}


async def test_a_flood_of_clicks_is_throttled_but_every_click_answered(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url, throttle_burst=5, throttle_rate=1)):
        ann = await client.create_user("Ann", language_code="en")
        menu = await start(client, ann)
        data = buttons(menu)[-1]["callback_data"]  # Help: harmless to repeat
        answers = [await client.click(ann["id"], menu["message_id"], data, user_id=ann["id"]) for _ in range(12)]
        assert all(a["answered"] for a in answers)
        assert any(a["text"] == "Slow down a little, please." for a in answers)
