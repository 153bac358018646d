"""A small cinema over fakes: in-memory repositories, a fake clock, memory holds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


from domain.catalog import Movie, PriceRule, Showtime, TicketType
from domain.customer import Customer
from domain.hall import Hall, RowSpec, SeatKind
from domain.money import Money
from domain.promo import PromoCode, PromoKind
from domain.services.bookings import BookingService
from domain.services.catalog import CatalogService
from domain.services.checkout import CheckoutService
from domain.services.deps import BookingPolicy, Deps
from domain.services.seats import SeatService
from infrastructure.holds.memory import MemoryHoldStore
from tests.fakes import FakeClock, FakeUnitOfWork, Store

ANN = Customer(101, "Ann", "en")
BOB = Customer(102, "Bob", "ru")


class World:
    def __init__(self) -> None:
        self.clock = FakeClock(datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc))
        self.store = Store()
        self.holds = MemoryHoldStore(clock=lambda: self.clock.now().timestamp())
        self.deps = Deps(
            uow=lambda: FakeUnitOfWork(self.store, self.clock),
            holds=self.holds,
            clock=self.clock,
            policy=BookingPolicy(timezone="Europe/Berlin", max_seats=6),
        )
        self.catalog = CatalogService(self.deps)
        self.seats = SeatService(self.deps)
        self.checkout = CheckoutService(self.deps)
        self.bookings = BookingService(self.deps)

    async def setup(self) -> None:
        async with self.deps.uow() as uow:
            self.movie = await uow.movies.add(Movie(None, "dune", "Dune", 155, "FSK 12"))
            self.other_movie = await uow.movies.add(Movie(None, "wicked", "Wicked", 160))
            self.hall = await uow.halls.add(
                Hall(None, "h1", "Hall 1", (RowSpec("A", "sss_sss"), RowSpec("B", "dd_vvvv")), frozenset({"A-6"}))
            )
            prices = {
                SeatKind.STANDARD: Money(1200, "EUR"),
                SeatKind.COUCH: Money(1500, "EUR"),
                SeatKind.VIP: Money(1800, "EUR"),
            }
            start = self.clock.now() + timedelta(days=1, hours=6)  # 25 Nov 19:00 Berlin
            self.show = await uow.showtimes.add(
                Showtime(None, "dune-1", self.movie.id, self.hall.id, start, prices, sales_close_minutes=15)
            )
            self.late_show = await uow.showtimes.add(
                Showtime(None, "dune-2", self.movie.id, self.hall.id, start + timedelta(days=2), prices)
            )
            for i, t in enumerate(
                [
                    TicketType("adult", "Adult"),
                    TicketType("student", "Student", PriceRule.MINUS, 200, 1),
                    TicketType("child", "Child", PriceRule.PERCENT, 7000, 2),
                ]
            ):
                await uow.ticket_types.upsert(t)
            await uow.promos.add(PromoCode(None, "SAVE10", PromoKind.PERCENT, 1000, max_uses=1))
            await uow.promos.add(
                PromoCode(None, "WICKED", PromoKind.FIXED, 300, movie_ids=frozenset({self.other_movie.id}))
            )
            await uow.commit()
