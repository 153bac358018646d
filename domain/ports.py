"""The ports the services need: repositories, the unit of work and a clock.

Repositories only query and stage changes; the unit of work commits. State changes
that can race are conditional (``set_status`` names the statuses it may leave).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol, Sequence

from domain.booking import Booking, BookingStatus
from domain.catalog import CinemaInfo, Movie, Showtime, TicketType
from domain.customer import Customer
from domain.hall import Hall
from domain.invoices import Invoice, InvoiceDelivery, InvoiceKind, Ticket
from domain.jobs import OutboxRepository
from domain.payments import Payment, PaymentProvider, PaymentStatus
from domain.promo import PromoCode


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class MovieRepository(Protocol):
    async def get(self, movie_id: int) -> Movie | None: ...
    async def get_by_ref(self, ref: str) -> Movie | None: ...
    async def list(self) -> list[Movie]: ...
    async def add(self, movie: Movie) -> Movie: ...
    async def update(self, movie: Movie) -> None: ...


class HallRepository(Protocol):
    async def get(self, hall_id: int) -> Hall | None: ...
    async def get_by_ref(self, ref: str) -> Hall | None: ...
    async def list(self) -> list[Hall]: ...
    async def add(self, hall: Hall) -> Hall: ...
    async def update(self, hall: Hall) -> None: ...


class ShowtimeRepository(Protocol):
    async def get(self, showtime_id: int) -> Showtime | None: ...
    async def get_by_ref(self, ref: str) -> Showtime | None: ...
    async def between(
        self, start: datetime, end: datetime, movie_id: int | None = None
    ) -> list[Showtime]:
        """Showtimes starting in [start, end), earliest first."""
        ...
    async def list(self) -> list[Showtime]: ...
    async def add(self, showtime: Showtime) -> Showtime: ...
    async def update(self, showtime: Showtime) -> None: ...


class TicketTypeRepository(Protocol):
    async def list(self) -> list[TicketType]: ...
    async def get(self, code: str) -> TicketType | None: ...
    async def upsert(self, ticket_type: TicketType) -> None: ...


class PromoRepository(Protocol):
    async def get_by_code(self, code: str) -> PromoCode | None:
        """``code`` is already normalised (upper case)."""
        ...
    async def list(self) -> list[PromoCode]: ...
    async def add(self, promo: PromoCode) -> PromoCode: ...
    async def update(self, promo: PromoCode) -> None:
        """Update the terms of a code; never its use counters."""
        ...
    async def customer_uses(self, promo_id: int, customer_id: int) -> int: ...
    async def redeem(self, promo_id: int, customer_id: int, *, enforce_limits: bool = True) -> bool:
        """Count one use, conditionally on the total and per-customer limits; False
        when a limit is reached (nothing changed)."""
        ...
    async def give_back(self, promo_id: int, customer_id: int) -> None: ...


class CustomerRepository(Protocol):
    async def get(self, telegram_id: int) -> Customer | None: ...
    async def upsert(self, customer: Customer) -> None: ...
    async def register(self, customer: Customer) -> Customer:
        """Add ``customer``, or give a known one the new name and keep the rest
        (language, consent, reminders, created_at); the stored customer. One
        statement, so two first messages of a new customer cannot collide."""
        ...


class BookingRepository(Protocol):
    async def add(self, booking: Booking) -> Booking:
        """Stage a new booking and its seats. Raises SeatsUnavailable when one of
        its seats is in another active booking (the unique index decides)."""
        ...
    async def get(self, booking_id: int) -> Booking | None: ...
    async def for_customer(self, customer_id: int) -> list[Booking]: ...
    async def sold_seats(self, showtime_id: int) -> dict[str, int]:
        """Seats in active bookings: seat code -> customer id."""
        ...
    async def sold_counts(self, showtime_ids: Sequence[int]) -> dict[int, int]: ...
    async def set_status(
        self,
        booking: Booking,
        sources: frozenset[BookingStatus],
        **fields: object,
    ) -> bool:
        """Persist ``booking.status`` (and ``fields``) only if the stored status is
        one of ``sources``; seats follow (inactive unless the status is active).
        False when the stored status had moved on: nothing changed."""
        ...
    async def record_payment(self, booking: Booking, **fields: object) -> None:
        """Store payment fields on a booking whose status does not change."""
        ...
    async def reactivate_seats(self, booking: Booking) -> bool:
        """Mark the seats of an inactive booking active again; False (and nothing
        changed) when any of them was sold meanwhile."""
        ...
    async def overdue(self, now: datetime, limit: int = 500) -> list[int]:
        """Ids of bookings awaiting payment whose window closed before ``now``."""
        ...


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> Payment: ...
    async def get_by_ref(self, provider: PaymentProvider, provider_ref: str) -> Payment | None: ...
    async def get_by_paid_ref(self, provider: PaymentProvider, paid_ref: str) -> Payment | None: ...
    async def get_by_refund_ref(self, provider: PaymentProvider, refund_ref: str) -> Payment | None: ...
    async def for_booking(self, booking_id: int) -> list[Payment]: ...
    async def set_status(self, payment: Payment, sources: frozenset[PaymentStatus], **fields: object) -> bool:
        """Persist ``payment.status`` (and ``fields``) only if the stored status is
        one of ``sources``; False when it had moved on (nothing changed)."""
        ...
    async def open_for_bookings(self, booking_ids: Sequence[int]) -> list[Payment]: ...
    async def with_status(self, statuses: frozenset[PaymentStatus], since: datetime) -> list[Payment]:
        """Payments in one of ``statuses`` created since ``since``, oldest first."""
        ...


class ProviderEventRepository(Protocol):
    """Provider webhook deliveries by event id: recorded first, processed once."""

    async def record(self, provider: PaymentProvider, event_id: str, event_type: str, at: datetime) -> bool:
        """Insert the event unless known; False when it was known already."""
        ...
    async def processed(self, provider: PaymentProvider, event_id: str) -> bool: ...
    async def mark_processed(
        self, provider: PaymentProvider, event_id: str, at: datetime, outcome: str | None = None
    ) -> None: ...
    async def outcome(self, provider: PaymentProvider, event_id: str) -> str | None: ...


class CinemaRepository(Protocol):
    """The cinema the catalog describes: the one home of its zone and currency."""

    async def get(self) -> CinemaInfo | None: ...
    async def put(self, cinema: CinemaInfo, at: datetime) -> None: ...


class InstallationRepository(Protocol):
    async def key(self, proposed: str, at: datetime) -> str:
        """This installation's key: the stored one, or ``proposed`` stored now."""
        ...


