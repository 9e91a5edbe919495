"""contracts: declarations, checks, approvals, invoices, Dimona records

Revision ID: 0004_contracts
Revises: 0001_foundation
Create Date: 2026-11-27 15:46:54.488061
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0004_contracts'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contract_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('person', 'company', name='client_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('enterprise_number', sa.String(length=20), nullable=True),
    sa.Column('vat_number', sa.String(length=20), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=12), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_client'))
    )
    with op.batch_alter_table('contract_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_client_enterprise_number'), ['enterprise_number'], unique=False)

    op.create_table('contract_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_ref', sa.String(length=60), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'awaiting_decision', 'correction_requested', 'approved', 'refused', 'cancelled', name='declaration_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('function', sa.String(length=120), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('days_count', sa.Integer(), nullable=False),
    sa.Column('work_country', sa.String(length=2), nullable=False),
    sa.Column('amount_excl_vat_cents', sa.Integer(), nullable=False),
    sa.Column('vat_regime', sa.Enum('standard_21', 'reduced_6', 'reverse_charge', 'exempt', name='vat_regime', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('office', sa.Enum('antwerpen', 'bruxelles', 'charleroi', 'kortrijk', 'eupen', 'gent', 'genk', 'liege', 'mons', 'namur', 'tournai', name='office', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('employment_language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('required_approvals', sa.Integer(), nullable=False),
    sa.Column('a1_required', sa.Boolean(), nullable=False),
    sa.Column('refused_inputs', sa.Integer(), nullable=False),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['contract_client.id'], name=op.f('fk_contract_declaration_client_id_contract_client')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_contract_declaration_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_declaration')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_contract_declaration_external_ref'))
    )
    with op.batch_alter_table('contract_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_declaration_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_declaration_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_contract_declaration_status_first_day', ['status', 'first_day'], unique=False)

    op.create_table('contract_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('staff_login', sa.String(length=120), nullable=False),
    sa.Column('decision_key', sa.String(length=200), nullable=False),
    sa.Column('approved_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['contract_declaration.id'], name=op.f('fk_contract_approval_declaration_id_contract_declaration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_approval')),
    sa.UniqueConstraint('decision_key', name=op.f('uq_contract_approval_decision_key')),
    sa.UniqueConstraint('declaration_id', 'revision', 'staff_login', name=op.f('uq_contract_approval_declaration_id_revision_staff_login'))
    )
    with op.batch_alter_table('contract_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_approval_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('contract_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('code', sa.Enum('member_active', 'share_covers_work_years', 'client_identifiers', 'declared_before_work', 'amount_positive', 'minimum_gross_salary', 'employment_language', 'work_abroad_a1', 'client_outstanding', 'fee', 'approval_level', name='check_code', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('outcome', sa.Enum('pass', 'review', 'fail', name='check_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('checked_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['contract_declaration.id'], name=op.f('fk_contract_check_declaration_id_contract_declaration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_check')),
    sa.UniqueConstraint('declaration_id', 'revision', 'code', name=op.f('uq_contract_check_declaration_id_revision_code'))
    )
    with op.batch_alter_table('contract_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_check_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('contract_dimona',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('employer_enterprise_number', sa.String(length=10), nullable=False),
    sa.Column('joint_committee', sa.String(length=10), nullable=False),
    sa.Column('worker_type', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('in_deadline', sa.Date(), nullable=False),
    sa.Column('out_deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('exported_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['contract_declaration.id'], name=op.f('fk_contract_dimona_declaration_id_contract_declaration')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_contract_dimona_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_dimona')),
    sa.UniqueConstraint('declaration_id', name=op.f('uq_contract_dimona_declaration_id'))
    )
    with op.batch_alter_table('contract_dimona', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_dimona_in_deadline'), ['in_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_dimona_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_dimona_status'), ['status'], unique=False)

    op.create_table('contract_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('structured_communication', sa.String(length=24), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('net_cents', sa.Integer(), nullable=False),
    sa.Column('vat_regime', sa.Enum('standard_21', 'reduced_6', 'reverse_charge', 'exempt', name='vat_regime', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('vat_cents', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['contract_client.id'], name=op.f('fk_contract_invoice_client_id_contract_client')),
    sa.ForeignKeyConstraint(['declaration_id'], ['contract_declaration.id'], name=op.f('fk_contract_invoice_declaration_id_contract_declaration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_invoice')),
    sa.UniqueConstraint('declaration_id', name=op.f('uq_contract_invoice_declaration_id')),
    sa.UniqueConstraint('number', name=op.f('uq_contract_invoice_number')),
    sa.UniqueConstraint('structured_communication', name=op.f('uq_contract_invoice_structured_communication'))
    )
    with op.batch_alter_table('contract_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_invoice_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_invoice_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('contract_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_invoice_status'))
        batch_op.drop_index(batch_op.f('ix_contract_invoice_client_id'))

    op.drop_table('contract_invoice')
    with op.batch_alter_table('contract_dimona', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_dimona_status'))
        batch_op.drop_index(batch_op.f('ix_contract_dimona_member_id'))
        batch_op.drop_index(batch_op.f('ix_contract_dimona_in_deadline'))

    op.drop_table('contract_dimona')
    with op.batch_alter_table('contract_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_check_declaration_id'))

    op.drop_table('contract_check')
    with op.batch_alter_table('contract_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_approval_declaration_id'))

    op.drop_table('contract_approval')
    with op.batch_alter_table('contract_declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_declaration_status_first_day')
        batch_op.drop_index(batch_op.f('ix_contract_declaration_member_id'))
        batch_op.drop_index(batch_op.f('ix_contract_declaration_client_id'))

    op.drop_table('contract_declaration')
    with op.batch_alter_table('contract_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_client_enterprise_number'))

    op.drop_table('contract_client')
