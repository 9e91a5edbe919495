"""The staff registry: who may decide, with which roles, and the proof of each decider's code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime, enum_column
from governance.kernel.rules.enums import Office


class StaffMember(Base):
    """A registered staff member; the login is what the timeline records."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    office: Mapped[Office] = mapped_column(enum_column(Office, "office"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # Sensitive: the TOTP secret, encrypted like the national numbers; shown once at enrolment.
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_step: Mapped[int | None] = mapped_column(Integer)  # RFC 6238 §5.2: no replay
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class StaffRecoveryCode(Base):
    """A one-time recovery code (for a lost phone), kept only as a keyed hash."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffAnswerCheck(Base):
    """The verification of one submitted form answer (once per answer: a re-run reads it)."""

    __tablename__ = "staff_answer_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_key: Mapped[str] = mapped_column(String(200), unique=True)
    decision_key: Mapped[str] = mapped_column(String(200), index=True)
    login: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    verified: Mapped[bool] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
