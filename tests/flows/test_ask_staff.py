"""flows.human.ask_staff, the one way a flow waits for a person, in real flow runs: an answer
recorded already is used at once; otherwise the request is opened and the run would suspend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import pytest
from prefect import flow
from pydantic import Field
from sqlalchemy import select

from flows.human import DecisionCancelled, NewRequest, StaffInput, ask_staff, decision_of
from governance.db.models import TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import DecisionKind


class Verdict(StaffInput):
    decision_kind = DecisionKind.ONBOARDING_REVIEW

    verdict: Literal["approve", "refuse"] = Field(..., title="Decision")
    reason: str = Field("", title="Reason")


@dataclass(frozen=True)
class OwnRecord:
    """What a process's own task returns about its decision request."""

    decision: dict[str, Any] | None
    decided_by: str | None


@flow(name="test-ask-generic")
def generic(key: str) -> dict[str, str]:
    answer = ask_staff(Verdict, key=key, question="### Approve?",
                       request=NewRequest("test", "member", 7, timedelta(days=1)))
    return {"staff": answer.staff, **decision_of(answer)}


@flow(name="test-ask-own")
def own(decision: dict[str, Any] | None, decided_by: str | None) -> dict[str, str]:
    answer = ask_staff(Verdict, key="own:1", question="### Approve?",
                       answered=OwnRecord(decision, decided_by))
    return {"staff": answer.staff, **decision_of(answer)}


def _open(key: str) -> None:
    with UnitOfWork() as uow:
        uow.decisions.open(key=key, process="test", subject_type="member", subject_id=7,
                           question="q", due_in=timedelta(days=1))
        uow.commit()


def test_an_answer_recorded_beforehand_is_used_without_recording_it_again(
    coop_env, prefect_harness
) -> None:
    _open("t:1")
    with UnitOfWork() as uow:
        uow.decisions.decide(key="t:1", decision={"verdict": "refuse", "reason": "late"},
                             staff="anna.peeters")
        uow.commit()
    assert generic("t:1") == {"staff": "anna.peeters", "verdict": "refuse", "reason": "late"}
    with UnitOfWork() as uow:
        taken = uow.session.scalars(
            select(TimelineEvent.actor).where(TimelineEvent.action == "decision_taken")).all()
    assert taken == ["anna.peeters"]


def test_a_process_own_record_gives_the_answer(prefect_harness) -> None:
    given = own({"verdict": "approve", "reason": ""}, "bob.janssens")
    assert given == {"staff": "bob.janssens", "verdict": "approve", "reason": ""}


def test_an_unanswered_question_opens_the_request_then_suspends(coop_env, prefect_harness) -> None:
    with pytest.raises(RuntimeError, match="cannot be suspended"):  # only a deployment's run can
        generic("t:2")
    with UnitOfWork() as uow:
        [request] = uow.decisions.waiting()
    assert request.key == "t:2" and request.question == "### Approve?"
    assert request.flow_run_id  # the inbox links to the waiting run
    assert request.due_at - request.requested_at == timedelta(days=1)


def test_a_cancelled_request_stops_the_process(coop_env, prefect_harness) -> None:
    _open("t:3")
    with UnitOfWork() as uow:
        uow.decisions.cancel("t:3", "member withdrew")
        uow.commit()
    with pytest.raises(DecisionCancelled, match="member withdrew"):
        generic("t:3")
    with pytest.raises(DecisionCancelled, match="gone"):
        own({"cancelled": "gone"}, None)
