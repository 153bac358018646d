"""The private booking flow done right (issue #11, items 3, 4, 5 and 7), through the
real bot on the playground: leaving says what it did, a sold seat and a taken one
read alike, a couch is held whole, the summary adds up, a wrong promo code keeps
the prompt open, /reminders and /help say what they do."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.telegram import COMMANDS
from domain.booking import BookingStatus
from domain.hall import SeatKind, seat_name
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.uow import SqlUnitOfWorkFactory
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import (
    buttons,
    free_seat_buttons,
    open_seat_map,
    press,
    press_first,
    seat_map,
    start,
    tap_seat,
)
from tests.e2e.test_booking import _bookings

# No provider credentials: the summary offers "Book and pay" (paid at the desk).
NO_PROVIDERS = {"stripe_secret_key": "", "paypal_client_id": "", "paypal_client_secret": ""}
SEATS_RELEASED = re.compile(r"Seats (.+) \(.+\) are released and on sale again\.")


async def _uow(db_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(db_url)
    return engine, SqlUnitOfWorkFactory(session_factory(engine))


async def _customer_reminders(db_url: str, customer_id: int) -> bool:
    engine, uow_factory = await _uow(db_url)
    try:
        async with uow_factory() as uow:
            customer = await uow.customers.get(customer_id)
        assert customer is not None
        return customer.reminders
    finally:
        await engine.dispose()


def _euros(text: str) -> list[Decimal]:
    return [Decimal(m) for m in re.findall(r"€(\d+\.\d\d)", text)]


async def test_cancel_releases_the_held_seats_and_names_them(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        bob = await client.create_user("Bob", language_code="en")
        await open_seat_map(client, ann)
        answer = await press(client, ann, "⭐2")
        held = re.search(r"held for you: (.+)\.", answer["text"]).group(1).split(", ")
        await client.send_text(ann["id"], "/cancel", user_id=ann["id"])
        said = await client.wait_for_text(ann["id"], "are released")
        assert SEATS_RELEASED.search(said["text"]).group(1).split(", ") == held
        # Released for real: Bob sees them free.
        bobs = await open_seat_map(client, bob)
        names = {seat_name(_code(b)) for b in free_seat_buttons(bobs)}
        assert set(held) <= names
        # Nothing held: /cancel says only that it stopped.
        await client.send_text(ann["id"], "/cancel", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "You held no seats")


async def test_cancel_asks_before_cancelling_an_unpaid_booking(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url, **NO_PROVIDERS)):
        ann = await client.create_user("Ann", language_code="en")
        current = await open_seat_map(client, ann)
        await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        await client.wait_for_text(ann["id"], "Your seats:")
        await press(client, ann, "Continue ➡", wait_for="Total:")
        await press(client, ann, "✅ Book and pay")  # no payment provider in this bot
        card = await client.wait_for_text(ann["id"], "To pay:")
        # The card itself offers cancelling (asked first) and the way back to the menu.
        assert {"❌ Cancel booking", "🏠 Menu"} <= {b["text"] for b in buttons(card)}
        await press(client, ann, "❌ Cancel booking", wait_for="Cancel booking #1")
        await press(client, ann, "No", wait_for="Booking #1 — awaiting payment")
        await client.send_text(ann["id"], "/cancel", user_id=ann["id"])
        question = await client.wait_for_text(ann["id"], "Cancel booking #1")
        assert "Nothing has been paid" in question["text"]
        [booking] = await _bookings(cinema_db, ann["id"])
        assert booking.status is BookingStatus.AWAITING_PAYMENT  # asked, not done
        await press(client, ann, "No", wait_for="Booking #1 — awaiting payment")
        [booking] = await _bookings(cinema_db, ann["id"])
        assert booking.status is BookingStatus.AWAITING_PAYMENT
        await client.send_text(ann["id"], "/cancel", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "Cancel booking #1")
        await press(client, ann, "Yes, cancel", wait_for="Booking #1 — cancelled")
    [booking] = await _bookings(cinema_db, ann["id"])
    assert booking.status is BookingStatus.CANCELLED


async def test_leaving_through_language_or_another_showtime_releases_holds(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        current = await open_seat_map(client, ann)
        first = seat_name(_code(free_seat_buttons(current)[0]))
        await tap_seat(client, ann, current, free_seat_buttons(current)[0])
        await client.wait_for_text(ann["id"], "Your seats:")
        # Another showtime: the seats of the first go back on sale, and the answer says so.
        await press(client, ann, "⬅ Back")
        movie = await client.wait_for_text(ann["id"], "min ·")
        later = next(b for b in buttons(movie) if b["text"].startswith("📅 "))
        await client.click(ann["id"], movie["message_id"], later["callback_data"], user_id=ann["id"])
        shows = await client.wait_for_text(ann["id"], "Showtimes on")
        answer = await press_first(client, ann, shows)
        assert SEATS_RELEASED.search(answer["text"]).group(1) == first
        # /help is not a leaving: the seat map above still works, and help says the seats are held.
        second = await seat_map(client, ann)
        await tap_seat(client, ann, second, free_seat_buttons(second)[0])
        await client.wait_for_text(ann["id"], "Your seats:")
        await client.send_text(ann["id"], "/help", user_id=ann["id"])
        kept = await client.wait_for_text(ann["id"], "You still hold seats")
        assert seat_name(_code(free_seat_buttons(second)[0])) in kept["text"]
        # /language leaves the flow.
        await client.send_text(ann["id"], "/language", user_id=ann["id"])
        await client.wait_for_text(ann["id"], "are released")
        await client.wait_for_text(ann["id"], "Choose your language")


async def test_a_sold_seat_and_a_seat_just_taken_answer_alike(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url, **NO_PROVIDERS)):
        ann = await client.create_user("Ann", language_code="en")
        bob = await client.create_user("Bob", language_code="en")
        ann_map = await open_seat_map(client, ann)
        sold = free_seat_buttons(ann_map)[0]
        await tap_seat(client, ann, ann_map, sold)
        await client.wait_for_text(ann["id"], "Your seats:")
        await press(client, ann, "Continue ➡", wait_for="Total:")
        await press(client, ann, "✅ Book and pay", wait_for="To pay:")
        bob_map = await open_seat_map(client, bob)
        # Sold before Bob looked: drawn as taken, and still answers when pressed.
        sold_button = next(b for b in buttons(bob_map) if _code(b) == _code(sold))
        assert sold_button["text"] != sold["text"]
        sold_answer = await tap_seat(client, bob, bob_map, sold_button)
        # Taken a second after Bob's map was drawn.
        carol = await client.create_user("Carol", language_code="en")
        carol_map = await open_seat_map(client, carol)
        taken = free_seat_buttons(bob_map)[0]
        await tap_seat(client, carol, carol_map, next(b for b in buttons(carol_map) if _code(b) == _code(taken)))
        await client.wait_for_text(carol["id"], "Your seats:")
        taken_answer = await tap_seat(client, bob, bob_map, taken)
        pattern = re.compile(r"^Seat \w+ is taken\. Please pick another one; the map is updated\.$")
        assert pattern.match(sold_answer["text"]) and pattern.match(taken_answer["text"])
        assert seat_name_of(sold_answer) == seat_name(_code(sold))
        assert seat_name_of(taken_answer) == seat_name(_code(taken))


def seat_name_of(answer: dict) -> str:
    return answer["text"].split()[1]


async def test_a_couch_is_held_whole_and_the_answer_says_so(playground, cinema_db):
    url, client, _ = playground
    engine, uow_factory = await _uow(cinema_db)
    try:
        async with uow_factory() as uow:
            halls = [await uow.halls.get(i) for i in (1, 2, 3)]
    finally:
        await engine.dispose()
    # By hall: a code such as K-8 is a couch in one hall and a plain seat in another.
    couches_by_hall = {h.name: {s.code: s for s in h.seats.values() if s.kind is SeatKind.COUCH} for h in halls if h}
    assert any(couches_by_hall.values()), "the sample cinema has couches"
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await start(client, ann)
        await press(client, ann, "🎬 Now showing")
        listing = await client.wait_for_text(ann["id"], "Now showing:")
        for index in range(len(buttons(listing)) - 1):  # the last is the menu button
            await press_first(client, ann, listing, skip=index)
            movie = await client.wait_for_text(ann["id"], "min ·")
            tomorrow = [b for b in buttons(movie) if b["text"].startswith("Tomorrow")]
            for show in tomorrow:
                await client.click(ann["id"], movie["message_id"], show["callback_data"], user_id=ann["id"])
                current = await seat_map(client, ann)
                header = current.get("text") or current.get("caption") or ""
                couches = next((c for name, c in couches_by_hall.items() if f" · {name} · " in header), {})
                for _ in range(12):  # walk the views back to front until a couch shows
                    couch = next((b for b in free_seat_buttons(current) if _code(b) in couches), None)
                    if couch is not None:
                        answer = await tap_seat(client, ann, current, couch)
                        partner = seat_name(couches[_code(couch)].couch_partner)
                        assert answer["text"].startswith("Couch ") and partner in answer["text"]
                        assert "a couch is booked whole" in answer["text"]
                        shown = await client.wait_for_text(ann["id"], "Your seats:")
                        body = shown.get("text") or shown.get("caption") or ""
                        assert partner in body and seat_name(_code(couch)) in body
                        return
                    if not any(b["text"] == "▼ Back" for b in buttons(current)):
                        break
                    await press(client, ann, "▼ Back")
                    current = await client.wait_for_message(
                        ann["id"], lambda m, seen=current: m["message_id"] == seen["message_id"] and m != seen
                    )
                await press(client, ann, "⬅ Back")
                movie = await client.wait_for_text(ann["id"], "min ·")
            await press(client, ann, "⬅ Back")
            listing = await client.wait_for_text(ann["id"], "Now showing:")
    raise AssertionError("no couch found on any of tomorrow's seat maps")


def _code(button: dict) -> str:
    """The seat a button stands for (its callback data ends in "s:<code>"; the
    part before names the customer's own dialog)."""
    return button.get("callback_data", "").rsplit("\x1ds:", 1)[-1]


async def test_the_summary_adds_up_and_a_wrong_promo_code_keeps_the_prompt(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await open_seat_map(client, ann)
        await press(client, ann, "⭐2")
        await press(client, ann, "Continue ➡", wait_for="Total:")
        await press(client, ann, "🏷 Promo code", wait_for="promo code as a message")
        await client.send_text(ann["id"], "NOSUCHCODE", user_id=ann["id"])
        refused = await client.wait_for_text(ann["id"], "We do not know this promo code.")
        assert refused["from"]["is_bot"]
        # Still the prompt: the next message is taken as a code.
        await client.send_text(ann["id"], "WINTER15", user_id=ann["id"])
        summary = await client.wait_for_text(ann["id"], "Promo code WINTER15")
        text = summary["text"]
        lines = [line for line in text.splitlines() if " · Adult · " in line]
        assert len(lines) == 2
        prices = [_euros(line)[0] for line in lines]
        discount = _euros(next(line for line in text.splitlines() if line.startswith("Promo code WINTER15")))[0]
        total = _euros(next(line for line in text.splitlines() if line.startswith("Total:")))[0]
        # Each line at its price, the discount once: lines - discount = total.
        assert sum(prices) - discount == total
        # 15 %, rounded per line (each ticket carries its share of the discount).
        assert abs(discount - sum(prices) * Decimal("0.15")) <= Decimal("0.01") * len(lines)


async def test_reminders_show_their_state_and_switch_on_a_tap(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await start(client, ann)
        await client.send_text(ann["id"], "/reminders", user_id=ann["id"])
        card = await client.wait_for_text(ann["id"], "Reminders are on")
        assert await _customer_reminders(cinema_db, ann["id"]) is True  # looking changed nothing
        await press(client, ann, "🔕 Turn reminders off")
        await client.wait_for_message(
            ann["id"], lambda m: m["message_id"] == card["message_id"] and "Reminders are off" in (m.get("text") or "")
        )
        assert await _customer_reminders(cinema_db, ann["id"]) is False
        await press(client, ann, "🔔 Turn reminders on")
        await client.wait_for_message(
            ann["id"], lambda m: m["message_id"] == card["message_id"] and "Reminders are on" in (m.get("text") or "")
        )
        assert await _customer_reminders(cinema_db, ann["id"]) is True


async def test_help_lists_every_command_and_the_movie_screen_offers_showtimes(playground, cinema_db):
    url, client, _ = playground
    async with running_bot(settings_for(cinema_db, url)):
        ann = await client.create_user("Ann", language_code="en")
        await start(client, ann)
        await client.send_text(ann["id"], "/help", user_id=ann["id"])
        help_text = (await client.wait_for_text(ann["id"], "Commands:"))["text"]
        assert [c for c in COMMANDS if f"/{c}" not in help_text] == []
        await press(client, ann, "🎬 Now showing")
        listing = await client.wait_for_text(ann["id"], "Now showing:")
        pager = [b["text"] for b in buttons(listing) if re.fullmatch(r"[\d ◀▶/]+", b["text"])]
        # Eight movies, six a page: the first page has only a step forward, no
        # "1 < 1 > 2" of buttons that go nowhere.
        assert pager == ["2/2 ▶"]
        await press(client, ann, "2/2 ▶")
        second = await client.wait_for_message(
            ann["id"], lambda m: m["message_id"] == listing["message_id"] and m != listing
        )
        assert [b["text"] for b in buttons(second) if re.fullmatch(r"[\d ◀▶/]+", b["text"])] == ["◀ 1/2"]
        await press(client, ann, "◀ 1/2")
        listing = await client.wait_for_message(
            ann["id"], lambda m: m["message_id"] == listing["message_id"] and any("2/2" in b["text"] for b in buttons(m))
        )
        await press_first(client, ann, listing)
        movie = await client.wait_for_text(ann["id"], "min ·")
        labels = [b["text"] for b in buttons(movie)]
        assert any(label.startswith("Tomorrow ") and label.endswith(" left") for label in labels)
        days = [label for label in labels if label.startswith("📅 ")]
        assert days, "later days are one tap away"
        await client.click(ann["id"], movie["message_id"], next(b for b in buttons(movie) if b["text"] == days[0])["callback_data"], user_id=ann["id"])
        shows = await client.wait_for_text(ann["id"], "Showtimes on")
        # The text carries hall, language and price; the buttons time, format, seats left.
        assert "from €" in shows["text"] and "Saal" in shows["text"]
        assert all(len(b["text"]) <= 30 for b in buttons(shows))
