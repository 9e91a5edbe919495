"""onboarding: membership applications and their information requests

Revision ID: 0003_onboarding
Revises: 0001_foundation
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0003_onboarding'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'in_review', 'info_requested', 'approved', 'admitted', 'rejected', 'closed', name='application_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('kind', sa.Enum('person', 'company', name='member_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=True),
    sa.Column('last_name', sa.String(length=120), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('national_number_enc', sa.Text(), nullable=True),
    sa.Column('identity_hash', sa.String(length=64), nullable=True),
    sa.Column('attestation_type', sa.String(length=20), nullable=False),
    sa.Column('attestation_expires_on', sa.Date(), nullable=True),
    sa.Column('company_name', sa.String(length=200), nullable=True),
    sa.Column('company_number', sa.String(length=10), nullable=True),
    sa.Column('vat_number', sa.String(length=12), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=12), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('office', sa.Enum('antwerpen', 'bruxelles', 'charleroi', 'kortrijk', 'eupen', 'gent', 'genk', 'liege', 'mons', 'namur', 'tournai', name='office', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('share_class', sa.String(length=1), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('privacy_policy_accepted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('internal_rules_accepted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capital_risk_accepted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.String(length=120), nullable=False),
    sa.Column('submitted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_reasons', sa.JSON(), nullable=False),
    sa.Column('review_round', sa.Integer(), nullable=False),
    sa.Column('waiting_since', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('staff_reminders_sent', sa.Integer(), nullable=False),
    sa.Column('applicant_reminders_sent', sa.Integer(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_application_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('request_key', name=op.f('uq_application_request_key'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_identity_hash'), ['identity_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_status'), ['status'], unique=False)

    op.create_table('application_info_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('requested_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=120), nullable=True),
    sa.Column('answered_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_info_request_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_info_request'))
    )
    with op.batch_alter_table('application_info_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_info_request_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('application_info_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_info_request_application_id'))

    op.drop_table('application_info_request')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_status'))
        batch_op.drop_index(batch_op.f('ix_application_member_id'))
        batch_op.drop_index(batch_op.f('ix_application_identity_hash'))
        batch_op.drop_index(batch_op.f('ix_application_email'))
        batch_op.drop_index(batch_op.f('ix_application_birth_date'))

    op.drop_table('application')
