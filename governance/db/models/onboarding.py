"""Membership applications: the form as submitted, consents, review, info requests, reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime
from governance.db.models.core import _enum
from governance.kernel.rules.enums import Language, MemberKind, Office
from governance.members.rules.onboarding import ApplicationStatus


class Application(Base):
    """One membership application. The national number only encrypted + keyed hash."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Idempotent submission: the same request (file, flow run) never makes two applications.
    request_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), index=True
    )
    kind: Mapped[MemberKind] = mapped_column(_enum(MemberKind, "member_kind"))
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    national_number_enc: Mapped[str | None] = mapped_column(Text)
    identity_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    attestation_type: Mapped[str] = mapped_column(String(20))
    attestation_expires_on: Mapped[date | None] = mapped_column(Date)
    company_name: Mapped[str | None] = mapped_column(String(200))
    company_number: Mapped[str | None] = mapped_column(String(10))
    vat_number: Mapped[str | None] = mapped_column(String(12))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(12))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    office: Mapped[Office] = mapped_column(_enum(Office, "office"))
    iban: Mapped[str] = mapped_column(String(34))
    share_class: Mapped[str] = mapped_column(String(1))
    shares: Mapped[int] = mapped_column(Integer)
    privacy_policy_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    internal_rules_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capital_risk_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Why a person must look at it (duplicates, missing national number...), with the records.
    review_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    staff_reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    applicant_reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InformationRequest(Base):
    """Staff asked the applicant for more information; staff record the answer."""

    __tablename__ = "application_info_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
