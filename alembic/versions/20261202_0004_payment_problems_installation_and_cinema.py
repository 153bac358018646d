"""Payments keep what went wrong (a mismatch, a failed refund) and are found by their
paid and refund references; provider events keep their outcome; the installation's
key (prefix of idempotency keys) and the cinema (its zone and currency) get a home.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 15:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.Text(), nullable=True))
        batch_op.create_index('ix_payments_paid_ref', ['provider', 'paid_ref'], unique=False)
        batch_op.create_index('ix_payments_refund_ref', ['provider', 'refund_ref'], unique=False)
    with op.batch_alter_table('provider_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
    op.create_table('installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    op.create_table('cinema',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cinema'))
    )


def downgrade() -> None:
    op.drop_table('cinema')
    op.drop_table('installation')
    with op.batch_alter_table('provider_events', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_refund_ref')
        batch_op.drop_index('ix_payments_paid_ref')
        batch_op.drop_column('problem')
