"""General assembly: the meeting, its agenda, and the voters frozen at the record date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.assembly.rules.assembly import AssemblyKind, AssemblyStatus, ResolutionKind
from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime
from governance.db.models.core import _enum
from governance.kernel.rules.enums import Language


class Assembly(Base):
    """One general assembly (a second meeting is an assembly of its own with `second_meeting`)."""

    __tablename__ = "assembly"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AssemblyKind] = mapped_column(_enum(AssemblyKind, "assembly_kind"))
    meeting_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300))
    # The online part of the meeting (video call), printed as a link beside the address.
    online_link: Mapped[str | None] = mapped_column(String(500))
    remote_voting_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    record_date: Mapped[date] = mapped_column(Date)
    voting_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voting_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[AssemblyStatus] = mapped_column(
        _enum(AssemblyStatus, "assembly_status"), default=AssemblyStatus.DRAFT
    )
    second_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    # Idempotency key of the archived board report (required for an object change, CSA 6:86).
    board_report_document_key: Mapped[str | None] = mapped_column(String(200))
    # Set when the voters were frozen (record-date snapshot) and when sending started.
    snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closing_scheduled_run_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Resolution(Base):
    """One item of the agenda, with its exact text in every language."""

    __tablename__ = "resolution"
    __table_args__ = (
        UniqueConstraint("assembly_id", "code"),
        UniqueConstraint("assembly_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10))  # "R1", "E1"...
    kind: Mapped[ResolutionKind] = mapped_column(_enum(ResolutionKind, "resolution_kind"))
    title: Mapped[dict[str, str]] = mapped_column(JSON)  # {"fr":..., "nl":..., "de":..., "en":...}
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    seats: Mapped[int | None] = mapped_column(Integer)  # elections only
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{id, name}]
    board_report: Mapped[bool] = mapped_column(Boolean, default=False)


class AssemblyVoter(Base):
    """A shareholder entitled to vote, as the register stood at the record date.

    Holds the hash of the ballot code only (HMAC-SHA256 under a server key), never the code.
    `voted` is the attendance fact; what was chosen lives elsewhere, with no link to this row."""

    __tablename__ = "assembly_voter"
    __table_args__ = (
        UniqueConstraint("assembly_id", "member_id"),
        Index("ix_assembly_voter_progress", "assembly_id", "prepared_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    shares: Mapped[int] = mapped_column(Integer)
    shares_by_class: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    weight: Mapped[int] = mapped_column(Integer)
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    email: Mapped[str | None] = mapped_column(String(254))
    postal: Mapped[bool] = mapped_column(Boolean, default=False)
    ballot_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Mailing progress: documents rendered + e-mail queued (or put on the postal list).
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssemblyMailingChunk(Base):
    """One chunk of the convening mailing (voters by id range): staff watch these."""

    __tablename__ = "assembly_mailing_chunk"
    __table_args__ = (UniqueConstraint("assembly_id", "phase", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))  # convocation | reminder
    number: Mapped[int] = mapped_column(Integer)
    first_voter_id: Mapped[int] = mapped_column(Integer)
    last_voter_id: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    documents_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mail_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent: Mapped[int] = mapped_column(Integer, default=0)
    postal: Mapped[int] = mapped_column(Integer, default=0)
    bounced: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
