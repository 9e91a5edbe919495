"""key check: a canary and the hashing secrets, encrypted under the configured key

Revision ID: 0011_keys_key_check
Revises: 0010_money_bank_transaction_key
Create Date: 2026-12-02 00:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0011_keys_key_check'
down_revision: str | Sequence[str] | None = '0010_money_bank_transaction_key'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('key_check',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=16), nullable=False),
    sa.Column('updated_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_check'))
    )


def downgrade() -> None:
    op.drop_table('key_check')
