"""document format csv: the print shop's address lists were recorded as DOCX

Revision ID: 0017_document_csv
Revises: 0016_bank_statements
Create Date: 2026-12-05 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_document_csv"
down_revision: str | Sequence[str] | None = "0016_bank_statements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK = "document_format"  # named ck_document_document_format by the naming convention


def _formats(*values: str) -> None:
    allowed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_document_{_CHECK}"), type_="check")
        batch_op.create_check_constraint(_CHECK, sa.text(f"format IN ({allowed})"))


def upgrade() -> None:
    _formats("docx", "pdf", "csv")
    op.execute("UPDATE document SET format = 'csv' WHERE path LIKE '%.csv'")


def downgrade() -> None:
    op.execute("UPDATE document SET format = 'docx' WHERE format = 'csv'")
    _formats("docx", "pdf")
