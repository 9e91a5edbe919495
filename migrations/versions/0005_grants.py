"""grants

Revision ID: 0005_grants
Revises: 0001_foundation
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0005_grants'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('grant_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('accompaniment', 'salto', 'other', name='grant_call_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'screened', 'in_review', 'ranked', 'decided', 'closed', name='grant_call_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('opens_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_due_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('budget_cents', sa.Integer(), nullable=False),
    sa.Column('max_applications', sa.Integer(), nullable=False),
    sa.Column('min_amount_cents', sa.Integer(), nullable=False),
    sa.Column('max_amount_cents', sa.Integer(), nullable=False),
    sa.Column('reviewers_per_application', sa.Integer(), nullable=False),
    sa.Column('review_quorum', sa.Integer(), nullable=False),
    sa.Column('partial_funding', sa.Boolean(), nullable=False),
    sa.Column('instalment_percents', sa.JSON(), nullable=False),
    sa.Column('report_interval_days', sa.Integer(), nullable=False),
    sa.Column('decided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_call')),
    sa.UniqueConstraint('name', name=op.f('uq_grant_call_name'))
    )
    op.create_table('grant_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'ineligible', 'beyond_limit', 'in_review', 'ranked', 'awarded', 'rejected', name='grant_application_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('project_title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('activity_ref', sa.String(length=40), nullable=True),
    sa.Column('amount_asked_cents', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('submitted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ineligibility', sa.JSON(), nullable=False),
    sa.Column('score_hundredths', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('proposed_cents', sa.Integer(), nullable=True),
    sa.Column('final_cents', sa.Integer(), nullable=True),
    sa.Column('board_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['grant_call.id'], name=op.f('fk_grant_application_call_id_grant_call')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_grant_application_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_application')),
    sa.UniqueConstraint('call_id', 'member_id', name=op.f('uq_grant_application_call_id_member_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_grant_application_reference'))
    )
    with op.batch_alter_table('grant_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_application_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_application_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_application_status'), ['status'], unique=False)

    op.create_table('grant_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['grant_call.id'], name=op.f('fk_grant_criterion_call_id_grant_call')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_criterion')),
    sa.UniqueConstraint('call_id', 'code', name=op.f('uq_grant_criterion_call_id_code'))
    )
    with op.batch_alter_table('grant_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_criterion_call_id'), ['call_id'], unique=False)

    op.create_table('grant_payment_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['grant_call.id'], name=op.f('fk_grant_payment_batch_call_id_grant_call')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_payment_batch')),
    sa.UniqueConstraint('reference', name=op.f('uq_grant_payment_batch_reference'))
    )
    with op.batch_alter_table('grant_payment_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_payment_batch_call_id'), ['call_id'], unique=False)

    op.create_table('grant_reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('activity_refs', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['grant_call.id'], name=op.f('fk_grant_reviewer_call_id_grant_call')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_grant_reviewer_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_reviewer')),
    sa.UniqueConstraint('call_id', 'login', name=op.f('uq_grant_reviewer_call_id_login'))
    )
    with op.batch_alter_table('grant_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_reviewer_call_id'), ['call_id'], unique=False)

    op.create_table('grant_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'reviewed', 'recused', name='grant_assignment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('recusal_reason', sa.String(length=400), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('assigned_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['grant_application.id'], name=op.f('fk_grant_assignment_application_id_grant_application')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['grant_reviewer.id'], name=op.f('fk_grant_assignment_reviewer_id_grant_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_assignment')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_grant_assignment_application_id_reviewer_id'))
    )
    with op.batch_alter_table('grant_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_assignment_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_assignment_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('grant_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=False),
    sa.Column('awarded_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['grant_application.id'], name=op.f('fk_grant_award_application_id_grant_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_award')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grant_award_application_id'))
    )
    op.create_table('grant_budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['grant_application.id'], name=op.f('fk_grant_budget_line_application_id_grant_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_budget_line'))
    )
    with op.batch_alter_table('grant_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_budget_line_application_id'), ['application_id'], unique=False)

    op.create_table('grant_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=200), nullable=False),
    sa.Column('declared_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_grant_conflict_member_id_member')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['grant_reviewer.id'], name=op.f('fk_grant_conflict_reviewer_id_grant_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_conflict')),
    sa.UniqueConstraint('reviewer_id', 'member_id', name=op.f('uq_grant_conflict_reviewer_id_member_id'))
    )
    with op.batch_alter_table('grant_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_conflict_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('grant_instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_report', 'released', 'paid', name='grant_instalment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('report_due_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payment_batch', sa.String(length=60), nullable=True),
    sa.Column('end_to_end_id', sa.String(length=35), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['grant_award.id'], name=op.f('fk_grant_instalment_award_id_grant_award')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_instalment')),
    sa.UniqueConstraint('award_id', 'seq', name=op.f('uq_grant_instalment_award_id_seq')),
    sa.UniqueConstraint('end_to_end_id', name=op.f('uq_grant_instalment_end_to_end_id'))
    )
    with op.batch_alter_table('grant_instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_instalment_award_id'), ['award_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_instalment_payment_batch'), ['payment_batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_instalment_status'), ['status'], unique=False)

    op.create_table('grant_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['grant_assignment.id'], name=op.f('fk_grant_score_assignment_id_grant_assignment')),
    sa.ForeignKeyConstraint(['criterion_id'], ['grant_criterion.id'], name=op.f('fk_grant_score_criterion_id_grant_criterion')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_score')),
    sa.UniqueConstraint('assignment_id', 'criterion_id', name=op.f('uq_grant_score_assignment_id_criterion_id'))
    )
    with op.batch_alter_table('grant_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_score_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('grant_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instalment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'rejected', name='grant_report_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('submitted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['instalment_id'], ['grant_instalment.id'], name=op.f('fk_grant_report_instalment_id_grant_instalment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_report'))
    )
    with op.batch_alter_table('grant_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_report_instalment_id'), ['instalment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('grant_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_report_instalment_id'))

    op.drop_table('grant_report')
    with op.batch_alter_table('grant_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_score_assignment_id'))

    op.drop_table('grant_score')
    with op.batch_alter_table('grant_instalment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_instalment_status'))
        batch_op.drop_index(batch_op.f('ix_grant_instalment_payment_batch'))
        batch_op.drop_index(batch_op.f('ix_grant_instalment_award_id'))

    op.drop_table('grant_instalment')
    with op.batch_alter_table('grant_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_conflict_reviewer_id'))

    op.drop_table('grant_conflict')
    with op.batch_alter_table('grant_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_budget_line_application_id'))

    op.drop_table('grant_budget_line')
    op.drop_table('grant_award')
    with op.batch_alter_table('grant_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_assignment_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_grant_assignment_application_id'))

    op.drop_table('grant_assignment')
    with op.batch_alter_table('grant_reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_reviewer_call_id'))

    op.drop_table('grant_reviewer')
    with op.batch_alter_table('grant_payment_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_payment_batch_call_id'))

    op.drop_table('grant_payment_batch')
    with op.batch_alter_table('grant_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_criterion_call_id'))

    op.drop_table('grant_criterion')
    with op.batch_alter_table('grant_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_application_status'))
        batch_op.drop_index(batch_op.f('ix_grant_application_member_id'))
        batch_op.drop_index(batch_op.f('ix_grant_application_call_id'))

    op.drop_table('grant_application')
    op.drop_table('grant_call')
