"""The members' timeline: who did what, when, on which record (append-only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db import bulk
from governance.db.models import TimelineEvent
from governance.kernel.rules.actor import Actor


class NewEvent(NamedTuple):
    """One event of a bulk append (the actor, action and time are shared by the batch)."""

    member_id: int | None
    subject_type: str
    subject_id: object
    details: dict[str, Any]


class TimelineRepository:
    """Appends events in the caller's transaction; its commit makes them permanent."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_id: object,
        member_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> TimelineEvent:
        """Add one event, with the business change it records."""
        event = TimelineEvent(
            member_id=member_id,
            actor_kind=actor.kind,
            actor=actor.name,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            details=details or {},
        )
        self.session.add(event)
        return event

    def record_many(
        self,
        *,
        actor: Actor,
        action: str,
        events: Iterable[NewEvent],
        occurred_at: datetime | None = None,
        raw: bool = False,
    ) -> int:
        """Add many events of one action at once (one executemany); returns how many.

        `raw` takes the pre-converted DBAPI path of `governance.db.bulk` (register takeovers
        of hundreds of thousands of rows)."""
        stamp = occurred_at or utcnow()
        rows = [
            {
                "member_id": e.member_id,
                "actor_kind": actor.kind,
                "actor": actor.name,
                "action": action,
                "subject_type": e.subject_type,
                "subject_id": str(e.subject_id),
                "occurred_at": stamp,
                "details": e.details,
            }
            for e in events
        ]
        if not rows:
            return 0
        if raw:
            table = TimelineEvent.__table__
            assert isinstance(table, Table)
            return bulk.insert_rows(self.session, table, rows)
        self.session.execute(insert(TimelineEvent), rows)
        return len(rows)

    def attach_to_member(self, subject_type: str, subject_id: object, member_id: int) -> None:
        """The history of a record (e.g. an application) becomes the member's."""
        self.session.execute(
            update(TimelineEvent)
            .where(TimelineEvent.subject_type == subject_type)
            .where(TimelineEvent.subject_id == str(subject_id))
            .values(member_id=member_id)
        )

    def erase_details(self, member_id: int) -> int:
        """Erasure: the member's events keep who/what/when, never their personal details."""
        result = self.session.execute(
            update(TimelineEvent)
            .where(TimelineEvent.member_id == member_id)
            .values(details={"erased": True})
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
