"""Staff decision requests (human tasks): asked once by key, answered once, with who answered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from governance.clock import after, utcnow
from governance.db.models import DecisionRequest
from governance.db.repositories.timeline import TimelineRepository
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.rules.errors import InvalidTransition, NotFound


def _view(r: DecisionRequest) -> DecisionView:
    return DecisionView(
        key=r.key,
        process=r.process,
        subject_type=r.subject_type,
        subject_id=r.subject_id,
        question=r.question,
        status=DecisionStatus(r.status),
        requested_at=r.requested_at,
        due_at=r.due_at,
        flow_run_id=r.flow_run_id,
        decision=r.decision,
        decided_by=r.decided_by,
        member_id=r.member_id,
        reminders_sent=r.reminders_sent or 0,
    )


class DecisionRepository:
    """The only code that writes decision requests; in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, key: str, *, lock: bool = False) -> DecisionRequest | None:
        query = select(DecisionRequest).where(DecisionRequest.key == key)
        return self.session.scalar(query.with_for_update() if lock else query)

    def open(
        self,
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
        existing = self._row(key)
        if existing is not None:
            # a new run asking an open question (the old one crashed or was cancelled) takes it
            if flow_run_id and existing.status == DecisionStatus.OPEN:
                existing.flow_run_id = flow_run_id
            return _view(existing)
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
        self.session.add(request)
        self.session.flush()
        TimelineRepository(self.session).record(
            actor=Actor.system(process),
            action="decision_requested",
            subject_type=subject_type,
            subject_id=subject_id,
            member_id=member_id,
            details={"key": key, "question": question},
        )
        return _view(request)

    def decide(
        self,
        *,
        key: str,
        decision: dict[str, Any],
        staff: str,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> DecisionView:
        """Store the staff answer; the same answer given twice is a no-op, another is refused.
        `actor`: who gave it when not a staff member (an applicant answering in the portal)."""
        request = self._row(key, lock=True)
        if request is None:
            raise NotFound(f"no decision is awaited under '{key}'", field="key")
        if request.status == DecisionStatus.DECIDED:
            if request.decision == decision and request.decided_by == staff:
                return _view(request)
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
        TimelineRepository(self.session).record(
            actor=actor or Actor.staff(staff),
            action="decision_taken",
            subject_type=request.subject_type,
            subject_id=request.subject_id,
            member_id=request.member_id,
            details={"key": key, "decision": decision},
        )
        return _view(request)

    def cancel(self, key: str, reason: str) -> None:
        """Nothing to decide any more (an open request only; an answer given stands)."""
        request = self._row(key)
        if request is not None and request.status == DecisionStatus.OPEN:
            request.status = DecisionStatus.CANCELLED
            request.decision = {"cancelled": reason}

    def reopen(self, key: str) -> None:
        """An answer the process refused is taken back: the request is open again."""
        request = self._row(key)
        if request is not None and request.status == DecisionStatus.DECIDED:
            request.status = DecisionStatus.OPEN
            request.decision = None
            request.decided_by = None
            request.decided_at = None

    def link_run(
        self, key: str, flow_run_id: str, *, open_only: bool = True
    ) -> DecisionView | None:
        """The flow run to resume when staff answer elsewhere (the inbox links to it)."""
        request = self._row(key)
        if request is None:
            return None
        if request.flow_run_id != flow_run_id and (
            not open_only or request.status == DecisionStatus.OPEN
        ):
            request.flow_run_id = flow_run_id
        return _view(request)

    def note_reminders(self, key: str, reminders_sent: int) -> None:
        """How many reminders were sent about a request still open."""
        request = self._row(key)
        if request is not None:
            request.reminders_sent = reminders_sent

    def erase_questions(self, member_id: int, replacement: str) -> None:
        """Erasure: the requests about a member keep their outcome, never the personal text."""
        self.session.execute(
            update(DecisionRequest)
            .where(DecisionRequest.member_id == member_id)
            .values(question=replacement)
        )

    def find(self, key: str) -> DecisionView | None:
        request = self._row(key)
        return _view(request) if request else None

    def waiting(self, process: str | None = None) -> list[DecisionView]:
        """Everything waiting for staff (of one process if given), oldest first (the inbox)."""
        query = select(DecisionRequest).where(DecisionRequest.status == DecisionStatus.OPEN)
        if process is not None:
            query = query.where(DecisionRequest.process == process)
        rows = self.session.scalars(query.order_by(DecisionRequest.requested_at))
        return [_view(r) for r in rows]

    def overdue(self, now: datetime | None = None) -> list[DecisionView]:
        """Open requests past their due time."""
        now = now or utcnow()
        rows = self.session.scalars(
            select(DecisionRequest).where(
                DecisionRequest.status == DecisionStatus.OPEN, DecisionRequest.due_at <= now
            )
        )
        return [_view(r) for r in rows]
