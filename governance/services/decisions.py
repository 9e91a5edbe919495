"""Human tasks: a process asks staff to decide; the answer is recorded with who gave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import after, utcnow
from governance.db.models import DecisionRequest
from governance.db.repositories.timeline import TimelineRepository
from governance.domain.actor import Actor
from governance.domain.errors import InvalidTransition, NotFound


class DecisionStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class DecisionView:
    key: str
    process: str
    subject_type: str
    subject_id: str
    question: str
    status: DecisionStatus
    requested_at: datetime
    due_at: datetime
    flow_run_id: str | None
    decision: dict[str, Any] | None
    decided_by: str | None

    @classmethod
    def of(cls, r: DecisionRequest) -> DecisionView:
        return cls(
            r.key,
            r.process,
            r.subject_type,
            r.subject_id,
            r.question,
            DecisionStatus(r.status),
            r.requested_at,
            r.due_at,
            r.flow_run_id,
            r.decision,
            r.decided_by,
        )


def open_request(
    session: Session,
    *,
    key: str,
    process: str,
    subject_type: str,
    subject_id: object,
    question: str,
    due_in: timedelta,
    member_id: int | None = None,
    flow_run_id: str | None = None,
    now: datetime | None = None,
) -> DecisionView:
    """Open the request once; asking again returns the existing one (decided or not)."""
    existing = session.scalar(select(DecisionRequest).where(DecisionRequest.key == key))
    if existing is not None:
        # a new run asking an open question (the old one crashed or was cancelled) takes it over
        if flow_run_id and existing.status == DecisionStatus.OPEN:
            existing.flow_run_id = flow_run_id
        return DecisionView.of(existing)
    now = now or utcnow()
    request = DecisionRequest(
        key=key,
        process=process,
        subject_type=subject_type,
        subject_id=str(subject_id),
        member_id=member_id,
        question=question,
        status=DecisionStatus.OPEN,
        requested_at=now,
        due_at=after(now, due_in),
        flow_run_id=flow_run_id,
        reminders_sent=0,
    )
    session.add(request)
    session.flush()
    TimelineRepository(session).record(
        actor=Actor.system(process),
        action="decision_requested",
        subject_type=subject_type,
        subject_id=subject_id,
        member_id=member_id,
        details={"key": key, "question": question},
    )
    return DecisionView.of(request)


def record_decision(
    session: Session, *, key: str, decision: dict[str, Any], staff: str, now: datetime | None = None
) -> DecisionView:
    """Store the staff answer; the same answer given twice is a no-op, another one is refused."""
    request = session.scalar(
        select(DecisionRequest).where(DecisionRequest.key == key).with_for_update()
    )
    if request is None:
        raise NotFound(f"no decision is awaited under '{key}'", field="key")
    if request.status == DecisionStatus.DECIDED:
        if request.decision == decision and request.decided_by == staff:
            return DecisionView.of(request)
        raise InvalidTransition(
            f"this decision was already taken by {request.decided_by} on "
            f"{request.decided_at:%Y-%m-%d %H:%M} UTC",
            field="decision",
        )
    if request.status == DecisionStatus.CANCELLED:
        raise InvalidTransition("this request was cancelled: nothing to decide any more")
    request.status = DecisionStatus.DECIDED
    request.decision = decision
    request.decided_by = staff
    request.decided_at = now or utcnow()
    TimelineRepository(session).record(
        actor=Actor.staff(staff),
        action="decision_taken",
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        member_id=request.member_id,
        details={"key": key, "decision": decision},
    )
    return DecisionView.of(request)


def cancel(session: Session, key: str, reason: str) -> None:
    request = session.scalar(select(DecisionRequest).where(DecisionRequest.key == key))
    if request is not None and request.status == DecisionStatus.OPEN:
        request.status = DecisionStatus.CANCELLED
        request.decision = {"cancelled": reason}


def get(session: Session, key: str) -> DecisionView | None:
    request = session.scalar(select(DecisionRequest).where(DecisionRequest.key == key))
    return DecisionView.of(request) if request else None


def open_requests(session: Session) -> list[DecisionView]:
    """Everything waiting for staff, oldest first (the inbox)."""
    rows = session.scalars(
        select(DecisionRequest)
        .where(DecisionRequest.status == DecisionStatus.OPEN)
        .order_by(DecisionRequest.requested_at)
    )
    return [DecisionView.of(r) for r in rows]


def overdue(session: Session, now: datetime | None = None) -> list[DecisionRequest]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(DecisionRequest).where(
                DecisionRequest.status == DecisionStatus.OPEN, DecisionRequest.due_at <= now
            )
        )
    )
