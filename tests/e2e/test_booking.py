"""A customer books in the chat: real bot, real HTTP, the playground's Bot API."""

from __future__ import annotations

from domain.booking import BookingStatus
from domain.hall import seat_name
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.uow import SqlUnitOfWorkFactory
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import (
    buttons,
    enter_promo,
    free_seat_buttons,
    open_seat_map,
    open_summary,
    open_ticket_types,
    press,
    reserve_one_seat,
    seat_button,
    seat_code,
    seat_map,
    tap_seat,
)


async def _bookings(db_url: str, customer_id: int):
    engine = create_engine(db_url)
    try:
        async with SqlUnitOfWorkFactory(session_factory(engine))() as uow:
            return await uow.bookings.for_customer(customer_id)
    finally:
        await engine.dispose()


async def test_three_seats_student_ticket_and_promo_code_up_to_payment(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        chat = ann["id"]
        await open_seat_map(client, ann)
        answer = await press(client, ann, "⭐3")
        assert "Best seats held for you" in answer["text"]
        current = await client.wait_for_text(chat, "Your seats:")
        held = current["text"] if current.get("text") else current["caption"]
        assert "held for" in held
        await press(client, ann, "Continue ➡", wait_for="Total:")
        # Ticket types are an optional step on the summary.
        tickets = await open_ticket_types(client, ann)
        # adult -> child -> student
        first_seat = buttons(tickets)[0]
        for _ in range(2):
            await client.click(chat, tickets["message_id"], first_seat["callback_data"], user_id=chat)
        await client.wait_for_message(chat, lambda m: any("Student" in b["text"] for b in buttons(m)))
        await press(client, ann, "✅ Done", wait_for="Total:")
        await enter_promo(client, ann, "winter15")
        summary = await client.wait_for_text(chat, "Promo code WINTER15")
        assert "Total:" in summary["text"] and "Student" in summary["text"]
        assert "VAT" in summary["text"] and "held for you until" in summary["text"]
        await press(client, ann, "💳 Pay by card")
        reserved = await client.wait_for_text(chat, "Booking #1 — awaiting payment")
        assert "To pay:" in reserved["text"]
    [booking] = await _bookings(cinema_db, chat)
    assert booking.status is BookingStatus.AWAITING_PAYMENT
    assert len(booking.seats) == 3 and booking.promo_code == "WINTER15"
    assert sorted(s.ticket_type for s in booking.seats) == ["adult", "adult", "student"]
    assert booking.discount.amount > 0


async def test_a_bad_promo_code_is_refused_with_its_reason(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        bob = await client.create_user("Bob", language_code="en")
        chat = bob["id"]
        await open_summary(client, bob)
        await enter_promo(client, bob, "NOSUCHCODE")
        # Refused with its reason, and the prompt stays open for another try.
        refused = await client.wait_for_text(chat, "We do not know this promo code.")
        prompt = await client.wait_for_text(chat, "promo code as a message")
        assert prompt["message_id"] > refused["message_id"]
        transcript = await client.transcript(chat)
        assert not any("Total:" in (m.get("text") or "") for m in transcript if m["message_id"] > refused["message_id"])
        await client.send_text(chat, "x" * 4096, user_id=chat)  # the longest text a client sends changes nothing
        await client.send_text(chat, "/start", user_id=chat)
        await client.wait_for_text(chat, "Hello, Bob")
    assert await _bookings(cinema_db, chat) == []


async def test_two_customers_race_for_one_seat(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        bob = await client.create_user("Bob", language_code="en")
        ann_map = await open_seat_map(client, ann)
        bob_map = await open_seat_map(client, bob)
        target = free_seat_buttons(ann_map)[0]
        code = seat_code(target)
        same = seat_button(bob_map, code)
        assert same is not None and same["text"] == target["text"]
        first = await tap_seat(client, ann, ann_map, target)
        second = await tap_seat(client, bob, bob_map, same)
        assert "is yours for now" in first["text"]
        assert second["text"] == f"Seat {seat_name(code)} is taken. Please pick another one; the map is updated."
        # Bob's map was refreshed: the seat now shows as held by someone else.
        refreshed = await client.wait_for_message(
            bob["id"], lambda m: m["outgoing"] and (seat_button(m, code) or {}).get("text", "").startswith("⏳")
        )
        assert seat_button(refreshed, code) not in free_seat_buttons(refreshed)


async def test_the_chat_is_told_when_the_hold_runs_out(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url), hold_minutes=0.05):
        ann = await client.create_user("Ann", language_code="en")
        current = await open_seat_map(client, ann)
        await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        await client.wait_for_text(ann["id"], "Your seats:")
        notice = await client.wait_for_text(ann["id"], "hold ran out", timeout=10)
        assert notice["outgoing"]
        refreshed = await seat_map(client, ann, "Tap seats to hold them")
        assert not any(b["text"] == "✅" for b in buttons(refreshed))


async def test_language_switch_and_cancelling_from_my_bookings(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        chat = ann["id"]
        await reserve_one_seat(client, ann)
        await client.send_text(chat, "/language", user_id=chat)
        await client.wait_for_text(chat, "Choose your language")
        changed = await press(client, ann, "Русский", wait_for="Здравствуйте, Ann")
        assert changed["text"] == "Язык изменён."
        await press(client, ann, "🎟 Мои брони", wait_for="предстоящие брони")
        mine = await client.wait_for_text(chat, "предстоящие брони")
        booking_button = next(b for b in buttons(mine) if "ждёт оплаты" in b["text"])
        await client.click(chat, mine["message_id"], booking_button["callback_data"], user_id=chat)
        await client.wait_for_text(chat, "Бронь №")
        # The question names the booking, and that nothing was paid.
        await press(client, ann, "❌ Отменить бронь", wait_for="Отменить бронь №1 (")
        asked = await client.wait_for_text(chat, "Отменить бронь №1 (")
        assert "Ничего не оплачено" in asked["text"]
        answer = await press(client, ann, "Да, отменить")
        assert answer["text"] == "Бронь отменена."
        await client.wait_for_text(chat, "отменена")
    [booking] = await _bookings(cinema_db, chat)
    assert booking.status is BookingStatus.CANCELLED


async def test_an_unpaid_booking_expires_and_the_customer_is_told(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url), payment_minutes=0.05):
        ann = await client.create_user("Ann", language_code="en")
        await reserve_one_seat(client, ann)
        await client.wait_for_text(ann["id"], "was not paid in time and has expired", timeout=10)
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.EXPIRED
