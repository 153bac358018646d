"""Quote a selection and turn the hold into a booking awaiting payment."""

from __future__ import annotations

from datetime import datetime

from domain.booking import Booking, BookingSeat, BookingStatus
from domain.jobs import Jobs
from domain.catalog import DEFAULT_TICKET_TYPE, Showtime, TicketType
from domain.customer import Customer
from domain.errors import HoldLost, InvalidSeats, NotFound, PromoRefused, SalesClosed, SeatsUnavailable
from domain.hall import Hall
from domain.ports import UnitOfWork
from domain.pricing import DiscountSource, PricedSeat, Quote, build_quote
from domain.promo import PromoCode, PromoRefusal, normalize_code
from domain.services.deps import Deps
from domain.services.lookups import CatalogLookup

# The "provider" of a booking that cost nothing.
FREE_PROVIDER = "free"


class CheckoutService:
    def __init__(self, deps: Deps, lookup: CatalogLookup | None = None) -> None:
        self.d = deps
        # For quotes only: a quote is shown, a checkout reads prices afresh.
        self.lookup = lookup or CatalogLookup(deps.uow)

    async def quote(
        self,
        showtime_id: int,
        ticket_types: dict[str, str],
        customer_id: int,
        promo_code: str | None = None,
    ) -> Quote:
        """Price seats with their ticket types (seat code -> ticket type code).

        A refused promo code does not fail the quote: ``promo_refusal`` says why.
        The catalog may come from the lookup's cache; checkout re-prices.
        """
        showtime, _, hall = await self.lookup.showtime(showtime_id)
        types = await self.lookup.ticket_types()
        if not promo_code:
            return await self._quote(None, showtime, hall, types, ticket_types, customer_id, None)
        async with self.d.uow() as uow:
            return await self._quote(uow, showtime, hall, types, ticket_types, customer_id, promo_code)

    async def checkout(
        self,
        showtime_id: int,
        owner: str,
        customer: Customer,
        ticket_types: dict[str, str] | None = None,
        promo_code: str | None = None,
    ) -> Booking:
        """The owner's held seats become a booking awaiting payment.

        ``ticket_types`` maps seat codes to ticket type codes (adult by default).
        The database's unique index over active booking seats is the final judge:
        a seat sold meanwhile raises SeatsUnavailable and nothing is written.
        """
        owned = await self.d.holds.owned(showtime_id, owner)
        if not owned:
            raise HoldLost("the seat hold ran out", showtime=showtime_id)
        ticket_types = dict(ticket_types or {})
        unknown = sorted(set(ticket_types) - set(owned))
        if unknown:
            raise HoldLost(f"seats no longer held: {', '.join(unknown)}", seats=unknown)
        for code in owned:
            ticket_types.setdefault(code, DEFAULT_TICKET_TYPE)
        now = self.d.clock.now()
        async with self.d.uow() as uow:
            # Read afresh, not from the lookup: the booking is priced from this.
            showtime, hall = await _showtime_and_hall(uow, showtime_id)
            if not showtime.on_sale(now):
                raise SalesClosed(f"sales closed for showtime {showtime_id}")
            await uow.customers.upsert(customer)
            quote = await self._quote(
                uow, showtime, hall, await uow.ticket_types.list(), ticket_types, customer.telegram_id, promo_code
            )
            if quote.promo_refusal is not None:
                raise PromoRefused(quote.promo_refusal)
            booking = Booking(
                id=None,
                customer_id=customer.telegram_id,
                showtime_id=showtime_id,
                status=BookingStatus.AWAITING_PAYMENT,
                seats=[
                    BookingSeat(line.seat_code, line.seat_kind, line.ticket_type, line.price, line.discount)
                    for line in quote.lines
                ],
                currency=quote.currency,
                created_at=now,
                expires_at=now + self.d.policy.payment_window,
                vat_basis_points=quote.vat_basis_points,
                promo_code=quote.promo_code if quote.discount_source is DiscountSource.PROMO else None,
                discount_source=str(quote.discount_source) if quote.discount_source else None,
                history=[(BookingStatus.AWAITING_PAYMENT, now)],
            )
            try:
                booking = await uow.bookings.add(booking)
            except SeatsUnavailable as exc:
                # Sold meanwhile (the hold was taken after a stale look): the
                # customer's selection must not keep showing those seats as theirs.
                await self.d.holds.release(showtime_id, list(exc.seats), owner)
                raise
            if booking.promo_code:
                promo = await uow.promos.get_by_code(booking.promo_code)
                # The conditional update decides the race for the last use.
                if promo is None or promo.id is None or not await uow.promos.redeem(
                    promo.id, customer.telegram_id
                ):
                    raise PromoRefused(PromoRefusal.EXHAUSTED)
            if booking.total.amount == 0:
                await _confirm_free(uow, booking, now)
            await uow.commit()
        # The booking now guards the seats; the hold has done its job.
        await self.d.holds.release(showtime_id, list(owned), owner)
        return booking

    async def _quote(
        self,
        uow: UnitOfWork | None,
        showtime: Showtime,
        hall: Hall,
        known_types: list[TicketType],
        ticket_types: dict[str, str],
        customer_id: int,
        promo_code: str | None,
    ) -> Quote:
        """``uow`` may be None only without a promo code (nothing else is read)."""
        if not ticket_types:
            raise InvalidSeats("no seats selected")
        if len(ticket_types) > self.d.policy.max_seats:
            raise InvalidSeats(f"at most {self.d.policy.max_seats} seats a booking")
        types = {t.code: t for t in known_types}
        priced: list[PricedSeat] = []
        for code in sorted(ticket_types, key=_seat_order):
            seat = hall.seat(code)
            if seat is None or seat.blocked:
                raise InvalidSeats(f"no seat {code!r} for sale", seat=code)
            price = showtime.price_for(seat.kind)
            if price is None:
                raise InvalidSeats(f"seat {code} ({seat.kind}) has no price", seat=code)
            ticket_type = _ticket_type(types, ticket_types[code])
            priced.append(PricedSeat(seat, price, ticket_type))
        promo, refusal = await self._check_promo(uow, showtime, priced, customer_id, promo_code)
        return build_quote(priced, self.d.policy.pricing, showtime.currency, promo, refusal)

    async def _check_promo(
        self,
        uow: UnitOfWork | None,
        showtime: Showtime,
        priced: list[PricedSeat],
        customer_id: int,
        promo_code: str | None,
    ) -> tuple[PromoCode | None, PromoRefusal | None]:
        if not promo_code or not normalize_code(promo_code) or uow is None:
            return None, None
        code = normalize_code(promo_code)
        # Codes are short; anything longer is not one of ours.
        promo = await uow.promos.get_by_code(code) if len(code) <= 32 else None
        if promo is None or promo.id is None:
            return None, PromoRefusal.UNKNOWN
        refusal = promo.refusal(
            now=self.d.clock.now(),
            movie_id=showtime.movie_id,
            showtime_id=showtime.id or 0,
            seat_kinds=[p.seat.kind for p in priced],
            customer_uses=await uow.promos.customer_uses(promo.id, customer_id),
        )
        return (None, refusal) if refusal else (promo, None)


