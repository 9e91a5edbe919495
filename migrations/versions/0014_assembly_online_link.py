"""assembly: the link of the online part of a meeting, apart from its address

Revision ID: 0014_assembly_online_link
Revises: 0013_invoices_einvoicing
Create Date: 2026-12-05 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_assembly_online_link"
down_revision: str | Sequence[str] | None = "0013_invoices_einvoicing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0006_assembly"  # the table it changes


def upgrade() -> None:
    with op.batch_alter_table("assembly") as batch:
        batch.add_column(sa.Column("online_link", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assembly") as batch:
        batch.drop_column("online_link")
