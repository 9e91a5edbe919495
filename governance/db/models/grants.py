"""Grant calls, applications, reviewers, reviews, awards, instalments and reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime
from governance.db.models.core import _enum
from governance.grants.rules.grants import (
    ApplicationStatus,
    AssignmentStatus,
    CallKind,
    CallStatus,
    InstalmentStatus,
    ReportStatus,
)
from governance.kernel.rules.enums import Language


class GrantCall(Base):
    """A yearly call for grant applications, with its budget and rules."""

    __tablename__ = "grant_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[CallKind] = mapped_column(_enum(CallKind, "grant_call_kind"))
    status: Mapped[CallStatus] = mapped_column(_enum(CallStatus, "grant_call_status"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    review_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    budget_cents: Mapped[int] = mapped_column(Integer)
    max_applications: Mapped[int] = mapped_column(Integer)
    min_amount_cents: Mapped[int] = mapped_column(Integer)
    max_amount_cents: Mapped[int] = mapped_column(Integer)
    reviewers_per_application: Mapped[int] = mapped_column(Integer)
    review_quorum: Mapped[int] = mapped_column(Integer)
    partial_funding: Mapped[bool] = mapped_column(Boolean, default=False)
    instalment_percents: Mapped[list[int]] = mapped_column(JSON)
    report_interval_days: Mapped[int] = mapped_column(Integer, default=180)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GrantCriterion(Base):
    __tablename__ = "grant_criterion"
    __table_args__ = (UniqueConstraint("call_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("grant_call.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)


class GrantApplication(Base):
    """One member's file in one call (one file per member per call)."""

    __tablename__ = "grant_application"
    __table_args__ = (UniqueConstraint("call_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("grant_call.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "grant_application_status"), index=True
    )
    project_title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    activity_ref: Mapped[str | None] = mapped_column(String(40))
    amount_asked_cents: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    iban: Mapped[str | None] = mapped_column(String(34))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ineligibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    score_hundredths: Mapped[int | None] = mapped_column(Integer)  # 0..10000
    rank: Mapped[int | None] = mapped_column(Integer)
    proposed_cents: Mapped[int | None] = mapped_column(Integer)
    final_cents: Mapped[int | None] = mapped_column(Integer)
    board_reason: Mapped[str | None] = mapped_column(Text)


class GrantBudgetLine(Base):
    __tablename__ = "grant_budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_application.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Integer)


class GrantReviewer(Base):
    """A jury member for a call: staff or a member, known by login and e-mail."""

    __tablename__ = "grant_reviewer"
    __table_args__ = (UniqueConstraint("call_id", "login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("grant_call.id"), index=True)
    login: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    activity_refs: Mapped[list[str]] = mapped_column(JSON, default=list)


class GrantConflict(Base):
    """A relation a reviewer declared with a member (family, partner, client...)."""

    __tablename__ = "grant_conflict"
    __table_args__ = (UniqueConstraint("reviewer_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("grant_reviewer.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    relation: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GrantAssignment(Base):
    """A reviewer on an application; `recused` rows record who may not (or no longer) review."""

    __tablename__ = "grant_assignment"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_application.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("grant_reviewer.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        _enum(AssignmentStatus, "grant_assignment_status")
    )
    recusal_reason: Mapped[str | None] = mapped_column(String(400))
    comment: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GrantScore(Base):
    __tablename__ = "grant_score"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("grant_assignment.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("grant_criterion.id"))
    score: Mapped[int] = mapped_column(Integer)


class GrantAward(Base):
    __tablename__ = "grant_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_application.id"), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    approved_by: Mapped[str] = mapped_column(String(120))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GrantInstalment(Base):
    __tablename__ = "grant_instalment"
    __table_args__ = (UniqueConstraint("award_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("grant_award.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[InstalmentStatus] = mapped_column(
        _enum(InstalmentStatus, "grant_instalment_status"), index=True
    )
    report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payment_batch: Mapped[str | None] = mapped_column(String(60), index=True)
    end_to_end_id: Mapped[str | None] = mapped_column(String(35), unique=True)


class GrantReport(Base):
    """A report the grantee submits; its acceptance releases the instalment it gates."""

    __tablename__ = "grant_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("grant_instalment.id"), index=True)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus, "grant_report_status"))
    summary: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class GrantPaymentBatch(Base):
    """A pain.001 credit-transfer file: its instalments are marked with `payment_batch`."""

    __tablename__ = "grant_payment_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("grant_call.id"), index=True)
    total_cents: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(String(400))
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
