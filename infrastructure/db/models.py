"""Typed SQLAlchemy 2 mappings. Times are UTC; money is integer minor units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from infrastructure.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class MovieRow(Base):
    __tablename__ = "movies"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    original_title: Mapped[str] = mapped_column(String(200), default="")
    runtime_min: Mapped[int]
    age_rating: Mapped[str] = mapped_column(String(16), default="")
    genres: Mapped[list[Any]] = mapped_column(default=list)
    synopsis: Mapped[str] = mapped_column(Text, default="")
    poster: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list[Any]] = mapped_column(default=list)
    subtitles: Mapped[list[Any]] = mapped_column(default=list)
    # language code -> text; the server default fills the rows from before migration 0005
    titles: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    synopses: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))


class HallRow(Base):
    __tablename__ = "halls"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    layout: Mapped[list[Any]]  # [[row label, places], ...]
    blocked: Mapped[list[Any]] = mapped_column(default=list)


class ShowtimeRow(Base):
    __tablename__ = "showtimes"
    __table_args__ = (Index("ix_showtimes_starts_at_movie", "starts_at", "movie_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id"))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    starts_at: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(16), default="2D")
    language: Mapped[str] = mapped_column(String(16), default="")
    subtitles: Mapped[str] = mapped_column(String(16), default="")
    currency: Mapped[str] = mapped_column(String(3))
    prices: Mapped[dict[str, Any]]  # seat kind -> minor units
    sales_close_minutes: Mapped[int] = mapped_column(default=0)


class TicketTypeRow(Base):
    __tablename__ = "ticket_types"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(16))
    value: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    needs_proof: Mapped[bool] = mapped_column(Boolean, default=False)


class PromoRow(Base):
    __tablename__ = "promo_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # stored upper case
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[int]
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    max_uses: Mapped[int | None]
    max_uses_per_customer: Mapped[int | None]
    min_tickets: Mapped[int] = mapped_column(default=1)
    movie_ids: Mapped[list[Any]] = mapped_column(default=list)
    showtime_ids: Mapped[list[Any]] = mapped_column(default=list)
    seat_kinds: Mapped[list[Any]] = mapped_column(default=list)
    uses: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PromoUseRow(Base):
    """Uses of a code per customer, counted by conditional upserts."""

    __tablename__ = "promo_customer_uses"
    promo_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uses: Mapped[int] = mapped_column(default=0)


class CustomerRow(Base):
    __tablename__ = "customers"
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    announcements: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reminders before a show are on unless the customer turned them off.
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime]


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_status_expires_at", "status", "expires_at"),
        Index("ix_bookings_customer_id", "customer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customers.telegram_id"))
    showtime_id: Mapped[int] = mapped_column(ForeignKey("showtimes.id"))
    status: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    vat_basis_points: Mapped[int] = mapped_column(default=0)
    promo_code: Mapped[str | None] = mapped_column(String(32))
    discount_source: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    payment_provider: Mapped[str | None] = mapped_column(String(16))
    payment_ref: Mapped[str | None] = mapped_column(String(128))
    paid_amount: Mapped[int | None]
    refund_ref: Mapped[str | None] = mapped_column(String(128))
    reminded_at: Mapped[datetime | None]  # set once, when the reminder was claimed
    updated_at: Mapped[datetime]
    seats: Mapped[list[BookingSeatRow]] = relationship(
        back_populates="booking", order_by="BookingSeatRow.id", lazy="selectin"
    )
    events: Mapped[list[BookingEventRow]] = relationship(
        order_by="BookingEventRow.id", lazy="selectin"
    )


class BookingSeatRow(Base):
    __tablename__ = "booking_seats"
    __table_args__ = (
        # The guard against selling a seat twice: one active row per seat and showtime.
        Index(
            "uq_booking_seats_active_seat",
            "showtime_id",
            "seat_code",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
        Index("ix_booking_seats_booking_id", "booking_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    showtime_id: Mapped[int] = mapped_column(ForeignKey("showtimes.id"))
    seat_code: Mapped[str] = mapped_column(String(8))
    seat_kind: Mapped[str] = mapped_column(String(16))
    ticket_type: Mapped[str] = mapped_column(String(16))
    price: Mapped[int]
    discount: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean)
    booking: Mapped[BookingRow] = relationship(back_populates="seats")


class PaymentRow(Base):
    """A provider checkout of a booking (Stripe session, PayPal order)."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref", name="uq_payments_provider_ref"),
        Index("ix_payments_booking_id", "booking_id"),
        # Refund and dispute events name the payment by these.
        Index("ix_payments_paid_ref", "provider", "paid_ref"),
        Index("ix_payments_refund_ref", "provider", "refund_ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    provider: Mapped[str] = mapped_column(String(16))
    provider_ref: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    paid_ref: Mapped[str | None] = mapped_column(String(128))
    refund_ref: Mapped[str | None] = mapped_column(String(128))
    problem: Mapped[str | None] = mapped_column(Text)  # for staff: a mismatch, a failed refund


class ProviderEventRow(Base):
    """Each webhook delivery by provider event id: recorded, then processed once."""

    __tablename__ = "provider_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_provider_events_event"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))  # what settling it did


class BookingEventRow(Base):
    """Every status a booking went through, for support and audit."""

    __tablename__ = "booking_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime]



class InvoiceCounterRow(Base):
    """The last number used per series; incremented in the transaction that stores
    the invoice, so a rollback gives the number back and no gap appears."""

    __tablename__ = "invoice_counters"
    series: Mapped[str] = mapped_column(String(24), primary_key=True)
    last_seq: Mapped[int]


class InvoiceRow(Base):
    """An issued invoice (or cancellation invoice): a snapshot, never edited; only
    its delivery columns (stored, sent) are filled in later."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "seq", name="uq_invoices_series_seq"),
        UniqueConstraint("booking_id", "kind", name="uq_invoices_booking_kind"),
        Index("ix_invoices_sent_at", "sent_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    series: Mapped[str] = mapped_column(String(24))
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    customer_id: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime]
    cancels: Mapped[str | None] = mapped_column(String(40))
    total: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    snapshot: Mapped[dict[str, Any]]
    storage_key: Mapped[str | None] = mapped_column(String(200))
    stored_at: Mapped[datetime | None]
    telegram_file_id: Mapped[str | None] = mapped_column(String(200))
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]


class TicketRow(Base):
    """A ticket of a paid booking seat; its secret is what the QR code holds."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("booking_id", "seat_code", name="uq_tickets_booking_seat"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    seat_code: Mapped[str] = mapped_column(String(8))
    ticket_type: Mapped[str] = mapped_column(String(16))
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]


class OutboxRow(Base):
    """A job caused by a committed transaction (the transactional outbox): written
    in that transaction, handed to the queue after the commit, marked done by the
    job, and handed over again by the sweeper if any of that was lost."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_done_at_id", "done_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]


class InstallationRow(Base):
    """One row: this installation's random key, the prefix of its idempotency keys
    (two installations on one provider account never share a key)."""

    __tablename__ = "installation"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class CinemaRow(Base):
    """One row: the cinema the catalog describes; its zone and currency have this home."""

    __tablename__ = "cinema"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime]
