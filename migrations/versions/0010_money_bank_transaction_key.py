"""money: a bank transaction's stable identity on the payments it became (unique)

Revision ID: 0010_money_bank_transaction_key
Revises: 0009_refunds
Create Date: 2026-12-02 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_money_bank_transaction_key'
down_revision: str | Sequence[str] | None = '0009_refunds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('share_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_transaction_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_share_payment_bank_transaction_key'), ['bank_transaction_key']
        )


def downgrade() -> None:
    with op.batch_alter_table('share_payment', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_share_payment_bank_transaction_key'), type_='unique'
        )
        batch_op.drop_column('bank_transaction_key')