class InvoiceRepository(Protocol):
    async def next_seq(self, series: str) -> int:
        """The next number of ``series``, taken in the current transaction: it is
        given back by a rollback, and concurrent callers wait for each other."""

    async def add(self, invoice: Invoice, customer_id: int) -> Invoice: ...
    async def for_booking(self, booking_id: int, kind: InvoiceKind) -> Invoice | None: ...
    async def load(self, invoice_id: int) -> tuple[Invoice, InvoiceDelivery] | None:
        """An invoice and where its delivery stands, from one read."""

    async def of_booking(self, booking_id: int) -> list[tuple[Invoice, InvoiceDelivery]]:
        """A booking's invoices (the invoice, then a cancellation) with their delivery."""

    async def mark_stored(self, invoice_id: int, key: str, at: datetime) -> None: ...
    async def mark_sent(self, invoice_id: int, file_id: str, message_id: int, at: datetime) -> bool:
        """Record the delivery unless one is recorded already."""


class ReminderRepository(Protocol):
    async def due(self, starts_from: datetime, starts_until: datetime, limit: int = 200) -> list[int]:
        """Paid bookings of shows starting in the window, not reminded yet, of
        customers who did not turn reminders off."""

    async def claim(self, booking_id: int, at: datetime) -> bool:
        """Mark the reminder as sent unless it is already (one sender wins)."""

    async def set_enabled(self, telegram_id: int, on: bool) -> bool:
        """Turn a customer's reminders on or off; False when there is no such customer."""


class TicketRepository(Protocol):
    async def for_booking(self, booking_id: int) -> list[Ticket]: ...
    async def add(self, tickets: Sequence[Ticket], at: datetime) -> None: ...


class UnitOfWork(Protocol):
    movies: MovieRepository
    halls: HallRepository
    showtimes: ShowtimeRepository
    ticket_types: TicketTypeRepository
    promos: PromoRepository
    customers: CustomerRepository
    bookings: BookingRepository
    payments: PaymentRepository
    provider_events: ProviderEventRepository
    installation: InstallationRepository
    cinema: CinemaRepository
    invoices: InvoiceRepository
    tickets: TicketRepository
    reminders: ReminderRepository
    outbox: OutboxRepository

    def read_only(self) -> UnitOfWork:
        """Mark this unit of work, before entering it, as one that only reads:
        the adapter may then skip the transaction (each statement sees what was
        committed when it started), and ``commit`` raises. For reads that need
        no consistent snapshot across statements; returns the unit itself."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None:
        """Roll back whatever was not committed."""
        ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
