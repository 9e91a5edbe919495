"""Staff decisions a process waits for (human tasks): ask once, answer once, each committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from governance.db.uow import UnitOfWork
from governance.kernel.rules.decisions import DecisionView


@dataclass(frozen=True)
class Question:
    """What a process asks staff, about which record, by when."""

    key: str
    process: str
    subject_type: str
    subject_id: object
    question: str
    due_in: timedelta
    member_id: int | None = None


def ask(
    uow: UnitOfWork, question: Question, *, flow_run_id: str | None = None
) -> tuple[DecisionView, bool]:
    """Open the request once (asking again returns it, answered or not); whether it is new."""
    created = uow.decisions.find(question.key) is None
    view = uow.decisions.open(
        key=question.key,
        process=question.process,
        subject_type=question.subject_type,
        subject_id=question.subject_id,
        question=question.question,
        due_in=question.due_in,
        member_id=question.member_id,
        flow_run_id=flow_run_id,
    )
    uow.commit()
    return view, created


def answer(uow: UnitOfWork, *, key: str, decision: dict[str, Any], staff: str) -> DecisionView:
    """Record a staff answer with who gave it (the same answer twice is a no-op)."""
    view = uow.decisions.decide(key=key, decision=decision, staff=staff)
    uow.commit()
    return view
