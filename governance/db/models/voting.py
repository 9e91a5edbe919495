"""Votes at the general assembly: anonymous ballots, attendance, proxies and the seal.

Secrecy by construction (see docs/ballot-secrecy.md):
* `ballot` has no voter id, no code hash, no timestamp and no sequence: its primary key
  is a random UUID and on SQLite the table is WITHOUT ROWID (no hidden insertion counter).
  Closing rewrites every ballot in receipt order, so the physical order and PostgreSQL's
  xmin/ctid no longer follow the order of the votes.
* `attendance` says who took part and how, never what they chose; its key is
  (assembly, member): no insertion counter either.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime
from governance.db.models.core import _enum


class AttendanceMode(StrEnum):
    PRESENT = "present"  # at the meeting
    REMOTE = "remote"  # voted before or during the meeting, on the web page or by post
    REPRESENTED = "represented"  # a proxy holder voted for them


class BallotChannel(StrEnum):
    WEB = "web"
    PAPER = "paper"
    MEETING = "meeting"


class Ballot(Base):
    """One anonymous ballot: what was chosen, and nothing about who chose it."""

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("assembly_id", "replace_tag"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex, random
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)  # the tracker hash
    nonce: Mapped[str] = mapped_column(String(32))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The voter's weight: always 1 when voting per member; their shares when per share
    # (then an unusual share count is recognisable: see docs/ballot-secrecy.md).
    weight: Mapped[int] = mapped_column(Integer, default=1)
    # Only when the statutes let a later vote replace an earlier one; wiped at closing.
    replace_tag: Mapped[str | None] = mapped_column(String(64))


class Attendance(Base):
    """Who took part in an assembly, and how (the attendance list of the minutes)."""

    __tablename__ = "attendance"
    __table_args__ = ({"sqlite_with_rowid": False},)

    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    mode: Mapped[AttendanceMode] = mapped_column(_enum(AttendanceMode, "attendance_mode"))
    represented_by: Mapped[str | None] = mapped_column(String(200))


class Proxy(Base):
    """A shareholder lets another person vote in their name at one assembly."""

    __tablename__ = "proxy"
    __table_args__ = (
        UniqueConstraint("assembly_id", "giver_member_id"),
        Index("ix_proxy_holder", "assembly_id", "holder_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), index=True)
    giver_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    holder_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    holder_name: Mapped[str] = mapped_column(String(200))
    # Who holds it, comparably: "member:<id>" or the normalised name of a non-shareholder.
    holder_key: Mapped[str] = mapped_column(String(220))
    given_by_staff: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VotingSeal(Base):
    """What closing fixed: the count, the seal over the receipts, the result."""

    __tablename__ = "voting_seal"

    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id"), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[str] = mapped_column(String(120))
    ballots: Mapped[int] = mapped_column(Integer)
    voters_marked: Mapped[int] = mapped_column(Integer)
    seal: Mapped[str] = mapped_column(String(64))
    scenario_sha256: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
