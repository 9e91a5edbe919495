"""portal: one-time links and sessions of the member portal (hashed tokens only)

Revision ID: 0015_portal_access
Revises: 0014_assembly_online_link
Create Date: 2026-12-05 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import governance.db.base

revision: str = "0015_portal_access"
down_revision: str | Sequence[str] | None = "0014_assembly_online_link"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = governance.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "portal_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
        sa.Column("used_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_portal_link_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_link_token_hash")),
    )
    with op.batch_alter_table("portal_link") as batch:
        batch.create_index("ix_portal_link_email_created", ["email", "created_at"], unique=False)
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("last_seen_at", _WHEN, nullable=False),
        sa.Column("ended_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_session_token_hash")),
    )
    with op.batch_alter_table("portal_session") as batch:
        batch.create_index(batch.f("ix_portal_session_email"), ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("portal_session") as batch:
        batch.drop_index(batch.f("ix_portal_session_email"))
    op.drop_table("portal_session")
    with op.batch_alter_table("portal_link") as batch:
        batch.drop_index("ix_portal_link_email_created")
    op.drop_table("portal_link")
