"""foundation

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0001_foundation'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_number', sa.String(length=20), nullable=True),
    sa.Column('external_ref', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.Enum('person', 'company', name='member_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('applicant', 'active', 'restricted', 'resigned', 'excluded', 'deceased', 'erased', name='member_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=True),
    sa.Column('last_name', sa.String(length=120), nullable=True),
    sa.Column('company_name', sa.String(length=200), nullable=True),
    sa.Column('company_number', sa.String(length=10), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('office', sa.Enum('antwerpen', 'bruxelles', 'charleroi', 'kortrijk', 'eupen', 'gent', 'genk', 'liege', 'mons', 'namur', 'tournai', name='office', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('national_number_enc', sa.Text(), nullable=True),
    sa.Column('identity_hash', sa.String(length=64), nullable=True),
    sa.Column('attestation_type', sa.String(length=20), nullable=True),
    sa.Column('attestation_expires_on', sa.Date(), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_member_external_ref')),
    sa.UniqueConstraint('member_number', name=op.f('uq_member_member_number'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_company_number'), ['company_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_identity_hash'), ['identity_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_status'), ['status'], unique=False)

    op.create_table('decision_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('process', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('flow_run_id', sa.String(length=36), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_decision_request_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_request')),
    sa.UniqueConstraint('key', name=op.f('uq_decision_request_key'))
    )
    with op.batch_alter_table('decision_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_request_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_request_process'), ['process'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_request_status'), ['status'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=False),
    sa.Column('template_version', sa.String(length=64), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('format', sa.Enum('docx', 'pdf', name='document_format', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.String(length=400), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_document_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_document_idempotency_key'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_member_id'), ['member_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('attachment_keys', sa.JSON(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'bounced', 'failed', name='outbox_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('redelivered', sa.Boolean(), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_outbox_message_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_claim_token'), ['claim_token'], unique=False)
        batch_op.create_index('ix_outbox_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_member_id'), ['member_id'], unique=False)

    op.create_table('timeline_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('actor_kind', sa.Enum('staff', 'system', 'member', name='actor_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_timeline_event_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_event'))
    )
    with op.batch_alter_table('timeline_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timeline_event_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_timeline_event_subject', ['subject_type', 'subject_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('timeline_event', schema=None) as batch_op:
        batch_op.drop_index('ix_timeline_event_subject')
        batch_op.drop_index(batch_op.f('ix_timeline_event_member_id'))

    op.drop_table('timeline_event')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_member_id'))
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.drop_index(batch_op.f('ix_outbox_message_claim_token'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_member_id'))

    op.drop_table('document')
    with op.batch_alter_table('decision_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_request_status'))
        batch_op.drop_index(batch_op.f('ix_decision_request_process'))
        batch_op.drop_index(batch_op.f('ix_decision_request_member_id'))

    op.drop_table('decision_request')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_status'))
        batch_op.drop_index(batch_op.f('ix_member_identity_hash'))
        batch_op.drop_index(batch_op.f('ix_member_email'))
        batch_op.drop_index(batch_op.f('ix_member_company_number'))

    op.drop_table('member')

