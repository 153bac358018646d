"""Movies keep a title and a synopsis per language (JSON objects: language code ->
text) beside the default ones; movies stored before get none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('movies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titles', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column('synopses', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('movies', schema=None) as batch_op:
        batch_op.drop_column('synopses')
        batch_op.drop_column('titles')
