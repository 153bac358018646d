"""Repositories over an AsyncSession. They query and stage; they never commit."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Generic, Sequence, TypeVar

from sqlalchemy import String, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.booking import ACTIVE_STATUSES, Booking, BookingStatus
from domain.catalog import Movie, Showtime, TicketType
from domain.customer import Customer
from domain.errors import SeatsUnavailable
from domain.hall import Hall
from domain.promo import PromoCode
from infrastructure.db import mapping
from infrastructure.db.models import (
    BookingEventRow,
    BookingRow,
    BookingSeatRow,
    CustomerRow,
    HallRow,
    MovieRow,
    PromoRow,
    PromoUseRow,
    ShowtimeRow,
    TicketTypeRow,
)

D = TypeVar("D")
R = TypeVar("R")

ACTIVE_SEAT_INDEX = "uq_booking_seats_active_seat"


def is_seat_conflict(exc: IntegrityError) -> bool:
    """True when the unique index over active booking seats refused a row."""
    text = str(exc.orig)
    return ACTIVE_SEAT_INDEX in text or "booking_seats.showtime_id, booking_seats.seat_code" in text


def upsert_into(session: AsyncSession, table: type):  # type: ignore[no-untyped-def]
    """INSERT with ON CONFLICT support for the session's dialect."""
    dialect = session.bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class _RefRepository(Generic[D, R]):
    """get / get_by_ref / list / add / update for catalog objects with a ref."""

    row_type: type
    to_domain: Callable[[Any], Any]
    fill: Callable[[Any, Any], Any]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> D | None:
        row = await self.session.get(self.row_type, item_id)
        return type(self).to_domain(row) if row else None

    async def get_by_ref(self, ref: str) -> D | None:
        row = await self.session.scalar(select(self.row_type).where(self.row_type.ref == ref))
        return type(self).to_domain(row) if row else None

    async def list(self) -> list[D]:
        rows = await self.session.scalars(select(self.row_type).order_by(self.row_type.id))
        return [type(self).to_domain(r) for r in rows]

    async def add(self, item: D) -> D:
        row = type(self).fill(self.row_type(), item)
        self.session.add(row)
        await self.session.flush()
        item.id = row.id  # type: ignore[attr-defined]
        return item

    async def update(self, item: D) -> None:
        row = await self.session.get(self.row_type, item.id)  # type: ignore[attr-defined]
        if row is None:
            raise LookupError(f"{self.row_type.__tablename__} {item.id} does not exist")  # type: ignore[attr-defined]
        type(self).fill(row, item)
        await self.session.flush()


class SqlMovies(_RefRepository[Movie, MovieRow]):
    row_type = MovieRow
    to_domain = staticmethod(mapping.movie)
    fill = staticmethod(mapping.fill_movie)


class SqlHalls(_RefRepository[Hall, HallRow]):
    row_type = HallRow
    to_domain = staticmethod(mapping.hall)
    fill = staticmethod(mapping.fill_hall)


class SqlShowtimes(_RefRepository[Showtime, ShowtimeRow]):
    row_type = ShowtimeRow
    to_domain = staticmethod(mapping.showtime)
    fill = staticmethod(mapping.fill_showtime)

    async def between(self, start: datetime, end: datetime, movie_id: int | None = None) -> list[Showtime]:
        query = select(ShowtimeRow).where(ShowtimeRow.starts_at >= start, ShowtimeRow.starts_at < end)
        if movie_id is not None:
            query = query.where(ShowtimeRow.movie_id == movie_id)
        rows = await self.session.scalars(query.order_by(ShowtimeRow.starts_at, ShowtimeRow.id))
        return [mapping.showtime(r) for r in rows]


class SqlTicketTypes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self) -> list[TicketType]:
        rows = await self.session.scalars(select(TicketTypeRow).order_by(TicketTypeRow.position))
        return [mapping.ticket_type(r) for r in rows]

    async def get(self, code: str) -> TicketType | None:
        row = await self.session.get(TicketTypeRow, code)
        return mapping.ticket_type(row) if row else None

    async def upsert(self, ticket_type: TicketType) -> None:
        row = await self.session.get(TicketTypeRow, ticket_type.code)
        if row is None:
            row = TicketTypeRow()
            self.session.add(row)
        mapping.fill_ticket_type(row, ticket_type)
        await self.session.flush()


