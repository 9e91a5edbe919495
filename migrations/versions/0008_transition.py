"""transition: campaigns and invitees

Revision ID: 0008_transition
Revises: 0002_register
Create Date: 2026-11-27 15:51:26.597278
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0008_transition'
down_revision: str | Sequence[str] | None = '0002_register'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('transition_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('share_class', sa.String(length=1), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('reminder_days', sa.JSON(), nullable=False),
    sa.Column('restriction_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('restricted_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition_campaign')),
    sa.UniqueConstraint('name', name=op.f('uq_transition_campaign_name'))
    )
    op.create_table('transition_invitee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('office', sa.Enum('antwerpen', 'bruxelles', 'charleroi', 'kortrijk', 'eupen', 'gent', 'genk', 'liege', 'mons', 'namur', 'tournai', name='office', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('postal', sa.Boolean(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('last_reminded_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response', sa.Enum('not_now', 'resign', name='invitee_response', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('responded_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_by', sa.String(length=120), nullable=True),
    sa.Column('restricted_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['transition_campaign.id'], name=op.f('fk_transition_invitee_campaign_id_transition_campaign')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_transition_invitee_member_id_member')),
    sa.ForeignKeyConstraint(['subscription_id'], ['share_subscription.id'], name=op.f('fk_transition_invitee_subscription_id_share_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition_invitee')),
    sa.UniqueConstraint('campaign_id', 'member_id', name=op.f('uq_transition_invitee_campaign_id_member_id')),
    sa.UniqueConstraint('subscription_id', name=op.f('uq_transition_invitee_subscription_id'))
    )
    with op.batch_alter_table('transition_invitee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transition_invitee_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transition_invitee_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_transition_invitee_progress', ['campaign_id', 'invited_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('transition_invitee', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_invitee_progress')
        batch_op.drop_index(batch_op.f('ix_transition_invitee_member_id'))
        batch_op.drop_index(batch_op.f('ix_transition_invitee_campaign_id'))

    op.drop_table('transition_invitee')
    op.drop_table('transition_campaign')
