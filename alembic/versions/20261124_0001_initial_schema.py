"""Initial schema: catalog, customers, promo codes, bookings and their seats.

The partial unique index uq_booking_seats_active_seat is the guard against
selling a seat twice.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 22:44:39.307940
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('telegram_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('announcements', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('telegram_id', name=op.f('pk_customers'))
    )
    op.create_table('halls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('blocked', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_halls')),
    sa.UniqueConstraint('ref', name=op.f('uq_halls_ref'))
    )
    op.create_table('movies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_title', sa.String(length=200), nullable=False),
    sa.Column('runtime_min', sa.Integer(), nullable=False),
    sa.Column('age_rating', sa.String(length=16), nullable=False),
    sa.Column('genres', sa.JSON(), nullable=False),
    sa.Column('synopsis', sa.Text(), nullable=False),
    sa.Column('poster', sa.String(length=500), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('subtitles', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movies')),
    sa.UniqueConstraint('ref', name=op.f('uq_movies_ref'))
    )
    op.create_table('promo_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('max_uses_per_customer', sa.Integer(), nullable=True),
    sa.Column('min_tickets', sa.Integer(), nullable=False),
    sa.Column('movie_ids', sa.JSON(), nullable=False),
    sa.Column('showtime_ids', sa.JSON(), nullable=False),
    sa.Column('seat_kinds', sa.JSON(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_promo_codes_code'))
    )
    op.create_table('ticket_types',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('needs_proof', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ticket_types'))
    )
    op.create_table('promo_customer_uses',
    sa.Column('promo_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['promo_id'], ['promo_codes.id'], name=op.f('fk_promo_customer_uses_promo_id_promo_codes')),
    sa.PrimaryKeyConstraint('promo_id', 'customer_id', name=op.f('pk_promo_customer_uses'))
    )
    op.create_table('showtimes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=100), nullable=False),
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subtitles', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('prices', sa.JSON(), nullable=False),
    sa.Column('sales_close_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_showtimes_hall_id_halls')),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_showtimes_movie_id_movies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showtimes')),
    sa.UniqueConstraint('ref', name=op.f('uq_showtimes_ref'))
    )
    with op.batch_alter_table('showtimes', schema=None) as batch_op:
        batch_op.create_index('ix_showtimes_starts_at_movie', ['starts_at', 'movie_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('showtime_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vat_basis_points', sa.Integer(), nullable=False),
    sa.Column('promo_code', sa.String(length=32), nullable=True),
    sa.Column('discount_source', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_provider', sa.String(length=16), nullable=True),
    sa.Column('payment_ref', sa.String(length=128), nullable=True),
    sa.Column('paid_amount', sa.Integer(), nullable=True),
    sa.Column('refund_ref', sa.String(length=128), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.telegram_id'], name=op.f('fk_bookings_customer_id_customers')),
    sa.ForeignKeyConstraint(['showtime_id'], ['showtimes.id'], name=op.f('fk_bookings_showtime_id_showtimes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_bookings_status_expires_at', ['status', 'expires_at'], unique=False)

    op.create_table('booking_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_events_booking_id_bookings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_events'))
    )
    with op.batch_alter_table('booking_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_events_booking_id'), ['booking_id'], unique=False)

    op.create_table('booking_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('showtime_id', sa.Integer(), nullable=False),
    sa.Column('seat_code', sa.String(length=8), nullable=False),
    sa.Column('seat_kind', sa.String(length=16), nullable=False),
    sa.Column('ticket_type', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('discount', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_seats_booking_id_bookings')),
    sa.ForeignKeyConstraint(['showtime_id'], ['showtimes.id'], name=op.f('fk_booking_seats_showtime_id_showtimes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_seats'))
    )
    with op.batch_alter_table('booking_seats', schema=None) as batch_op:
        batch_op.create_index('ix_booking_seats_booking_id', ['booking_id'], unique=False)
        batch_op.create_index('uq_booking_seats_active_seat', ['showtime_id', 'seat_code'], unique=True, postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))



def downgrade() -> None:
    with op.batch_alter_table('booking_seats', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_seats_active_seat', postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))
        batch_op.drop_index('ix_booking_seats_booking_id')

    op.drop_table('booking_seats')
    with op.batch_alter_table('booking_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_events_booking_id'))

    op.drop_table('booking_events')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_status_expires_at')
        batch_op.drop_index('ix_bookings_customer_id')

    op.drop_table('bookings')
    with op.batch_alter_table('showtimes', schema=None) as batch_op:
        batch_op.drop_index('ix_showtimes_starts_at_movie')

    op.drop_table('showtimes')
    op.drop_table('promo_customer_uses')
    op.drop_table('ticket_types')
    op.drop_table('promo_codes')
    op.drop_table('movies')
    op.drop_table('halls')
    op.drop_table('customers')