class SqlPromos:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_code(self, code: str) -> PromoCode | None:
        row = await self.session.scalar(select(PromoRow).where(PromoRow.code == code))
        return mapping.promo(row) if row else None

    async def list(self) -> list[PromoCode]:
        rows = await self.session.scalars(select(PromoRow).order_by(PromoRow.id))
        return [mapping.promo(r) for r in rows]

    async def add(self, promo: PromoCode) -> PromoCode:
        row = mapping.fill_promo(PromoRow(uses=0), promo)
        self.session.add(row)
        await self.session.flush()
        promo.id = row.id
        return promo

    async def update(self, promo: PromoCode) -> None:
        row = await self.session.get(PromoRow, promo.id)
        if row is None:
            raise LookupError(f"promo code {promo.id} does not exist")
        mapping.fill_promo(row, promo)
        await self.session.flush()

    async def customer_uses(self, promo_id: int, customer_id: int) -> int:
        uses = await self.session.scalar(
            select(PromoUseRow.uses).where(
                PromoUseRow.promo_id == promo_id, PromoUseRow.customer_id == customer_id
            )
        )
        return uses or 0

    async def redeem(self, promo_id: int, customer_id: int, *, enforce_limits: bool = True) -> bool:
        # Conditional updates decide races: the row lock (Postgres) or the write
        # lock (SQLite) serialises them, and the WHERE is evaluated on the latest row.
        async with self.session.begin_nested() as savepoint:
            total = update(PromoRow).where(PromoRow.id == promo_id).values(uses=PromoRow.uses + 1)
            if enforce_limits:
                total = total.where((PromoRow.max_uses.is_(None)) | (PromoRow.uses < PromoRow.max_uses))
            if (await self.session.execute(total)).rowcount != 1:
                await savepoint.rollback()
                return False
            limit = await self.session.scalar(
                select(PromoRow.max_uses_per_customer).where(PromoRow.id == promo_id)
            )
            insert = upsert_into(self.session, PromoUseRow).values(promo_id=promo_id, customer_id=customer_id, uses=1)
            where = PromoUseRow.uses < limit if enforce_limits and limit is not None else None
            upsert = insert.on_conflict_do_update(
                index_elements=[PromoUseRow.promo_id, PromoUseRow.customer_id],
                set_={"uses": PromoUseRow.uses + 1},
                where=where,
            )
            if (await self.session.execute(upsert)).rowcount != 1:
                await savepoint.rollback()
                return False
        return True

    async def give_back(self, promo_id: int, customer_id: int) -> None:
        await self.session.execute(
            update(PromoRow).where(PromoRow.id == promo_id, PromoRow.uses > 0).values(uses=PromoRow.uses - 1)
        )
        await self.session.execute(
            update(PromoUseRow)
            .where(
                PromoUseRow.promo_id == promo_id,
                PromoUseRow.customer_id == customer_id,
                PromoUseRow.uses > 0,
            )
            .values(uses=PromoUseRow.uses - 1)
        )


