"""Human-task tasks: open a staff decision request and record the answer (both idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from prefect import task
from prefect.runtime import flow_run
from pydantic import BaseModel

from governance.db.uow import UnitOfWork
from governance.kernel.use_cases import decisions
from tasks.common import IO_RETRIES


class OpenedDecision(BaseModel):
    """What a flow needs to know about its decision request."""

    key: str
    created: bool
    status: str
    decision: dict[str, Any] | None = None
    decided_by: str | None = None
    due_at: datetime


@task(name="open-decision-request", **IO_RETRIES)
def open_decision_request(
    key: str,
    process: str,
    subject_type: str,
    subject_id: str,
    question: str,
    due_in_seconds: int,
    member_id: int | None = None,
) -> OpenedDecision:
    """Open the request once (asking again returns it, with the decision if already taken)."""
    run_id = flow_run.get_id()
    asked = decisions.Question(
        key,
        process,
        subject_type,
        subject_id,
        question,
        timedelta(seconds=due_in_seconds),
        member_id,
    )
    with UnitOfWork() as uow:
        view, created = decisions.ask(uow, asked, flow_run_id=str(run_id) if run_id else None)
    return OpenedDecision(
        key=view.key,
        created=created,
        status=str(view.status),
        decision=view.decision,
        decided_by=view.decided_by,
        due_at=view.due_at,
    )


@task(name="record-decision", **IO_RETRIES)
def record_decision(key: str, decision: dict[str, Any], staff: str) -> None:
    """Store the staff answer and put it on the timeline (the same answer twice is a no-op)."""
    with UnitOfWork() as uow:
        decisions.answer(uow, key=key, decision=decision, staff=staff)
