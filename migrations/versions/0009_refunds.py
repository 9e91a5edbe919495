"""refunds: money owed back outside a resignation, paid by the SEPA repayment batch

Revision ID: 0009_refunds
Revises: 0008_transition
Create Date: 2026-11-27 19:39:23.063348
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0009_refunds'
down_revision: str | Sequence[str] | None = '0008_transition'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('share_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_share_refund_amount_positive')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_share_refund_member_id_member')),
    sa.ForeignKeyConstraint(['payment_id'], ['share_payment.id'], name=op.f('fk_share_refund_payment_id_share_payment')),
    sa.ForeignKeyConstraint(['subscription_id'], ['share_subscription.id'], name=op.f('fk_share_refund_subscription_id_share_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_refund')),
    sa.UniqueConstraint('source_key', name=op.f('uq_share_refund_source_key'))
    )
    with op.batch_alter_table('share_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_refund_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_refund_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_refund_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('share_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_refund_status'))
        batch_op.drop_index(batch_op.f('ix_share_refund_member_id'))
        batch_op.drop_index(batch_op.f('ix_share_refund_batch_id'))

    op.drop_table('share_refund')