class SqlCustomers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> Customer | None:
        row = await self.session.get(CustomerRow, telegram_id)
        return mapping.customer(row) if row else None

    async def upsert(self, customer: Customer) -> None:
        # One statement, so two first messages of a new customer cannot collide.
        changes = {"name": customer.name, "language": customer.language, "announcements": customer.announcements}
        statement = upsert_into(self.session, CustomerRow).values(
            telegram_id=customer.telegram_id, created_at=customer.created_at or _utcnow(), **changes
        )
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[CustomerRow.telegram_id], set_=changes)
        )

    async def register(self, customer: Customer) -> Customer:
        # One statement (INSERT ... ON CONFLICT ... RETURNING): a known customer
        # gets only the new name; language, consent, reminders and created_at
        # stay as stored, and the stored row comes back.
        table = CustomerRow.__table__
        statement = upsert_into(self.session, table).values(
            telegram_id=customer.telegram_id,
            name=customer.name,
            language=customer.language,
            announcements=customer.announcements,
            reminders=customer.reminders,
            created_at=customer.created_at or _utcnow(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.telegram_id], set_={"name": statement.excluded.name}
        ).returning(table.c.name, table.c.language, table.c.announcements, table.c.reminders, table.c.created_at)
        name, language, announcements, reminders, created_at = (await self.session.execute(statement)).one()
        return Customer(customer.telegram_id, name, language, announcements, created_at, reminders)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SqlBookings:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, booking: Booking) -> Booking:
        at = booking.history[-1][1] if booking.history else booking.created_at
        row = BookingRow(
            customer_id=booking.customer_id,
            showtime_id=booking.showtime_id,
            status=str(booking.status),
            currency=booking.currency,
            vat_basis_points=booking.vat_basis_points,
            promo_code=booking.promo_code,
            discount_source=booking.discount_source,
            created_at=booking.created_at,
            expires_at=booking.expires_at,
            updated_at=at,
        )
        row.seats = [
            BookingSeatRow(
                showtime_id=booking.showtime_id,
                seat_code=s.seat_code,
                seat_kind=str(s.seat_kind),
                ticket_type=s.ticket_type,
                price=s.price.amount,
                discount=s.discount.amount,
                active=booking.status in ACTIVE_STATUSES,
            )
            for s in booking.seats
        ]
        row.events = [BookingEventRow(status=str(status), at=when) for status, when in booking.history]
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError as exc:
            if not is_seat_conflict(exc):
                raise
            sold = await self.sold_seats(booking.showtime_id)
            raise SeatsUnavailable([c for c in booking.seat_codes if c in sold]) from None
        booking.id = row.id
        return booking

    async def get(self, booking_id: int) -> Booking | None:
        row = await self.session.scalar(
            select(BookingRow).where(BookingRow.id == booking_id).execution_options(populate_existing=True)
        )
        return mapping.booking(row) if row else None

    async def for_customer(self, customer_id: int) -> list[Booking]:
        rows = await self.session.scalars(
            select(BookingRow).where(BookingRow.customer_id == customer_id).order_by(BookingRow.id)
        )
        return [mapping.booking(r) for r in rows]

    async def sold_seats(self, showtime_id: int) -> dict[str, int]:
        # Read for nearly every click of a sale: a Core query over the tables
        # skips the ORM's statement and row handling (a fifth of its cost), and
        # the database folds the seats into one JSON object: one row to decode
        # (json.loads) instead of a row object per seat sold (most of what was left).
        seats, bookings = BookingSeatRow.__table__, BookingRow.__table__
        fold = func.json_object_agg if self.session.bind.dialect.name == "postgresql" else func.json_group_object
        result = await self.session.execute(
            select(fold(seats.c.seat_code, bookings.c.customer_id, type_=String))
            .join(bookings, bookings.c.id == seats.c.booking_id)
            .where(seats.c.showtime_id == showtime_id, seats.c.active.is_(True))
        )
        folded = result.scalar_one()  # NULL when none; asyncpg decodes json itself
        if isinstance(folded, str):
            folded = json.loads(folded)
        return folded or {}

    async def sold_counts(self, showtime_ids: Sequence[int]) -> dict[int, int]:
        if not showtime_ids:
            return {}
        result = await self.session.execute(
            select(BookingSeatRow.showtime_id, func.count())
            .where(BookingSeatRow.showtime_id.in_(list(showtime_ids)), BookingSeatRow.active.is_(True))
            .group_by(BookingSeatRow.showtime_id)
        )
        return {sid: count for sid, count in result.all()}

    async def set_status(self, booking: Booking, sources: frozenset[BookingStatus], **fields: Any) -> bool:
        at = booking.history[-1][1] if booking.history else _utcnow()
        values = {
            "status": str(booking.status),
            "paid_at": booking.paid_at,
            "cancelled_at": booking.cancelled_at,
            "updated_at": at,
            **fields,
        }
        result = await self.session.execute(
            update(BookingRow)
            .where(BookingRow.id == booking.id, BookingRow.status.in_([str(s) for s in sources]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        for name, value in fields.items():
            setattr(booking, name, value)
        if booking.status not in ACTIVE_STATUSES:
            await self.session.execute(
                update(BookingSeatRow)
                .where(BookingSeatRow.booking_id == booking.id)
                .values(active=False)
                .execution_options(synchronize_session=False)
            )
        self.session.add(BookingEventRow(booking_id=booking.id, status=str(booking.status), at=at))
        await self.session.flush()
        return True

    async def record_payment(self, booking: Booking, **fields: Any) -> None:
        await self.session.execute(
            update(BookingRow)
            .where(BookingRow.id == booking.id)
            .values(**fields)
            .execution_options(synchronize_session=False)
        )
        for name, value in fields.items():
            setattr(booking, name, value)

    async def reactivate_seats(self, booking: Booking) -> bool:
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    update(BookingSeatRow)
                    .where(BookingSeatRow.booking_id == booking.id)
                    .values(active=True)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError as exc:
            if not is_seat_conflict(exc):
                raise
            return False
        return True

    async def overdue(self, now: datetime, limit: int = 500) -> list[int]:
        rows = await self.session.scalars(
            select(BookingRow.id)
            .where(
                BookingRow.status == str(BookingStatus.AWAITING_PAYMENT),
                BookingRow.expires_at <= now,
            )
            .order_by(BookingRow.expires_at)
            .limit(limit)
        )
        return list(rows)
