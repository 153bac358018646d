"""A booking after checkout: payment, expiry, cancellation and the customer's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from domain.booking import ACTIVE_STATUSES, Booking, BookingStatus
from domain.catalog import Movie, Showtime
from domain.jobs import Jobs
from domain.errors import CancellationNotAllowed, NotFound, PaymentMismatch
from domain.ports import UnitOfWork
from domain.services.deps import Deps
from domain.services.lookups import CatalogLookup


class PaymentOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_PAID = "already_paid"  # the same payment again: nothing to do
    LATE_CONFIRMED = "late_confirmed"  # paid after expiry, seats still free
    REFUND_REQUIRED = "refund_required"  # paid, but the booking cannot be honoured


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    booking: Booking


@dataclass(frozen=True, slots=True)
class CancelResult:
    booking: Booking
    refund_due: bool  # the customer had paid: the provider must refund


@dataclass(frozen=True, slots=True)
class BookingView:
    booking: Booking
    showtime: Showtime
    movie: Movie
    hall_name: str


class BookingService:
    def __init__(self, deps: Deps, lookup: CatalogLookup | None = None) -> None:
        self.d = deps
        # What a booking is shown with (showtime, movie, hall name) may come from
        # the catalog cache; payments, expiry and cancellation read their own.
        self.lookup = lookup or CatalogLookup(deps.uow)

    async def _get(self, uow: UnitOfWork, booking_id: int) -> Booking:
        booking = await uow.bookings.get(booking_id)
        if booking is None:
            raise NotFound(f"booking {booking_id}", kind="booking")
        return booking

    async def confirm_payment(
        self, booking_id: int, provider: str, payment_ref: str, amount: int, currency: str
    ) -> PaymentResult:
        """Record a provider's payment; safe to call any number of times, also
        concurrently: every change is a conditional update, and a lost race is
        looked at again."""
        now = self.d.clock.now()
        payment = {"payment_provider": provider, "payment_ref": payment_ref, "paid_amount": amount}
        async with self.d.uow() as uow:
            for _ in range(3):  # a status moves under us at most twice (expiry, then us)
                booking = await self._get(uow, booking_id)
                if booking.payment_ref == payment_ref and booking.status is not BookingStatus.AWAITING_PAYMENT:
                    paid = booking.status is BookingStatus.PAID
                    return PaymentResult(PaymentOutcome.ALREADY_PAID if paid else PaymentOutcome.REFUND_REQUIRED, booking)
                if amount != booking.total.amount or currency != booking.currency:
                    raise PaymentMismatch(
                        f"booking {booking_id}: paid {amount} {currency}, due {booking.total}", booking=booking_id
                    )
                if booking.status is BookingStatus.AWAITING_PAYMENT:
                    booking.transition(BookingStatus.PAID, now)
                    if await uow.bookings.set_status(booking, frozenset({BookingStatus.AWAITING_PAYMENT}), **payment):
                        await uow.outbox.add(Jobs.ISSUE_INVOICE, {"booking_id": booking_id}, now)
                        await uow.commit()
                        return PaymentResult(PaymentOutcome.CONFIRMED, booking)
                elif booking.status is BookingStatus.EXPIRED and await uow.bookings.reactivate_seats(booking):
                    booking.transition(BookingStatus.PAID, now)
                    if await uow.bookings.set_status(booking, frozenset({BookingStatus.EXPIRED}), **payment):
                        await self._count_promo_again(uow, booking)
                        await uow.outbox.add(Jobs.ISSUE_INVOICE, {"booking_id": booking_id}, now)
                        await uow.commit()
                        return PaymentResult(PaymentOutcome.LATE_CONFIRMED, booking)
                else:
                    break
                await uow.rollback()  # lost a race: read it again
            # Seats gone, or the booking was cancelled or paid by another payment:
            # keep the record of this payment on it so the refund can be made. A
            # second payment of a booking that has one is refunded without a trace on it.
            if booking.payment_ref is None:
                await uow.bookings.record_payment(booking, **payment)
                await uow.commit()
            return PaymentResult(PaymentOutcome.REFUND_REQUIRED, booking)

    async def _count_promo_again(self, uow: UnitOfWork, booking: Booking) -> None:
        # The code's use was given back at expiry; the customer paid the discounted
        # price, so the use counts again even past the limit.
        if booking.promo_code:
            promo = await uow.promos.get_by_code(booking.promo_code)
            if promo and promo.id is not None:
                await uow.promos.redeem(promo.id, booking.customer_id, enforce_limits=False)

    async def expire_overdue(self) -> list[int]:
        """Bookings whose payment window lapsed become expired; their seats return."""
        now = self.d.clock.now()
        expired: list[int] = []
        async with self.d.uow() as uow:
            for booking_id in await uow.bookings.overdue(now):
                booking = await self._get(uow, booking_id)
                booking.transition(BookingStatus.EXPIRED, now)
                if await uow.bookings.set_status(booking, frozenset({BookingStatus.AWAITING_PAYMENT})):
                    await self._give_back_promo(uow, booking)
                    expired.append(booking_id)
            await uow.commit()
        return expired

    async def _give_back_promo(self, uow: UnitOfWork, booking: Booking) -> None:
        if booking.promo_code:
            promo = await uow.promos.get_by_code(booking.promo_code)
            if promo and promo.id is not None:
                await uow.promos.give_back(promo.id, booking.customer_id)

    async def cancel(self, booking_id: int, customer_id: int) -> CancelResult:
        """The customer cancels: before paying at any time, after paying until
        ``cancel_before_minutes`` before the show."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            booking = await self._get(uow, booking_id)
            if booking.customer_id != customer_id:
                # Someone else's booking looks like no booking at all.
                raise NotFound(f"booking {booking_id}", kind="booking")
            if booking.status not in ACTIVE_STATUSES:
                raise CancellationNotAllowed(f"booking {booking_id} is {booking.status}", status=str(booking.status))
            showtime = await uow.showtimes.get(booking.showtime_id)
            limit = timedelta(minutes=self.d.policy.cancel_before_minutes)
            paid = booking.status is BookingStatus.PAID
            if paid and showtime is not None and showtime.starts_at - now < limit:
                raise CancellationNotAllowed(
                    f"paid bookings can be cancelled until {self.d.policy.cancel_before_minutes} "
                    "minutes before the show",
                    minutes=self.d.policy.cancel_before_minutes,
                )
            previous = booking.status
            booking.transition(BookingStatus.CANCELLED, now)
            if not await uow.bookings.set_status(booking, frozenset({previous})):
                raise CancellationNotAllowed(f"booking {booking_id} changed meanwhile")
            await self._give_back_promo(uow, booking)
            await uow.commit()
        return CancelResult(booking, refund_due=paid)

    async def mark_refunded(self, booking_id: int, refund_ref: str) -> Booking:
        """The provider refunded the payment; idempotent."""
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            booking = await self._get(uow, booking_id)
            if booking.status is BookingStatus.REFUNDED:
                return booking
            was_paid = booking.status is BookingStatus.PAID
            previous = booking.status
            booking.transition(BookingStatus.REFUNDED, now)
            if not await uow.bookings.set_status(booking, frozenset({previous}), refund_ref=refund_ref):
                raise CancellationNotAllowed(f"booking {booking_id} changed meanwhile")
            if was_paid:
                await self._give_back_promo(uow, booking)
            if booking.paid_at is not None:
                # It had been paid, so it has (or will have) an invoice to cancel.
                await uow.outbox.add(Jobs.CANCEL_INVOICE, {"booking_id": booking_id}, now)
            await uow.commit()
        return booking

    async def may_be_paid(self, booking_id: int) -> bool:
        """Whether taking money for the booking now would be honoured: it awaits
        payment, or it lapsed and none of its seats was sold meanwhile."""
        async with self.d.uow() as uow:
            booking = await self._get(uow, booking_id)
            if booking.status is BookingStatus.AWAITING_PAYMENT:
                return True
            if booking.status is not BookingStatus.EXPIRED:
                return False
            sold = await uow.bookings.sold_seats(booking.showtime_id)
        return not any(code in sold for code in booking.seat_codes)

    async def get(self, booking_id: int) -> Booking:
        async with self.d.uow().read_only() as uow:
            return await self._get(uow, booking_id)

    async def get_for_customer(self, booking_id: int, customer_id: int) -> BookingView:
        async with self.d.uow().read_only() as uow:
            booking = await self._get(uow, booking_id)
            if booking.customer_id != customer_id:
                raise NotFound(f"booking {booking_id}", kind="booking")
            return await self._shown(uow, booking)

    async def my_bookings(self, customer_id: int) -> tuple[list[BookingView], list[BookingView]]:
        """(upcoming, past): upcoming soonest first, past latest first. Expired and
        abandoned bookings are left out: they never were tickets."""
        now = self.d.clock.now()
        upcoming, past = [], []
        async with self.d.uow().read_only() as uow:
            for booking in await uow.bookings.for_customer(customer_id):
                if booking.status in (BookingStatus.EXPIRED,) or (
                    booking.status is BookingStatus.CANCELLED and booking.paid_at is None
                ):
                    continue
                view = await self._shown(uow, booking)
                (upcoming if view.showtime.starts_at > now else past).append(view)
        upcoming.sort(key=lambda v: v.showtime.starts_at)
        past.sort(key=lambda v: v.showtime.starts_at, reverse=True)
        return upcoming, past

    async def view(self, booking: Booking) -> BookingView:
        """A booking already read, with what it is shown with (for messages the
        customer did not ask for, such as reminders)."""
        async with self.d.uow().read_only() as uow:
            return await self._shown(uow, booking)

    async def _shown(self, uow: UnitOfWork, booking: Booking) -> BookingView:
        """For display: the showtime, movie and hall through the catalog cache."""
        showtime, movie, hall = await self.lookup.showtime(booking.showtime_id, uow)
        return BookingView(booking, showtime, movie, hall.name)
