"""General assembly: assemblies, resolutions, voters frozen at the record date, mailing chunks

Revision ID: 0006_assembly
Revises: 0001_foundation
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0006_assembly'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assembly',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('ordinary', 'extraordinary', 'mixed', name='assembly_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('meeting_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('remote_voting_allowed', sa.Boolean(), nullable=False),
    sa.Column('record_date', sa.Date(), nullable=False),
    sa.Column('voting_opens_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voting_closes_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('draft', 'convened', 'closed', name='assembly_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('second_meeting', sa.Boolean(), nullable=False),
    sa.Column('board_report_document_key', sa.String(length=200), nullable=True),
    sa.Column('snapshot_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('convened_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closing_scheduled_run_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly'))
    )
    op.create_table('assembly_mailing_chunk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('first_voter_id', sa.Integer(), nullable=False),
    sa.Column('last_voter_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('documents_done_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mail_done_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('postal', sa.Integer(), nullable=False),
    sa.Column('bounced', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_assembly_mailing_chunk_assembly_id_assembly')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_mailing_chunk')),
    sa.UniqueConstraint('assembly_id', 'phase', 'number', name=op.f('uq_assembly_mailing_chunk_assembly_id_phase_number'))
    )
    with op.batch_alter_table('assembly_mailing_chunk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_mailing_chunk_assembly_id'), ['assembly_id'], unique=False)

    op.create_table('assembly_voter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('shares_by_class', sa.JSON(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('language', sa.Enum('fr', 'nl', 'de', 'en', name='language', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('postal', sa.Boolean(), nullable=False),
    sa.Column('ballot_code_hash', sa.String(length=64), nullable=False),
    sa.Column('voted', sa.Boolean(), nullable=False),
    sa.Column('prepared_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_assembly_voter_assembly_id_assembly')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_assembly_voter_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_voter')),
    sa.UniqueConstraint('assembly_id', 'member_id', name=op.f('uq_assembly_voter_assembly_id_member_id')),
    sa.UniqueConstraint('ballot_code_hash', name=op.f('uq_assembly_voter_ballot_code_hash'))
    )
    with op.batch_alter_table('assembly_voter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_voter_assembly_id'), ['assembly_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assembly_voter_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_assembly_voter_progress', ['assembly_id', 'prepared_at'], unique=False)

    op.create_table('resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.Enum('ordinary', 'statute_amendment', 'object_change', 'election', name='resolution_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('board_report', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_resolution_assembly_id_assembly')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution')),
    sa.UniqueConstraint('assembly_id', 'code', name=op.f('uq_resolution_assembly_id_code')),
    sa.UniqueConstraint('assembly_id', 'position', name=op.f('uq_resolution_assembly_id_position'))
    )
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_assembly_id'), ['assembly_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_assembly_id'))

    op.drop_table('resolution')
    with op.batch_alter_table('assembly_voter', schema=None) as batch_op:
        batch_op.drop_index('ix_assembly_voter_progress')
        batch_op.drop_index(batch_op.f('ix_assembly_voter_member_id'))
        batch_op.drop_index(batch_op.f('ix_assembly_voter_assembly_id'))

    op.drop_table('assembly_voter')
    with op.batch_alter_table('assembly_mailing_chunk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_mailing_chunk_assembly_id'))

    op.drop_table('assembly_mailing_chunk')
    op.drop_table('assembly')
