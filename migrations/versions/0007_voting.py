"""voting: anonymous ballots, attendance, proxies and the closing seal

Revision ID: 0007_voting
Revises: 0006_assembly
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0007_voting'
down_revision: str | Sequence[str] | None = '0006_assembly'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('attendance',
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('present', 'remote', 'represented', name='attendance_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('represented_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_attendance_assembly_id_assembly')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_attendance_member_id_member')),
    sa.PrimaryKeyConstraint('assembly_id', 'member_id', name=op.f('pk_attendance')),
    sqlite_with_rowid=False
    )
    op.create_table('ballot',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('replace_tag', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_ballot_assembly_id_assembly')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
    sa.UniqueConstraint('assembly_id', 'replace_tag', name=op.f('uq_ballot_assembly_id_replace_tag')),
    sa.UniqueConstraint('receipt', name=op.f('uq_ballot_receipt')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_assembly_id'), ['assembly_id'], unique=False)

    op.create_table('proxy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('giver_member_id', sa.Integer(), nullable=False),
    sa.Column('holder_member_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('holder_key', sa.String(length=220), nullable=False),
    sa.Column('given_by_staff', sa.String(length=120), nullable=False),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_proxy_assembly_id_assembly')),
    sa.ForeignKeyConstraint(['giver_member_id'], ['member.id'], name=op.f('fk_proxy_giver_member_id_member')),
    sa.ForeignKeyConstraint(['holder_member_id'], ['member.id'], name=op.f('fk_proxy_holder_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy')),
    sa.UniqueConstraint('assembly_id', 'giver_member_id', name=op.f('uq_proxy_assembly_id_giver_member_id'))
    )
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_assembly_id'), ['assembly_id'], unique=False)
        batch_op.create_index('ix_proxy_holder', ['assembly_id', 'holder_key'], unique=False)

    op.create_table('voting_seal',
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=120), nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('voters_marked', sa.Integer(), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.Column('scenario_sha256', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assembly.id'], name=op.f('fk_voting_seal_assembly_id_assembly')),
    sa.PrimaryKeyConstraint('assembly_id', name=op.f('pk_voting_seal'))
    )


def downgrade() -> None:
    op.drop_table('voting_seal')
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.drop_index('ix_proxy_holder')
        batch_op.drop_index(batch_op.f('ix_proxy_assembly_id'))

    op.drop_table('proxy')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_assembly_id'))

    op.drop_table('ballot')
    op.drop_table('attendance')
