"""register: share register entries (hash chain), subscriptions, payments, holdings

Revision ID: 0002_register
Revises: 0001_foundation
Create Date: 2026-11-27 15:45:20.577363
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0002_register'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('register_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_sequence', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_register_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_head'))
    )
    # The chain starts empty: entry #1 will point to the genesis hash.
    op.execute("INSERT INTO register_head (id, last_sequence, last_hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table('share_holding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('share_class', sa.String(length=1), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('paid_cents >= 0', name=op.f('ck_share_holding_paid_not_negative')),
    sa.CheckConstraint('shares >= 0', name=op.f('ck_share_holding_shares_not_negative')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_share_holding_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_holding')),
    sa.UniqueConstraint('member_id', 'share_class', name=op.f('uq_share_holding_member_id_share_class'))
    )
    with op.batch_alter_table('share_holding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_holding_member_id'), ['member_id'], unique=False)

    op.create_table('share_resignation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=200), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('repayment_cents', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('repayment_cents >= 0', name=op.f('ck_share_resignation_repayment_not_negative')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_share_resignation_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_resignation')),
    sa.UniqueConstraint('request_key', name=op.f('uq_share_resignation_request_key'))
    )
    with op.batch_alter_table('share_resignation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_resignation_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_resignation_status'), ['status'], unique=False)

    op.create_table('share_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('share_class', sa.String(length=1), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_payment', 'issued', 'cancelled', name='subscription_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('structured_communication', sa.String(length=12), nullable=True),
    sa.Column('request_key', sa.String(length=200), nullable=True),
    sa.Column('subscribed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('reminded_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'issued' OR paid_cents >= amount_cents", name=op.f('ck_share_subscription_issued_paid')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_share_subscription_amount_positive')),
    sa.CheckConstraint('paid_cents >= 0', name=op.f('ck_share_subscription_paid_not_negative')),
    sa.CheckConstraint('shares > 0', name=op.f('ck_share_subscription_shares_positive')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_share_subscription_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_subscription')),
    sa.UniqueConstraint('request_key', name=op.f('uq_share_subscription_request_key')),
    sa.UniqueConstraint('structured_communication', name=op.f('uq_share_subscription_structured_communication'))
    )
    with op.batch_alter_table('share_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_subscription_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_subscription_status'), ['status'], unique=False)

    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('subscription', 'payment', 'issue', 'transfer', 'resignation', 'exclusion', 'death', 'cancellation', name='register_entry_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('counterparty_id', sa.Integer(), nullable=True),
    sa.Column('share_class', sa.String(length=1), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=400), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'transfer' OR (counterparty_id IS NOT NULL AND counterparty_id <> member_id AND shares > 0)", name=op.f('ck_register_entry_transfer_parties')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_register_entry_amount_not_negative')),
    sa.CheckConstraint('sequence > 0', name=op.f('ck_register_entry_sequence_positive')),
    sa.CheckConstraint('shares >= 0', name=op.f('ck_register_entry_shares_not_negative')),
    sa.ForeignKeyConstraint(['counterparty_id'], ['member.id'], name=op.f('fk_register_entry_counterparty_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_register_entry_member_id_member')),
    sa.ForeignKeyConstraint(['subscription_id'], ['share_subscription.id'], name=op.f('fk_register_entry_subscription_id_share_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_register_entry_entry_hash')),
    sa.UniqueConstraint('sequence', name=op.f('uq_register_entry_sequence'))
    )
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entry_counterparty_id'), ['counterparty_id'], unique=False)
        batch_op.create_index('ix_register_entry_effective', ['effective_on', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('share_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('bank_reference', sa.String(length=120), nullable=True),
    sa.Column('structured_reference', sa.String(length=12), nullable=True),
    sa.Column('payer_name', sa.String(length=200), nullable=True),
    sa.Column('payer_iban', sa.String(length=34), nullable=True),
    sa.Column('review_key', sa.String(length=200), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_share_payment_amount_positive')),
    sa.ForeignKeyConstraint(['subscription_id'], ['share_subscription.id'], name=op.f('fk_share_payment_subscription_id_share_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_payment')),
    sa.UniqueConstraint('source_key', name=op.f('uq_share_payment_source_key'))
    )
    with op.batch_alter_table('share_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_payment_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_payment_subscription_id'), ['subscription_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('share_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_payment_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_share_payment_status'))

    op.drop_table('share_payment')
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entry_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_register_entry_member_id'))
        batch_op.drop_index('ix_register_entry_effective')
        batch_op.drop_index(batch_op.f('ix_register_entry_counterparty_id'))

    op.drop_table('register_entry')
    with op.batch_alter_table('share_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_subscription_status'))
        batch_op.drop_index(batch_op.f('ix_share_subscription_member_id'))

    op.drop_table('share_subscription')
    with op.batch_alter_table('share_resignation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_resignation_status'))
        batch_op.drop_index(batch_op.f('ix_share_resignation_member_id'))

    op.drop_table('share_resignation')
    with op.batch_alter_table('share_holding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_holding_member_id'))

    op.drop_table('share_holding')
    op.drop_table('register_head')
