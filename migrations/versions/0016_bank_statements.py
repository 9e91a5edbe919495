"""bank statements: camt.053 files received, kept in the database for every worker

Revision ID: 0016_bank_statements
Revises: 0015_portal_access
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = "0016_bank_statements"
down_revision: str | Sequence[str] | None = "0015_portal_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = governance.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bank_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("account_iban", sa.String(length=34), nullable=False),
        sa.Column("statement_ids", sa.String(length=200), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("received_by", sa.String(length=120), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.Column("imported_at", _WHEN, nullable=True),
        sa.Column("import_report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
        sa.UniqueConstraint("sha256", name=op.f("uq_bank_statement_sha256")),
    )
    with op.batch_alter_table("bank_statement") as batch:
        batch.create_index(batch.f("ix_bank_statement_imported_at"), ["imported_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bank_statement") as batch:
        batch.drop_index(batch.f("ix_bank_statement_imported_at"))
    op.drop_table("bank_statement")
