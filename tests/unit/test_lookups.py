"""The catalog lookup: showtimes and ticket types kept for a few seconds, seat
states never; checkout prices from the database, not from the cache."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.catalog import TicketType
from domain.errors import NotFound
from domain.hall import SeatKind
from domain.money import Money
from domain.seatmap import SeatState
from domain.services.catalog import CatalogService
from domain.services.checkout import CheckoutService
from domain.services.lookups import CatalogLookup
from domain.services.seats import SeatService
from tests.fakes import FakeUnitOfWork
from tests.unit.world import ANN, BOB, World


class Counted:
    """A unit-of-work factory that counts the units of work opened."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.opened = 0

    def __call__(self) -> FakeUnitOfWork:
        self.opened += 1
        return FakeUnitOfWork(self.w.store)


async def _reprice(w: World, amount: int) -> None:
    """What a catalog import does to a showtime: a new price, committed."""
    async with w.deps.uow() as uow:
        show = await uow.showtimes.get(w.show.id)
        await uow.showtimes.update(replace(show, prices={**show.prices, SeatKind.STANDARD: Money(amount, "EUR")}))
        await uow.commit()


async def test_a_showtime_is_read_once_while_fresh_and_again_after(w: World):
    now = [0.0]
    uows = Counted(w)
    lookup = CatalogLookup(uows, ttl_s=10, clock=lambda: now[0])
    first = await lookup.showtime(w.show.id)
    assert first[0].id == w.show.id and first[1].title == "Dune" and first[2].ref == "h1"
    await _reprice(w, 999)
    now[0] = 9.9
    assert await lookup.showtime(w.show.id) is first and uows.opened == 1
    now[0] = 10.0
    fresh = await lookup.showtime(w.show.id)
    assert uows.opened == 2 and fresh[0].price_for(SeatKind.STANDARD) == Money(999, "EUR")


async def test_without_a_ttl_every_call_reads(w: World):
    uows = Counted(w)
    lookup = CatalogLookup(uows)
    await lookup.showtime(w.show.id)
    await _reprice(w, 999)
    showtime, _, _ = await lookup.showtime(w.show.id)
    assert uows.opened == 2 and showtime.price_for(SeatKind.STANDARD) == Money(999, "EUR")


async def test_a_given_unit_of_work_is_used_instead_of_a_new_one(w: World):
    uows = Counted(w)
    lookup = CatalogLookup(uows, ttl_s=10)
    async with w.deps.uow() as uow:
        showtime, _, _ = await lookup.showtime(w.show.id, uow)
    assert showtime.id == w.show.id and uows.opened == 0


async def test_unknown_showtimes_are_not_remembered(w: World):
    uows = Counted(w)
    lookup = CatalogLookup(uows, ttl_s=10)
    for _ in range(2):
        with pytest.raises(NotFound):
            await lookup.showtime(9999)
    assert uows.opened == 2


async def test_at_most_max_showtimes_are_kept_least_recently_used_first(w: World):
    uows = Counted(w)
    lookup = CatalogLookup(uows, ttl_s=10, max_showtimes=1)
    await lookup.showtime(w.show.id)
    await lookup.showtime(w.late_show.id)  # pushes the first one out
    await lookup.showtime(w.late_show.id)
    assert uows.opened == 2
    await lookup.showtime(w.show.id)
    assert uows.opened == 3


async def test_ticket_types_are_kept_too_and_forget_drops_everything(w: World):
    uows = Counted(w)
    lookup = CatalogLookup(uows, ttl_s=10, clock=lambda: 0.0)
    assert [t.code for t in await lookup.ticket_types()] == ["adult", "student", "child"]
    async with w.deps.uow() as uow:
        await uow.ticket_types.upsert(TicketType("senior", "Senior", position=3))
        await uow.commit()
    assert len(await lookup.ticket_types()) == 3 and uows.opened == 1
    lookup.forget()
    assert len(await lookup.ticket_types()) == 4 and uows.opened == 2


def test_settings_are_checked():
    with pytest.raises(ValueError):
        CatalogLookup(lambda: None, ttl_s=-1)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError):
        CatalogLookup(lambda: None, max_showtimes=0)  # type: ignore[arg-type,return-value]


def _services(w: World) -> tuple[CatalogService, SeatService, CheckoutService]:
    lookup = CatalogLookup(w.deps.uow, ttl_s=60, clock=lambda: 0.0)
    return CatalogService(w.deps, lookup), SeatService(w.deps, lookup), CheckoutService(w.deps, lookup)


async def test_seat_states_are_always_read_fresh(w: World):
    catalog, seats, checkout = _services(w)
    assert (await catalog.seat_map(w.show.id, "bob")).state("A-1") is SeatState.FREE
    await seats.hold(w.show.id, ["A-1"], "ann")
    assert (await catalog.seat_map(w.show.id, "bob")).state("A-1") is SeatState.HELD
    await checkout.checkout(w.show.id, "ann", ANN)
    assert (await catalog.seat_map(w.show.id, "bob", BOB.telegram_id)).state("A-1") is SeatState.SOLD


async def test_a_quote_may_show_the_kept_price_but_checkout_charges_the_stored_one(w: World):
    _, seats, checkout = _services(w)
    await seats.hold(w.show.id, ["A-1"], "ann")
    assert (await checkout.quote(w.show.id, {"A-1": "adult"}, ANN.telegram_id)).total == Money(1200, "EUR")
    await _reprice(w, 1500)
    # Shown from the cache for up to its TTL...
    assert (await checkout.quote(w.show.id, {"A-1": "adult"}, ANN.telegram_id)).total == Money(1200, "EUR")
    # ...but the booking is priced in checkout's own transaction.
    booking = await checkout.checkout(w.show.id, "ann", ANN)
    assert booking.total == Money(1500, "EUR")


async def test_a_quote_with_a_promo_code_still_checks_it(w: World):
    _, seats, checkout = _services(w)
    await seats.hold(w.show.id, ["A-1"], "ann")
    quote = await checkout.quote(w.show.id, {"A-1": "adult"}, ANN.telegram_id, "save10")
    assert quote.total == Money(1080, "EUR") and quote.promo_code == "SAVE10"
