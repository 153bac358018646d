"""In-memory stand-ins for the ports, for unit tests of the domain (no I/O).

They keep the same promises as the SQL adapters: repositories stage changes, the
unit of work commits or rolls back, and active booking seats are unique.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Sequence

from domain.booking import ACTIVE_STATUSES, Booking, BookingStatus
from domain.catalog import Movie, Showtime, TicketType
from domain.customer import Customer
from domain.errors import AlreadyExists, SeatsUnavailable
from domain.hall import Hall
from domain.invoices import Invoice, InvoiceDelivery, Ticket
from domain.jobs import OutboxJob
from domain.payments import (
    Payment,
    PaymentProvider,
)
from domain.promo import PromoCode
from tests.fake_payments import FakeCinema, FakeGateway, FakeInstallation, FakePayments, FakeProviderEvents  # noqa: F401


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class Store:
    """The committed state all fake units of work share."""

    def __init__(self) -> None:
        self.movies: dict[int, Movie] = {}
        self.halls: dict[int, Hall] = {}
        self.showtimes: dict[int, Showtime] = {}
        self.ticket_types: dict[str, TicketType] = {}
        self.promos: dict[int, PromoCode] = {}
        self.promo_uses: dict[tuple[int, int], int] = {}
        self.customers: dict[int, Customer] = {}
        self.bookings: dict[int, Booking] = {}
        self.payments: dict[int, Payment] = {}
        self.events: dict[tuple[PaymentProvider, str], datetime | None] = {}
        self.event_outcomes: dict[tuple[PaymentProvider, str], str | None] = {}
        self.installation: str | None = None
        self.cinema = None
        self.reminded: dict[int, datetime] = {}
        self.invoices: dict[int, Invoice] = {}
        self.deliveries: dict[int, InvoiceDelivery] = {}
        self.counters: dict[str, int] = {}
        self.tickets: dict[int, list[Ticket]] = {}
        self.outbox: dict[int, dict] = {}
        self.next_id = 1
        self.commits = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def s(self) -> Store:
        return self.uow.staged


class _ByRef(_Repo):
    table: str

    def _t(self) -> dict:
        return getattr(self.s, self.table)

    async def get(self, item_id: int):
        return copy.deepcopy(self._t().get(item_id))

    async def get_by_ref(self, ref: str):
        return copy.deepcopy(next((x for x in self._t().values() if x.ref == ref), None))

    async def list(self):
        return [copy.deepcopy(x) for x in self._t().values()]

    async def add(self, item):
        item.id = self.s.new_id()
        self._t()[item.id] = copy.deepcopy(item)
        return item

    async def update(self, item) -> None:
        self._t()[item.id] = copy.deepcopy(item)


class FakeMovies(_ByRef):
    table = "movies"


class FakeHalls(_ByRef):
    table = "halls"


class FakeShowtimes(_ByRef):
    table = "showtimes"

    async def between(self, start: datetime, end: datetime, movie_id: int | None = None):
        found = [
            copy.deepcopy(s)
            for s in self.s.showtimes.values()
            if start <= s.starts_at < end and (movie_id is None or s.movie_id == movie_id)
        ]
        return sorted(found, key=lambda s: s.starts_at)


class FakeTicketTypes(_Repo):
    async def list(self):
        return sorted(self.s.ticket_types.values(), key=lambda t: t.position)

    async def get(self, code: str):
        return self.s.ticket_types.get(code)

    async def upsert(self, ticket_type: TicketType) -> None:
        self.s.ticket_types[ticket_type.code] = ticket_type


class FakePromos(_Repo):
    async def get_by_code(self, code: str):
        return copy.deepcopy(next((p for p in self.s.promos.values() if p.code == code), None))

    async def list(self):
        return [copy.deepcopy(p) for p in self.s.promos.values()]

    async def add(self, promo: PromoCode) -> PromoCode:
        promo.id = self.s.new_id()
        self.s.promos[promo.id] = copy.deepcopy(promo)
        return promo

    async def update(self, promo: PromoCode) -> None:
        uses = self.s.promos[promo.id].uses
        self.s.promos[promo.id] = replace(copy.deepcopy(promo), uses=uses)

    async def customer_uses(self, promo_id: int, customer_id: int) -> int:
        return self.s.promo_uses.get((promo_id, customer_id), 0)

    async def redeem(self, promo_id: int, customer_id: int, *, enforce_limits: bool = True) -> bool:
        promo = self.s.promos[promo_id]
        mine = self.s.promo_uses.get((promo_id, customer_id), 0)
        if enforce_limits:
            if promo.max_uses is not None and promo.uses >= promo.max_uses:
                return False
            if promo.max_uses_per_customer is not None and mine >= promo.max_uses_per_customer:
                return False
        promo.uses += 1
        self.s.promo_uses[(promo_id, customer_id)] = mine + 1
        return True

    async def give_back(self, promo_id: int, customer_id: int) -> None:
        promo = self.s.promos[promo_id]
        promo.uses = max(0, promo.uses - 1)
        key = (promo_id, customer_id)
        self.s.promo_uses[key] = max(0, self.s.promo_uses.get(key, 0) - 1)


class FakeCustomers(_Repo):
    async def get(self, telegram_id: int):
        return copy.deepcopy(self.s.customers.get(telegram_id))

    async def upsert(self, customer: Customer) -> None:
        # Like the SQL upsert, the reminders switch is kept (only set_reminders moves it).
        existing = self.s.customers.get(customer.telegram_id)
        stored = copy.deepcopy(customer)
        stored.reminders = existing.reminders if existing else True
        self.s.customers[customer.telegram_id] = stored

    async def register(self, customer: Customer) -> Customer:
        existing = self.s.customers.get(customer.telegram_id)
        stored = copy.deepcopy(existing or customer)
        stored.name = customer.name
        self.s.customers[customer.telegram_id] = stored
        return copy.deepcopy(stored)


class FakeBookings(_Repo):
    def _active_seats(self, showtime_id: int, skip: int | None = None) -> dict[str, Booking]:
        return {
            seat.seat_code: b
            for b in self.s.bookings.values()
            if b.showtime_id == showtime_id and b.status in ACTIVE_STATUSES and b.id != skip
            for seat in b.seats
        }

    async def add(self, booking: Booking) -> Booking:
        taken = [c for c in booking.seat_codes if c in self._active_seats(booking.showtime_id)]
        if taken:
            raise SeatsUnavailable(taken)
        booking.id = self.s.new_id()
        self.s.bookings[booking.id] = copy.deepcopy(booking)
        return booking

    async def get(self, booking_id: int):
        return copy.deepcopy(self.s.bookings.get(booking_id))

    async def for_customer(self, customer_id: int):
        return [copy.deepcopy(b) for b in self.s.bookings.values() if b.customer_id == customer_id]

    async def sold_seats(self, showtime_id: int) -> dict[str, int]:
        return {c: b.customer_id for c, b in self._active_seats(showtime_id).items()}

    async def sold_counts(self, showtime_ids: Sequence[int]) -> dict[int, int]:
        return {sid: len(self._active_seats(sid)) for sid in showtime_ids}

    async def set_status(self, booking: Booking, sources, **fields) -> bool:
        stored = self.s.bookings.get(booking.id)
        if stored is None or stored.status not in sources:
            return False
        for name, value in fields.items():
            setattr(booking, name, value)
        self.s.bookings[booking.id] = copy.deepcopy(booking)
        return True

    async def record_payment(self, booking: Booking, **fields) -> None:
        for name, value in fields.items():
            setattr(booking, name, value)
        stored = self.s.bookings[booking.id]
        for name, value in fields.items():
            setattr(stored, name, value)

    async def reactivate_seats(self, booking: Booking) -> bool:
        active = self._active_seats(booking.showtime_id, skip=booking.id)
        return not any(c in active for c in booking.seat_codes)

    async def overdue(self, now: datetime, limit: int = 500) -> list[int]:
        return [
            b.id
            for b in self.s.bookings.values()
            if b.status is BookingStatus.AWAITING_PAYMENT and b.expires_at <= now
        ][:limit]


class FakeInvoices(_Repo):
    async def next_seq(self, series: str) -> int:
        self.s.counters[series] = self.s.counters.get(series, 0) + 1
        return self.s.counters[series]

    async def add(self, invoice: Invoice, customer_id: int) -> Invoice:
        if any(i.booking_id == invoice.booking_id and i.kind is invoice.kind for i in self.s.invoices.values()):
            raise AlreadyExists("invoice")
        invoice = replace(invoice, id=self.s.new_id())
        self.s.invoices[invoice.id] = invoice
        self.s.deliveries[invoice.id] = InvoiceDelivery(
            invoice.id, invoice.number, invoice.kind, invoice.booking_id, customer_id, invoice.issued_at
        )
        return invoice

    async def for_booking(self, booking_id: int, kind):
        return next((i for i in self.s.invoices.values() if i.booking_id == booking_id and i.kind is kind), None)

    async def load(self, invoice_id: int):
        if invoice_id not in self.s.invoices:
            return None
        return self.s.invoices[invoice_id], self.s.deliveries[invoice_id]

    async def of_booking(self, booking_id: int):
        return [(i, self.s.deliveries[i.id]) for i in self.s.invoices.values() if i.booking_id == booking_id]

    async def mark_stored(self, invoice_id: int, key: str, at: datetime) -> None:
        self.s.deliveries[invoice_id] = replace(self.s.deliveries[invoice_id], storage_key=key)

    async def mark_sent(self, invoice_id: int, file_id: str, message_id: int, at: datetime) -> bool:
        delivery = self.s.deliveries[invoice_id]
        if delivery.sent_at is not None:
            return False
        self.s.deliveries[invoice_id] = replace(delivery, telegram_file_id=file_id, sent_at=at)
        return True


class FakeReminders(_Repo):
    async def due(self, starts_from: datetime, starts_until: datetime, limit: int = 200) -> list[int]:
        due = []
        for b in self.s.bookings.values():
            customer = self.s.customers.get(b.customer_id)
            starts = self.s.showtimes[b.showtime_id].starts_at
            if (
                b.status is BookingStatus.PAID
                and b.id not in self.s.reminded
                and (customer is None or customer.reminders)
                and starts_from <= starts < starts_until
            ):
                due.append(b.id)
        return due[:limit]

    async def claim(self, booking_id: int, at: datetime) -> bool:
        if booking_id in self.s.reminded:
            return False
        self.s.reminded[booking_id] = at
        return True

    async def set_enabled(self, telegram_id: int, on: bool) -> bool:
        customer = self.s.customers.get(telegram_id)
        if customer is None:
            return False
        customer.reminders = on
        return True


class FakeTickets(_Repo):
    async def for_booking(self, booking_id: int) -> list[Ticket]:
        return list(self.s.tickets.get(booking_id, []))

    async def add(self, tickets: Sequence[Ticket], at: datetime) -> None:
        for ticket in tickets:
            self.s.tickets.setdefault(ticket.booking_id, []).append(ticket)


class FakeOutbox(_Repo):
    async def add(self, job: str, payload: dict, at: datetime) -> None:
        created = at
        self.s.outbox[self.s.new_id()] = {
            "job": job, "payload": dict(payload), "created_at": created, "sent_at": None, "done_at": None, "attempts": 0
        }

    async def due(self, now, unsent_after_s, lost_after_s, max_attempts, limit=100) -> list[OutboxJob]:
        def is_due(r: dict) -> bool:
            if r["done_at"] is not None or r["attempts"] >= max_attempts:
                return False
            if r["sent_at"] is None:
                return (now - r["created_at"]).total_seconds() >= unsent_after_s
            return (now - r["sent_at"]).total_seconds() >= lost_after_s

        return [
            OutboxJob(i, r["job"], r["payload"], r["created_at"], r["attempts"])
            for i, r in self.s.outbox.items()
            if is_due(r)
        ][:limit]

    async def mark_sent(self, ids: list[int], at: datetime) -> None:
        for i in ids:
            self.s.outbox[i]["sent_at"] = at
            self.s.outbox[i]["attempts"] += 1

    async def mark_done(self, outbox_id: int, at: datetime) -> None:
        self.s.outbox[outbox_id]["done_at"] = at


class FakeUnitOfWork:
    """Works on a deep copy of the store; commit publishes it."""

    def __init__(self, store: Store, clock: FakeClock | None = None) -> None:
        self.store = store
        self.clock = clock
        self.staged = copy.deepcopy(store)
        self.movies = FakeMovies(self)
        self.halls = FakeHalls(self)
        self.showtimes = FakeShowtimes(self)
        self.ticket_types = FakeTicketTypes(self)
        self.promos = FakePromos(self)
        self.customers = FakeCustomers(self)
        self.bookings = FakeBookings(self)
        self.payments = FakePayments(self)
        self.provider_events = FakeProviderEvents(self)
        self.installation = FakeInstallation(self)
        self.cinema = FakeCinema(self)
        self.invoices = FakeInvoices(self)
        self.tickets = FakeTickets(self)
        self.reminders = FakeReminders(self)
        self.outbox = FakeOutbox(self)
        self.is_read_only = False

    def read_only(self) -> FakeUnitOfWork:
        self.is_read_only = True
        return self

    async def __aenter__(self) -> FakeUnitOfWork:
        self.staged = copy.deepcopy(self.store)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        if self.is_read_only:  # like the SQL unit of work: reads only
            raise RuntimeError("a read-only unit of work cannot commit")
        self.store.__dict__.update(copy.deepcopy(self.staged).__dict__)
        self.store.commits += 1

    async def rollback(self) -> None:
        self.staged = copy.deepcopy(self.store)
