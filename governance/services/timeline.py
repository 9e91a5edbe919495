"""Appending to a member's timeline (always inside the caller's transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from governance.db.models import TimelineEvent
from governance.domain.enums import ActorKind


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (by login), the system, or the member."""

    kind: ActorKind
    name: str

    @classmethod
    def system(cls, name: str = "coopflow") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    @classmethod
    def staff(cls, login: str) -> Actor:
        return cls(ActorKind.STAFF, login)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: object,
    member_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> TimelineEvent:
    """Add one event; the caller's commit makes it permanent with the business change."""
    event = TimelineEvent(
        member_id=member_id,
        actor_kind=actor.kind,
        actor=actor.name,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )
    session.add(event)
    return event
