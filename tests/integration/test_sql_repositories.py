"""The SQL adapters on SQLite and Postgres keep the promises of the ports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.booking import ACTIVE_STATUSES, Booking, BookingSeat, BookingStatus
from domain.customer import Customer
from domain.errors import SeatsUnavailable
from domain.hall import SeatKind
from domain.money import Money
from domain.promo import PromoCode, PromoKind
from tests.integration.seed import NOW, seed_cinema


def _booking(cinema, customer_id: int, seats: list[str], status=BookingStatus.AWAITING_PAYMENT) -> Booking:
    return Booking(
        None, customer_id, cinema.show.id, status,
        [BookingSeat(s, SeatKind.STANDARD, "adult", Money(1200, "EUR"), Money(0, "EUR")) for s in seats],
        "EUR", NOW, NOW + timedelta(minutes=15), 700, history=[(status, NOW)],
    )


async def _customer(uow, telegram_id: int) -> None:
    await uow.customers.upsert(Customer(telegram_id, f"c{telegram_id}", "en"))


async def test_catalog_round_trip(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        movie = await uow.movies.get_by_ref("dune")
        assert movie == cinema.movie
        hall = await uow.halls.get(cinema.hall.id)
        assert hall.rows == cinema.hall.rows and hall.blocked == frozenset({"A-1"})
        assert hall.capacity == cinema.hall.capacity == 159
        show = await uow.showtimes.get_by_ref("dune-1")
        assert show.starts_at == cinema.show.starts_at and show.starts_at.tzinfo is not None
        assert show.prices[SeatKind.VIP] == Money(1800, "EUR")
        assert [s.ref for s in await uow.showtimes.between(NOW, NOW + timedelta(days=2))] == ["dune-1"]
        assert await uow.showtimes.between(NOW, NOW + timedelta(hours=1)) == []
        assert [t.code for t in await uow.ticket_types.list()] == ["adult", "student"]
        movie.title = "Dune 2"
        await uow.movies.update(movie)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.movies.get(cinema.movie.id)).title == "Dune 2"


async def test_uncommitted_work_is_rolled_back(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await _customer(uow, 1)
        await uow.bookings.add(_booking(cinema, 1, ["B-1"]))
    async with uow_factory() as uow:
        assert await uow.bookings.sold_seats(cinema.show.id) == {}
        assert await uow.customers.get(1) is None


async def test_active_seats_are_unique(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await _customer(uow, 1)
        await _customer(uow, 2)
        first = await uow.bookings.add(_booking(cinema, 1, ["B-1", "B-2"]))
        with pytest.raises(SeatsUnavailable) as err:
            await uow.bookings.add(_booking(cinema, 2, ["B-2", "B-3"]))
        assert err.value.seats == ("B-2",)
        # The failed insert left the transaction usable.
        await uow.bookings.add(_booking(cinema, 2, ["B-3"]))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.bookings.sold_seats(cinema.show.id) == {"B-1": 1, "B-2": 1, "B-3": 2}
        assert await uow.bookings.sold_counts([cinema.show.id, 999]) == {cinema.show.id: 3}
        booking = await uow.bookings.get(first.id)
        booking.transition(BookingStatus.EXPIRED, NOW)
        assert await uow.bookings.set_status(booking, frozenset({BookingStatus.AWAITING_PAYMENT}))
        # Expired seats are free again: another customer may buy B-2.
        await uow.bookings.add(_booking(cinema, 2, ["B-2"]))
        await uow.commit()
    async with uow_factory() as uow:
        stale = await uow.bookings.get(first.id)
        assert not await uow.bookings.reactivate_seats(stale)
        assert (await uow.bookings.sold_seats(cinema.show.id))["B-2"] == 2


async def test_conditional_status_update(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await _customer(uow, 1)
        booking = await uow.bookings.add(_booking(cinema, 1, ["C-1"]))
        await uow.commit()
    # Two workers read the booking while it awaits payment...
    async with uow_factory() as uow:
        one, two = await uow.bookings.get(booking.id), await uow.bookings.get(booking.id)
    # ...the payment lands first; the expiry, acting on its stale copy, must not win.
    async with uow_factory() as a:
        one.transition(BookingStatus.PAID, NOW)
        assert await a.bookings.set_status(
            one, frozenset({BookingStatus.AWAITING_PAYMENT}), payment_ref="pi_1", payment_provider="stripe", paid_amount=1200
        )
        await a.commit()
    async with uow_factory() as b:
        two.transition(BookingStatus.EXPIRED, NOW)
        assert not await b.bookings.set_status(two, frozenset({BookingStatus.AWAITING_PAYMENT}))
        await b.commit()
    async with uow_factory() as uow:
        stored = await uow.bookings.get(booking.id)
        assert stored.status is BookingStatus.PAID and stored.payment_ref == "pi_1"
        assert [s for s, _ in stored.history] == [BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID]
        assert stored.paid_at == NOW
        assert await uow.bookings.sold_seats(cinema.show.id) == {"C-1": 1}


async def test_overdue_and_customer_listing(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await _customer(uow, 1)
        due = await uow.bookings.add(_booking(cinema, 1, ["D-1"]))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.bookings.overdue(NOW) == []
        assert await uow.bookings.overdue(NOW + timedelta(minutes=15)) == [due.id]
        [mine] = await uow.bookings.for_customer(1)
        assert mine.seat_codes == ["D-1"] and mine.total == Money(1200, "EUR")
        assert mine.status in ACTIVE_STATUSES


async def test_promo_counters(uow_factory):
    async with uow_factory() as uow:
        promo = await uow.promos.add(
            PromoCode(None, "once", PromoKind.PERCENT, 1000, max_uses=2, max_uses_per_customer=1)
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.promos.redeem(promo.id, 1)
        assert not await uow.promos.redeem(promo.id, 1)  # per customer
        assert await uow.promos.redeem(promo.id, 2)
        assert not await uow.promos.redeem(promo.id, 3)  # in total
        assert await uow.promos.redeem(promo.id, 3, enforce_limits=False)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.promos.get_by_code("ONCE")
        assert stored.uses == 3 and await uow.promos.customer_uses(promo.id, 1) == 1
        # Updating the terms never resets the counter.
        stored.max_uses = 10
        await uow.promos.update(stored)
        await uow.promos.give_back(promo.id, 1)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.promos.get_by_code("ONCE")
        assert (stored.uses, stored.max_uses) == (2, 10)
        assert await uow.promos.customer_uses(promo.id, 1) == 0


async def test_register_adds_a_customer_then_only_refreshes_the_name(uow_factory):
    async with uow_factory() as uow:
        first = await uow.customers.register(Customer(7, "Ann", "ru", False, NOW))
        await uow.commit()
    assert (first.name, first.language, first.announcements, first.reminders) == ("Ann", "ru", False, True)
    assert first.created_at == NOW
    async with uow_factory() as uow:  # what the customer chose since
        await uow.customers.upsert(Customer(7, "Ann", "en", True, NOW))
        assert await uow.reminders.set_enabled(7, False)
        await uow.commit()
    async with uow_factory() as uow:  # a later /start in another language
        again = await uow.customers.register(Customer(7, "Ann B", "de", False, NOW + timedelta(days=1)))
        await uow.commit()
    assert again == Customer(7, "Ann B", "en", True, NOW, reminders=False)
    async with uow_factory() as uow:
        assert await uow.customers.get(7) == again


async def test_a_read_only_unit_of_work_reads_what_is_committed_and_cannot_commit(uow_factory):
    cinema = await seed_cinema(uow_factory)
    async with uow_factory() as uow:
        await _customer(uow, 1)
        await uow.bookings.add(_booking(cinema, 1, ["B-1"]))
        async with uow_factory().read_only() as reader:  # not committed yet: not seen
            assert await reader.bookings.sold_seats(cinema.show.id) == {}
        await uow.commit()
    async with uow_factory().read_only() as reader:
        assert await reader.bookings.sold_seats(cinema.show.id) == {"B-1": 1}
        assert (await reader.customers.get(1)).name == "c1"
        with pytest.raises(RuntimeError):
            await reader.commit()
    # The pool's connections go back usable, with transactions again.
    async with uow_factory() as uow:
        await _customer(uow, 2)
    async with uow_factory() as uow:
        assert await uow.customers.get(2) is None
