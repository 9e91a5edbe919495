"""Records every process shares: members, their timeline, documents and the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime, enum_column, state_column
from governance.kernel.rules.enums import (
    ActorKind,
    DecisionStatus,
    DocumentFormat,
    Language,
    MemberKind,
    MemberStatus,
    Office,
    OutboxStatus,
)


def _enum(cls: type[Any], name: str) -> Enum:
    return enum_column(cls, name)


class Member(Base):
    """A person or a legal entity that is (or applies to be) a member of the cooperative."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    external_ref: Mapped[str | None] = mapped_column(String(40), unique=True)
    kind: Mapped[MemberKind] = mapped_column(_enum(MemberKind, "member_kind"))
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus, "member_status"), index=True)
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    company_name: Mapped[str | None] = mapped_column(String(200))
    company_number: Mapped[str | None] = mapped_column(String(10), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), default="BE")
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    office: Mapped[Office] = mapped_column(_enum(Office, "office"))
    iban: Mapped[str | None] = mapped_column(String(34))
    # Sensitive: encrypted, never a key or a search field; identity_hash finds duplicates.
    national_number_enc: Mapped[str | None] = mapped_column(Text)
    identity_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    attestation_type: Mapped[str | None] = mapped_column(String(20))
    attestation_expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def display_name(self) -> str:
        if self.kind == MemberKind.COMPANY:
            return self.company_name or ""
        return f"{self.first_name or ''} {self.last_name or ''}".strip()


class TimelineEvent(Base):
    """Append-only: who did what, when, on which record."""

    __tablename__ = "timeline_event"
    __table_args__ = (Index("ix_timeline_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, "actor_kind"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Document(Base):
    """A generated document, archived with its hash, template and language."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(80))
    template_version: Mapped[str] = mapped_column(String(64))
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    format: Mapped[DocumentFormat] = mapped_column(_enum(DocumentFormat, "document_format"))
    path: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(String(400))


class OutboxMessage(Base):
    """An e-mail written in the business transaction; delivered later, exactly once."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    # The e-mail is rendered at delivery from documents/emails/<template>.<lang>.j2 and context.
    template: Mapped[str] = mapped_column(String(80))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Idempotency keys of archived documents to attach; delivery waits until they all exist.
    attachment_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus, "outbox_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    redelivered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DecisionRequest(Base):
    """A staff decision a process waits for (a human task): what is asked, by when, the answer."""

    __tablename__ = "decision_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    process: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[DecisionStatus] = mapped_column(state_column(DecisionStatus), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
