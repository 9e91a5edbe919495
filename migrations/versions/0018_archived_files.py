"""archive: the archived files in the database, for the database archive store

Revision ID: 0018_archived_files
Revises: 0017_document_csv
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = "0018_archived_files"
down_revision: str | Sequence[str] | None = "0017_document_csv"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = governance.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "archived_file",
        sa.Column("relative_path", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("relative_path", name=op.f("pk_archived_file")),
    )


def downgrade() -> None:
    op.drop_table("archived_file")
