"""staff registry: staff members, their roles and TOTP secrets, recovery codes, answer checks

Revision ID: 0012_staff_registry
Revises: 0011_keys_key_check
Create Date: 2026-12-02 00:28:44.951236
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = '0012_staff_registry'
down_revision: str | Sequence[str] | None = '0011_keys_key_check'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_answer_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_key', sa.String(length=200), nullable=False),
    sa.Column('decision_key', sa.String(length=200), nullable=False),
    sa.Column('login', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('checked_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_answer_check')),
    sa.UniqueConstraint('answer_key', name=op.f('uq_staff_answer_check_answer_key'))
    )
    with op.batch_alter_table('staff_answer_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_answer_check_decision_key'), ['decision_key'], unique=False)

    op.create_table('staff_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('office', sa.Enum('antwerpen', 'bruxelles', 'charleroi', 'kortrijk', 'eupen', 'gent', 'genk', 'liege', 'mons', 'namur', 'tournai', name='office', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('totp_secret_enc', sa.Text(), nullable=True),
    sa.Column('enrolled_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.Integer(), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', governance.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_member')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_member_login'))
    )
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_member_email'), ['email'], unique=False)

    op.create_table('staff_recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', governance.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_recovery_code_staff_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_staff_recovery_code_code_hash'))
    )
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_code_staff_id'), ['staff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_code_staff_id'))

    op.drop_table('staff_recovery_code')
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_member_email'))

    op.drop_table('staff_member')
    with op.batch_alter_table('staff_answer_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_answer_check_decision_key'))

    op.drop_table('staff_answer_check')
