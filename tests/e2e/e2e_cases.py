"""Decision cases of the end-to-end suite: one per process that waits for staff.

To add a process (e.g. member-onboarding, contract-approval), append a `DecisionCase` to CASES:
`prepare` creates what the run needs in the stack's database and returns the flow parameters;
`invalid_input` must be refused by the server (schema validation) while the run keeps waiting;
`valid_input` resumes it; `check` asserts the outcome, the documents and the e-mails.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from e2e_stack import Stack
from sqlalchemy import select

from governance.db.models import DecisionRequest, Document, Member, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members

_serial = itertools.count(1)


@dataclass(frozen=True)
class DecisionCase:
    id: str
    deployment: str
    prepare: Callable[[Stack], dict[str, Any]]
    question_contains: str
    invalid_input: dict[str, Any]
    refusal_names: str  # a word of the server's refusal (the field at fault)
    valid_input: dict[str, Any]
    check: Callable[[Stack, dict[str, Any]], None]


def new_member(stack: Stack, first: str, last: str, language: Language, office: Office,
               email: str | None) -> int:
    with UnitOfWork(stack.settings) as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name=first, last_name=last, language=language,
            office=office, email=email, street="Rue Haute 12", postcode="1000",
            city="Bruxelles"), Actor.system("e2e"), MemberStatus.ACTIVE)
        uow.commit()
        return member.id


def _welcome_params(stack: Stack) -> dict[str, Any]:
    member_id = new_member(stack, "Griet", "Van den Broeck", Language.NL, Office.GENT,
                           f"griet.{next(_serial)}@example.org")
    return {"params": {"member_id": member_id, "shares": 2, "amount_cents": 6000}}


def _welcome_sent(stack: Stack, parameters: dict[str, Any]) -> None:
    member_id = parameters["params"]["member_id"]
    with UnitOfWork(stack.settings) as uow:
        member = uow.session.get(Member, member_id)
        assert member is not None and (member.member_number or "").startswith("M")
        address = member.email
        [doc] = uow.session.scalars(select(Document).where(Document.member_id == member_id))
        stored = (stack.settings.resolved_archive_dir() / doc.path).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == doc.sha256
        request = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.key == f"member-welcome-review:{member_id}")).one()
        assert (request.status, request.decided_by) == ("decided", "anna.peeters")
        assert request.decision == {"verdict": "send", "note": ""}
        actors = dict(uow.session.execute(select(TimelineEvent.action, TimelineEvent.actor).where(
            TimelineEvent.member_id == member_id)).all())
        assert actors["decision_taken"] == actors["member_welcomed"] == "anna.peeters"
    mails = [m for m in stack_mails(stack) if m["To"] == address]
    assert len(mails) == 1, "the welcome e-mail is sent exactly once"
    assert "Welkom" in mails[0]["Subject"]
    [attachment] = list(mails[0].iter_attachments())
    assert attachment.get_content() == stored


def _held_params(stack: Stack) -> dict[str, Any]:
    member_id = new_member(stack, "Loïc", "Dubois", Language.FR, Office.LIEGE,
                           f"loic.{next(_serial)}@example.org")
    return {"params": {"member_id": member_id}}


def _held(stack: Stack, parameters: dict[str, Any]) -> None:
    member_id = parameters["params"]["member_id"]
    with UnitOfWork(stack.settings) as uow:
        member = uow.session.get(Member, member_id)
        assert member is not None and member.member_number is None
        address = member.email
        assert uow.session.scalars(select(Document).where(
            Document.member_id == member_id)).all() == []
        request = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.member_id == member_id)).one()
        assert request.decided_by == "bob.janssens"
        assert request.decision == {"verdict": "hold", "note": "payment not on the statement"}
    assert not [m for m in stack_mails(stack) if m["To"] == address]


def stack_mails(stack: Stack) -> list[Any]:
    import email
    from email import policy

    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(stack.sink.directory.glob("*.eml"))]


CASES: list[DecisionCase] = [
    DecisionCase(
        id="welcome-review-send",
        deployment="member-welcome-review",
        prepare=_welcome_params,
        question_contains="Confirm the welcome pack of Griet Van den Broeck",
        invalid_input={"staff": "a", "verdict": "send"},  # too short for a login
        refusal_names="staff",
        valid_input={"staff": "anna.peeters", "verdict": "send"},
        check=_welcome_sent,
    ),
    DecisionCase(
        id="welcome-review-hold",
        deployment="member-welcome-review",
        prepare=_held_params,
        question_contains="Confirm the welcome pack of Loïc Dubois",
        invalid_input={"staff": "bob.janssens", "verdict": "maybe"},  # not a choice
        refusal_names="verdict",
        valid_input={"staff": "bob.janssens", "verdict": "hold",
                     "note": "payment not on the statement"},
        check=_held,
    ),
]
