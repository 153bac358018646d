"""Rows <-> domain objects. The domain never sees a row."""

from __future__ import annotations

from domain.booking import Booking, BookingSeat, BookingStatus
from domain.catalog import Movie, PriceRule, Showtime, TicketType
from domain.customer import Customer
from domain.hall import Hall, RowSpec, SeatKind
from domain.money import Money
from domain.payments import Payment, PaymentProvider, PaymentStatus
from domain.promo import PromoCode, PromoKind
from infrastructure.db.models import (
    BookingRow,
    CustomerRow,
    HallRow,
    MovieRow,
    PaymentRow,
    PromoRow,
    ShowtimeRow,
    TicketTypeRow,
)

MOVIE_FIELDS = ("ref", "title", "original_title", "runtime_min", "age_rating", "synopsis", "poster")


def movie(row: MovieRow) -> Movie:
    return Movie(
        id=row.id,
        ref=row.ref,
        title=row.title,
        runtime_min=row.runtime_min,
        age_rating=row.age_rating,
        original_title=row.original_title,
        genres=tuple(row.genres),
        synopsis=row.synopsis,
        poster=row.poster,
        languages=tuple(row.languages),
        subtitles=tuple(row.subtitles),
        titles=dict(row.titles),
        synopses=dict(row.synopses),
    )


def fill_movie(row: MovieRow, m: Movie) -> MovieRow:
    for name in MOVIE_FIELDS:
        setattr(row, name, getattr(m, name))
    row.genres, row.languages, row.subtitles = list(m.genres), list(m.languages), list(m.subtitles)
    row.titles, row.synopses = dict(m.titles), dict(m.synopses)
    return row


def hall(row: HallRow) -> Hall:
    return Hall(
        id=row.id,
        ref=row.ref,
        name=row.name,
        rows=tuple(RowSpec(label, places) for label, places in row.layout),
        blocked=frozenset(row.blocked),
    )


def fill_hall(row: HallRow, h: Hall) -> HallRow:
    row.ref, row.name = h.ref, h.name
    row.layout = [[r.label, r.places] for r in h.rows]
    row.blocked = sorted(h.blocked)
    return row


def showtime(row: ShowtimeRow) -> Showtime:
    return Showtime(
        id=row.id,
        ref=row.ref,
        movie_id=row.movie_id,
        hall_id=row.hall_id,
        starts_at=row.starts_at,
        prices={SeatKind(k): Money(v, row.currency) for k, v in row.prices.items()},
        format=row.format,
        language=row.language,
        subtitles=row.subtitles,
        sales_close_minutes=row.sales_close_minutes,
    )


def fill_showtime(row: ShowtimeRow, s: Showtime) -> ShowtimeRow:
    row.ref, row.movie_id, row.hall_id, row.starts_at = s.ref, s.movie_id, s.hall_id, s.starts_at
    row.format, row.language, row.subtitles = s.format, s.language, s.subtitles
    row.currency = s.currency
    row.prices = {str(k): v.amount for k, v in s.prices.items()}
    row.sales_close_minutes = s.sales_close_minutes
    return row


def ticket_type(row: TicketTypeRow) -> TicketType:
    return TicketType(row.code, row.name, PriceRule(row.rule), row.value, row.position, row.needs_proof)


def fill_ticket_type(row: TicketTypeRow, t: TicketType) -> TicketTypeRow:
    row.code, row.name, row.rule, row.value = t.code, t.name, str(t.rule), t.value
    row.position, row.needs_proof = t.position, t.needs_proof
    return row


def promo(row: PromoRow) -> PromoCode:
    return PromoCode(
        id=row.id,
        code=row.code,
        kind=PromoKind(row.kind),
        value=row.value,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_uses=row.max_uses,
        max_uses_per_customer=row.max_uses_per_customer,
        min_tickets=row.min_tickets,
        movie_ids=frozenset(row.movie_ids),
        showtime_ids=frozenset(row.showtime_ids),
        seat_kinds=frozenset(SeatKind(k) for k in row.seat_kinds),
        uses=row.uses,
        active=row.active,
    )


def fill_promo(row: PromoRow, p: PromoCode) -> PromoRow:
    """Terms only: the use counter changes through conditional updates alone."""
    row.code, row.kind, row.value = p.code, str(p.kind), p.value
    row.valid_from, row.valid_until = p.valid_from, p.valid_until
    row.max_uses, row.max_uses_per_customer = p.max_uses, p.max_uses_per_customer
    row.min_tickets, row.active = p.min_tickets, p.active
    row.movie_ids, row.showtime_ids = sorted(p.movie_ids), sorted(p.showtime_ids)
    row.seat_kinds = sorted(str(k) for k in p.seat_kinds)
    return row


def customer(row: CustomerRow) -> Customer:
    return Customer(
        row.telegram_id, row.name, row.language, row.announcements, reminders=row.reminders, created_at=row.created_at
    )


def booking(row: BookingRow) -> Booking:
    return Booking(
        id=row.id,
        customer_id=row.customer_id,
        showtime_id=row.showtime_id,
        status=BookingStatus(row.status),
        seats=[
            BookingSeat(
                s.seat_code,
                SeatKind(s.seat_kind),
                s.ticket_type,
                Money(s.price, row.currency),
                Money(s.discount, row.currency),
            )
            for s in row.seats
        ],
        currency=row.currency,
        created_at=row.created_at,
        expires_at=row.expires_at,
        vat_basis_points=row.vat_basis_points,
        promo_code=row.promo_code,
        discount_source=row.discount_source,
        paid_at=row.paid_at,
        cancelled_at=row.cancelled_at,
        payment_provider=row.payment_provider,
        payment_ref=row.payment_ref,
        paid_amount=row.paid_amount,
        refund_ref=row.refund_ref,
        history=[(BookingStatus(e.status), e.at) for e in row.events],
    )


def payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        booking_id=row.booking_id,
        provider=PaymentProvider(row.provider),
        provider_ref=row.provider_ref,
        status=PaymentStatus(row.status),
        amount=Money(row.amount, row.currency),
        url=row.url,
        created_at=row.created_at,
        expires_at=row.expires_at,
        paid_ref=row.paid_ref,
        refund_ref=row.refund_ref,
        problem=row.problem,
    )