async def _confirm_free(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """Nothing to pay (a 100% promo code, a fixed one above the price): no provider
    is asked, which would refuse a zero amount; the booking is paid at once and its
    invoice (of 0) follows like any other."""
    booking.transition(BookingStatus.PAID, now)
    fields = {"payment_provider": FREE_PROVIDER, "payment_ref": f"{FREE_PROVIDER}-{booking.id}", "paid_amount": 0}
    if not await uow.bookings.set_status(booking, frozenset({BookingStatus.AWAITING_PAYMENT}), **fields):
        raise HoldLost("the booking changed while it was made")
    for name, value in fields.items():
        setattr(booking, name, value)
    await uow.outbox.add(Jobs.ISSUE_INVOICE, {"booking_id": booking.id}, now)


async def _showtime_and_hall(uow: UnitOfWork, showtime_id: int) -> tuple[Showtime, Hall]:
    showtime = await uow.showtimes.get(showtime_id)
    hall = await uow.halls.get(showtime.hall_id) if showtime is not None else None
    if showtime is None or hall is None:
        raise NotFound(f"showtime {showtime_id}", kind="showtime")
    return showtime, hall


def _ticket_type(types: dict[str, TicketType], code: str) -> TicketType:
    if code not in types:
        raise InvalidSeats(f"unknown ticket type {code!r}", ticket_type=code)
    return types[code]


def _seat_order(code: str) -> tuple[str, int]:
    row, _, number = code.partition("-")
    # isascii: '²'.isdigit() is true and int('²') fails; the seat is refused afterwards.
    return (row, int(number) if number.isascii() and number.isdigit() else 0)
