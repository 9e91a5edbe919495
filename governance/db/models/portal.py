"""The member portal's access records: one-time links (hashed) and sessions (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime, state_column
from governance.kernel.rules.enums import Language
from governance.members.rules.portal import LinkPurpose


class PortalLink(Base):
    """A one-time link sent by e-mail: only its sha256 is kept, with the browser that asked."""

    __tablename__ = "portal_link"
    __table_args__ = (Index("ix_portal_link_email_created", "email", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(state_column(LinkPurpose))
    email: Mapped[str] = mapped_column(String(254))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    browser_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[Language] = mapped_column(state_column(Language, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PortalSession(Base):
    """A signed-in browser: the cookie holds the token, the table only its sha256."""

    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    language: Mapped[Language] = mapped_column(state_column(Language, 2))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
