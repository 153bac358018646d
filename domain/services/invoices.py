"""Issuing invoices and tickets for paid bookings, and cancellation invoices for
refunded ones. Both are idempotent: issuing again returns what was issued."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.booking import Booking, BookingStatus
from domain.errors import AlreadyExists, NotFound
from domain.invoices import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    Ticket,
    cancellation_of,
    new_ticket_secret,
    series_for,
)
from domain.ports import UnitOfWork
from domain.services.deps import Deps
from domain.services.lookups import load_showtime


@dataclass(frozen=True, slots=True)
class InvoicePolicy:
    prefix: str = "CB"
    seller: Party = field(default_factory=lambda: Party("CineBooker"))


class InvoiceService:
    def __init__(self, deps: Deps, policy: InvoicePolicy | None = None) -> None:
        self.d = deps
        self.policy = policy or InvoicePolicy()

    async def issue(self, booking_id: int) -> Invoice | None:
        """The invoice of a booking that was paid (also if it was cancelled or
        refunded since: the money was received), with a ticket per seat; None for a
        booking never paid. Two callers at once get the same invoice."""
        for _ in range(2):  # a lost race is read again once
            try:
                return await self._issue(booking_id)
            except AlreadyExists:
                continue
        raise AlreadyExists(f"invoice of booking {booking_id} could not be read back", booking=booking_id)

    async def _issue(self, booking_id: int) -> Invoice | None:
        async with self.d.uow() as uow:
            existing = await uow.invoices.for_booking(booking_id, InvoiceKind.INVOICE)
            if existing is not None:
                return existing
            booking = await _booking(uow, booking_id)
            if booking.paid_at is None:
                return None
            invoice = await self._new_invoice(uow, booking)
            if not await uow.tickets.for_booking(booking_id):
                tickets = [Ticket(booking_id, s.seat_code, s.ticket_type, new_ticket_secret()) for s in booking.seats]
                await uow.tickets.add(tickets, invoice.issued_at)
            await uow.commit()
        return invoice

    async def _new_invoice(self, uow: UnitOfWork, booking: Booking) -> Invoice:
        showtime, movie, hall = await load_showtime(uow, booking.showtime_id)
        customer = await uow.customers.get(booking.customer_id)
        now = self.d.clock.now()
        series = series_for(self.policy.prefix, now)
        seq = await uow.invoices.next_seq(series)
        language = customer.language if customer else "en"
        # The title as the customer reads it: the snapshot is never edited afterwards.
        title = movie.title_in(language)
        lines = tuple(
            InvoiceLine(title, showtime.starts_at, hall.name, s.seat_code, s.ticket_type, s.price, s.discount)
            for s in booking.seats
        )
        invoice = Invoice(
            id=None,
            kind=InvoiceKind.INVOICE,
            series=series,
            seq=seq,
            booking_id=booking.id or 0,
            issued_at=now,
            seller=self.policy.seller,
            buyer=Party(customer.name if customer else f"Telegram user {booking.customer_id}"),
            currency=booking.currency,
            vat_basis_points=booking.vat_basis_points,
            lines=lines,
            timezone=self.d.policy.timezone,
            language=language,
            promo_code=booking.promo_code,
        )
        return await uow.invoices.add(invoice, booking.customer_id)

    async def cancel(self, booking_id: int) -> Invoice | None:
        """The cancellation invoice of a refunded booking that had been paid; the
        original is issued first if it was not yet (it numbers before it)."""
        original = await self.issue(booking_id)
        if original is None:
            return None
        for _ in range(2):
            try:
                return await self._cancel(booking_id, original)
            except AlreadyExists:
                continue
        raise AlreadyExists(f"cancellation of booking {booking_id} could not be read back", booking=booking_id)

    async def _cancel(self, booking_id: int, original: Invoice) -> Invoice | None:
        async with self.d.uow() as uow:
            existing = await uow.invoices.for_booking(booking_id, InvoiceKind.CANCELLATION)
            if existing is not None:
                return existing
            booking = await _booking(uow, booking_id)
            if booking.status is not BookingStatus.REFUNDED:
                return None  # nothing was given back (yet)
            now = self.d.clock.now()
            series = series_for(self.policy.prefix, now)
            cancellation = cancellation_of(original, await uow.invoices.next_seq(series), series, now)
            cancellation = await uow.invoices.add(cancellation, booking.customer_id)
            await uow.commit()
        return cancellation

    async def tickets(self, booking_id: int) -> list[Ticket]:
        async with self.d.uow() as uow:
            return await uow.tickets.for_booking(booking_id)


async def _booking(uow: UnitOfWork, booking_id: int) -> Booking:
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise NotFound(f"booking {booking_id}", kind="booking")
    return booking
