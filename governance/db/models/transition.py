"""The cooperative transition: campaigns turning existing members into shareholders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime
from governance.db.models.core import _enum
from governance.kernel.rules.enums import Language, Office
from governance.transition.rules.transition import InviteeResponse


class TransitionCampaign(Base):
    """One campaign: who is invited to subscribe, by when, and when restriction applies."""

    __tablename__ = "transition_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    share_class: Mapped[str] = mapped_column(String(1))
    deadline: Mapped[date] = mapped_column(Date)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    restriction_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TransitionInvitee(Base):
    """A member the campaign invites; the timestamps make every step happen exactly once."""

    __tablename__ = "transition_invitee"
    __table_args__ = (
        UniqueConstraint("campaign_id", "member_id"),
        Index("ix_transition_invitee_progress", "campaign_id", "invited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("transition_campaign.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    # Snapshot at invitation time: the conversion is reported by office and language.
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    office: Mapped[Office] = mapped_column(_enum(Office, "office"))
    email: Mapped[str | None] = mapped_column(String(254))
    postal: Mapped[bool] = mapped_column(Boolean, default=False)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_subscription.id"), unique=True
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response: Mapped[InviteeResponse | None] = mapped_column(
        _enum(InviteeResponse, "invitee_response")
    )
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by: Mapped[str | None] = mapped_column(String(120))
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
