"""flows/human.py: a decision given beforehand is used at once; otherwise the run asks staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest
from prefect import flow
from pydantic import Field
from sqlalchemy import select

from flows.human import DecisionCancelled, NewRequest, StaffInput, ask_staff, decision_of
from flows.member_welcome_review import WelcomeReviewParameters, member_welcome_review
from governance.db.models import Member, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.staff import DecisionKind
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members


class Verdict(StaffInput):
    decision_kind = DecisionKind.ONBOARDING_REVIEW

    verdict: Literal["approve", "refuse"] = Field(..., title="Decision")
    reason: str = Field("", title="Reason")


@flow(name="ui-test-decision")
def decide(key: str) -> dict[str, str]:
    answer = ask_staff(
        Verdict,
        key=key,
        question="### Approve?\n\n| a | b |",
        request=NewRequest("ui-test", "member", 7, timedelta(days=1)),
    )
    return {"staff": answer.staff, **decision_of(answer)}


def _member(email: str | None = "lea@example.org") -> int:
    with UnitOfWork() as uow:
        member = members.create_member(
            uow.session,
            MemberFacts(
                kind=MemberKind.PERSON,
                first_name="Léa",
                last_name="Dupont | <b>",
                language=Language.FR,
                office=Office.LIEGE,
                email=email,
                street="Rue Neuve 1",
                postcode="4000",
                city="Liège",
            ),
            Actor.system(),
            MemberStatus.ACTIVE,
        )
        uow.commit()
        return member.id


def _decide_beforehand(key: str, decision: dict[str, str], staff: str, **ask: object) -> None:
    with UnitOfWork() as uow:
        uow.decisions.open(
            key=key,
            process="ui-test",
            subject_type="member",
            subject_id=7,
            question="q",
            due_in=timedelta(days=1),
            **ask,
        )
        uow.decisions.decide(key=key, decision=decision, staff=staff)
        uow.commit()


def test_a_decision_given_beforehand_is_returned_without_suspending(
    coop_env, prefect_harness
) -> None:
    _decide_beforehand("t:1", {"verdict": "refuse", "reason": "no payment"}, "anna.peeters")
    assert decide("t:1") == {"staff": "anna.peeters", "verdict": "refuse", "reason": "no payment"}


def test_an_unanswered_question_opens_the_request_and_cannot_suspend_outside_a_deployment(
    coop_env, prefect_harness
) -> None:
    with pytest.raises(RuntimeError, match="cannot be suspended"):
        decide("t:2")
    with UnitOfWork() as uow:
        [request] = uow.decisions.waiting()
    assert request.key == "t:2" and request.question.startswith("### Approve?")
    assert request.flow_run_id  # the inbox links to the waiting run
    assert request.due_at - request.requested_at == timedelta(days=1)


def test_a_cancelled_request_stops_the_process(coop_env, prefect_harness) -> None:
    with UnitOfWork() as uow:
        uow.decisions.open(
            key="t:3",
            process="ui-test",
            subject_type="member",
            subject_id=7,
            question="q",
            due_in=timedelta(days=1),
        )
        uow.decisions.cancel("t:3", "member withdrew")
        uow.commit()
    with pytest.raises(DecisionCancelled, match="member withdrew"):
        decide("t:3")


def test_the_resume_form_asks_the_staff_login_and_shows_the_question() -> None:
    form = Verdict.with_initial_data(description="### Approve?")
    schema = form.model_json_schema()
    assert schema["properties"]["staff"]["title"] == "Your staff login"
    assert set(schema["required"]) == {"staff", "one_time_code", "verdict"}
    code = schema["properties"]["one_time_code"]
    assert code["title"] == "Code from your authenticator app"
    assert "pattern" not in code  # checked in Python and explained in words, not as a regex
    assert list(schema["properties"])[:2] == ["staff", "one_time_code"]
    assert schema["properties"]["verdict"]["enum"] == ["approve", "refuse"]
    assert form._description == "### Approve?"


def test_welcome_review_sends_the_pack_once_staff_said_send(
    coop_env, mail_sink, prefect_harness
) -> None:
    member_id = _member()
    _decide_beforehand(
        f"member-welcome-review:{member_id}",
        {"verdict": "send", "note": ""},
        "bob.janssens",
        member_id=member_id,
    )
    params = WelcomeReviewParameters(member_id=member_id, shares=2, amount_cents=6000)
    assert member_welcome_review(params) == "M0000001"
    [message] = mail_sink.parsed()
    assert message["To"] == "lea@example.org"
    assert next(a.get_filename() for a in message.iter_attachments()).endswith(".docx")
    with UnitOfWork() as uow:
        welcomed = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action == "member_welcomed")
        ).one()
        assert (welcomed.actor_kind, welcomed.actor) == ("staff", "bob.janssens")


def test_welcome_review_held_sends_nothing(coop_env, mail_sink, prefect_harness) -> None:
    member_id = _member()
    _decide_beforehand(
        f"member-welcome-review:{member_id}",
        {"verdict": "hold", "note": "payment not on the statement"},
        "bob.janssens",
        member_id=member_id,
    )
    result = member_welcome_review(WelcomeReviewParameters(member_id=member_id))
    assert result == "held by bob.janssens: payment not on the statement"
    assert mail_sink.messages() == []
    with UnitOfWork() as uow:
        assert uow.session.get(Member, member_id).member_number is None
