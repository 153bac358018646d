"""Use cases over fakes: in-memory repositories, a fake clock, memory holds."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from domain.booking import BookingStatus
from domain.errors import (
    CancellationNotAllowed,
    HoldLost,
    InvalidSeats,
    NotFound,
    PaymentMismatch,
    PromoRefused,
    SalesClosed,
    SeatsUnavailable,
)
from domain.money import Money
from domain.promo import PromoRefusal
from domain.seatmap import SeatState
from domain.services.bookings import PaymentOutcome
from domain.services.seats import SeatService
from tests.unit.world import ANN, BOB, World

async def test_now_showing_and_days_in_the_cinema_zone(w: World):
    showing = await w.catalog.now_showing()
    assert [n.movie.title for n in showing] == ["Dune"]
    assert await w.catalog.days(w.movie.id) == [date(2026, 11, 25), date(2026, 11, 27)]
    day = await w.catalog.showtimes_on(date(2026, 11, 25), w.movie.id)
    assert len(day) == 1 and day[0].local_start.hour == 19 and day[0].seats_left == 11
    w.clock.advance(days=1, hours=5, minutes=50)  # inside the sales-closing window
    assert await w.catalog.showtimes_on(date(2026, 11, 25)) == []


async def test_hold_is_all_or_nothing_and_adds_couch_partners(w: World):
    sel = await w.seats.hold(w.show.id, ["B-1"], "ann")
    assert sel.seats == ("B-1", "B-2")
    await w.seats.hold(w.show.id, ["A-1"], "bob")
    with pytest.raises(SeatsUnavailable) as err:
        await w.seats.hold(w.show.id, ["A-1", "A-2"], "ann")
    assert err.value.seats == ("A-1",)
    assert (await w.seats.selection(w.show.id, "ann")).seats == ("B-1", "B-2")
    seat_map = await w.catalog.seat_map(w.show.id, "ann")
    assert seat_map.state("A-1") is SeatState.HELD and seat_map.state("B-2") is SeatState.YOURS
    assert seat_map.state("A-6") is SeatState.BLOCKED


@pytest.mark.parametrize("code", ["Z-1", "A-6", "A-99", "A-1'; DROP TABLE", ""])
async def test_forged_or_blocked_seats_are_refused(w: World, code: str):
    with pytest.raises(InvalidSeats):
        await w.seats.hold(w.show.id, [code], "ann")
    assert await w.holds.holders(w.show.id) == {}


async def test_unknown_showtime_and_closed_sales(w: World):
    with pytest.raises(NotFound):
        await w.seats.hold(999, ["A-1"], "ann")
    w.clock.advance(days=1, hours=6)
    with pytest.raises(SalesClosed):
        await w.seats.hold(w.show.id, ["A-1"], "ann")


async def test_toggle_and_seat_limit(w: World):
    await w.seats.toggle(w.show.id, "A-1", "ann")
    assert (await w.seats.toggle(w.show.id, "A-1", "ann")).seats == ()
    await w.seats.hold(w.show.id, ["B-3", "B-4", "B-5", "B-6", "A-1", "A-2"], "ann")
    with pytest.raises(InvalidSeats):
        await w.seats.hold(w.show.id, ["A-3"], "ann")


async def test_hold_runs_out(w: World):
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    w.clock.advance(minutes=10, seconds=1)
    assert (await w.seats.selection(w.show.id, "ann")).seats == ()
    await w.seats.hold(w.show.id, ["A-1"], "bob")


async def test_best_seats_replace_the_selection(w: World):
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    sel = await w.seats.hold_best(w.show.id, 2, "ann")
    assert len(sel.seats) == 2 and "A-1" not in sel.seats
    assert set(await w.holds.holders(w.show.id)) == set(sel.seats)


async def test_checkout_quotes_ticket_types_and_releases_the_hold(w: World):
    await w.seats.hold(w.show.id, ["A-1", "A-2", "B-3"], "ann")
    booking = await w.checkout.checkout(w.show.id, "ann", ANN, {"A-2": "student"}, "save10")
    assert booking.status is BookingStatus.AWAITING_PAYMENT
    assert booking.expires_at == w.clock.now() + timedelta(minutes=15)
    # 12.00 + 10.00 (student) + 18.00 (VIP) = 40.00, minus 10%.
    assert booking.total == Money(3600, "EUR") and booking.promo_code == "SAVE10"
    assert await w.holds.holders(w.show.id) == {}
    seat_map = await w.catalog.seat_map(w.show.id, "bob", BOB.telegram_id)
    assert seat_map.state("A-1") is SeatState.SOLD
    assert (await w.catalog.seat_map(w.show.id, None, ANN.telegram_id)).state("A-1") is SeatState.YOURS
    # The last use of SAVE10 is gone.
    await w.seats.hold(w.show.id, ["A-3"], "bob")
    quote = await w.checkout.quote(w.show.id, {"A-3": "adult"}, BOB.telegram_id, "SAVE10")
    assert quote.promo_refusal is PromoRefusal.EXHAUSTED
    with pytest.raises(PromoRefused):
        await w.checkout.checkout(w.show.id, "bob", BOB, promo_code="SAVE10")


async def test_checkout_refuses_promos_with_a_reason_and_writes_nothing(w: World):
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    commits = w.store.commits
    for code, reason in [("NOPE", "unknown"), ("wicked", "not_for_this_movie"), ("x" * 500, "unknown")]:
        with pytest.raises(PromoRefused) as err:
            await w.checkout.checkout(w.show.id, "ann", ANN, promo_code=code)
        assert err.value.reason == reason
    assert w.store.commits == commits and w.store.bookings == {}
    assert (await w.seats.selection(w.show.id, "ann")).seats == ("A-1",)


async def test_checkout_without_a_hold_or_with_foreign_seats(w: World):
    with pytest.raises(HoldLost):
        await w.checkout.checkout(w.show.id, "ann", ANN)
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    with pytest.raises(HoldLost):
        await w.checkout.checkout(w.show.id, "ann", ANN, {"A-2": "adult"})
    with pytest.raises(InvalidSeats):
        await w.checkout.checkout(w.show.id, "ann", ANN, {"A-1": "pensioner"})
    assert w.store.bookings == {}


async def test_database_guard_wins_over_a_stale_hold(w: World):
    # Bob's hold ran out and Ann bought the seat; Bob's hold is re-created
    # behind the service's back (a replica with a stale view): the repository's
    # uniqueness still refuses to sell the seat twice.
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    await w.checkout.checkout(w.show.id, "ann", ANN)
    await w.holds.hold(w.show.id, ["A-1"], "bob", 60_000)
    with pytest.raises(SeatsUnavailable):
        await w.checkout.checkout(w.show.id, "bob", BOB)
    assert len(w.store.bookings) == 1


async def _booked(w: World, seats=("A-1", "A-2"), who=ANN, owner="ann"):
    await w.seats.hold(w.show.id, list(seats), owner)
    return await w.checkout.checkout(w.show.id, owner, who)


async def test_payment_is_idempotent_and_checked(w: World):
    booking = await _booked(w)
    with pytest.raises(PaymentMismatch):
        await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 1, "EUR")
    first = await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    again = await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    assert (first.outcome, again.outcome) == (PaymentOutcome.CONFIRMED, PaymentOutcome.ALREADY_PAID)
    other = await w.bookings.confirm_payment(booking.id, "paypal", "CAP-2", 2400, "EUR")
    assert other.outcome is PaymentOutcome.REFUND_REQUIRED
    stored = w.store.bookings[booking.id]
    assert stored.status is BookingStatus.PAID and stored.payment_ref == "pi_1"


async def test_expiry_frees_seats_and_a_late_payment_is_honoured_if_it_can_be(w: World):
    booking = await _booked(w)
    w.clock.advance(minutes=16)
    assert await w.bookings.expire_overdue() == [booking.id]
    assert await w.bookings.expire_overdue() == []
    assert (await w.catalog.seat_map(w.show.id)).state("A-1") is SeatState.FREE
    late = await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    assert late.outcome is PaymentOutcome.LATE_CONFIRMED
    assert (await w.catalog.seat_map(w.show.id)).state("A-1") is SeatState.SOLD


async def test_late_payment_for_seats_sold_meanwhile_is_refunded(w: World):
    booking = await _booked(w)
    w.clock.advance(minutes=16)
    await w.bookings.expire_overdue()
    await _booked(w, ("A-2",), BOB, "bob")
    late = await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    assert late.outcome is PaymentOutcome.REFUND_REQUIRED
    assert w.store.bookings[booking.id].status is BookingStatus.EXPIRED
    assert w.store.bookings[booking.id].payment_ref == "pi_1"
    again = await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    assert again.outcome is PaymentOutcome.REFUND_REQUIRED
    refunded = await w.bookings.mark_refunded(booking.id, "re_1")
    assert refunded.status is BookingStatus.REFUNDED


async def test_expiry_gives_the_promo_use_back(w: World):
    await w.seats.hold(w.show.id, ["A-1"], "ann")
    await w.checkout.checkout(w.show.id, "ann", ANN, promo_code="SAVE10")
    w.clock.advance(minutes=16)
    await w.bookings.expire_overdue()
    quote = await w.checkout.quote(w.show.id, {"A-3": "adult"}, BOB.telegram_id, "SAVE10")
    assert quote.promo_refusal is None and quote.discount.amount == 120


async def test_cancel_within_policy(w: World):
    booking = await _booked(w)
    await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", 2400, "EUR")
    with pytest.raises(NotFound):
        await w.bookings.cancel(booking.id, BOB.telegram_id)
    w.clock.advance(days=1, hours=4, minutes=1)  # 1h59 before the show
    with pytest.raises(CancellationNotAllowed):
        await w.bookings.cancel(booking.id, ANN.telegram_id)
    w.clock.advance(minutes=-2)
    result = await w.bookings.cancel(booking.id, ANN.telegram_id)
    assert result.refund_due and result.booking.status is BookingStatus.CANCELLED
    assert (await w.catalog.seat_map(w.show.id)).state("A-1") is SeatState.FREE
    with pytest.raises(CancellationNotAllowed):
        await w.bookings.cancel(booking.id, ANN.telegram_id)


async def test_unpaid_cancel_needs_no_refund_and_my_bookings_split(w: World):
    unpaid = await _booked(w, ("A-3",))
    assert not (await w.bookings.cancel(unpaid.id, ANN.telegram_id)).refund_due
    paid = await _booked(w, ("A-1",))
    await w.bookings.confirm_payment(paid.id, "stripe", "pi_9", 1200, "EUR")
    upcoming, past = await w.bookings.my_bookings(ANN.telegram_id)
    assert [v.booking.id for v in upcoming] == [paid.id] and past == []
    w.clock.advance(days=2)
    upcoming, past = await w.bookings.my_bookings(ANN.telegram_id)
    assert upcoming == [] and [v.booking.id for v in past] == [paid.id]
    assert (await w.bookings.get_for_customer(paid.id, ANN.telegram_id)).movie.title == "Dune"
    with pytest.raises(NotFound):
        await w.bookings.get_for_customer(paid.id, BOB.telegram_id)


class SaleDuringHold:
    """A hold store where, just before our hold is written, another customer's
    booking of one of the chosen seats commits (they held it, checked out, and
    their hold was released): the race the re-check after holding exists for."""

    def __init__(self, w: World, seat: str) -> None:
        self.w, self.seat, self.sold = w, seat, False

    def __getattr__(self, name):  # everything else as the memory store does it
        return getattr(self.w.holds, name)

    async def hold(self, showtime_id, seats, owner, ttl_ms):
        if not self.sold and self.seat in seats:
            self.sold = True
            await self.w.seats.hold(showtime_id, [self.seat], "bob")
            await self.w.checkout.checkout(showtime_id, "bob", BOB)
        return await self.w.holds.hold(showtime_id, seats, owner, ttl_ms)


async def test_best_seats_let_go_of_a_seat_sold_while_choosing(w: World):
    first = await w.seats.hold_best(w.show.id, 2, "probe")  # what "best 2" picks on an empty hall
    await w.seats.release_all(w.show.id, "probe")
    racing = SaleDuringHold(w, first.seats[0])
    service = SeatService(dataclasses.replace(w.deps, holds=racing))
    chosen = await service.hold_best(w.show.id, 2, "ann")
    assert racing.sold and first.seats[0] not in chosen.seats and len(chosen.seats) == 2
    holders = await w.holds.holders(w.show.id)
    assert holders.get(first.seats[0]) is None  # our hold on the sold seat was let go
    assert {code for code, owner in holders.items() if owner == "ann"} == set(chosen.seats)
