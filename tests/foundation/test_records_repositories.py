"""The timeline and decision repositories on the unit of work, through a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from governance.db.models import DecisionRequest, TimelineEvent
from governance.db.repositories.timeline import NewEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members

WHEN = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
COLUMNS = ("member_id", "actor_kind", "actor", "action", "subject_type", "subject_id",
           "occurred_at", "details")


def _member(uow: UnitOfWork, name: str = "Dupont") -> int:
    member = members.create_member(
        uow.session,
        MemberFacts(kind=MemberKind.PERSON, first_name="Léa", last_name=name,
                    language=Language.FR, office=Office.LIEGE, email=None,
                    street="Rue Neuve 1", postcode="4000", city="Liège"),
        Actor.system(), MemberStatus.ACTIVE)
    return member.id


def _events(uow: UnitOfWork, action: str) -> list[tuple[object, ...]]:
    rows = uow.session.scalars(
        select(TimelineEvent).where(TimelineEvent.action == action).order_by(TimelineEvent.id))
    return [tuple(getattr(r, c) for c in COLUMNS) for r in rows]


def _ask(uow: UnitOfWork, key: str = "t:1", **extra: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = dict(key=key, process="test", subject_type="member",
                                     subject_id=7, question="Approve?", due_in=timedelta(days=2),
                                     now=WHEN)
    return uow.decisions.open(**{**values, **extra})  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [False, True])
def test_a_bulk_append_writes_the_rows_one_record_each_would(coop_env, raw: bool) -> None:
    with UnitOfWork() as uow:
        ids = [_member(uow, f"M{i}") for i in range(3)]
        for i, member_id in enumerate(ids):
            event = uow.timeline.record(actor=Actor.staff("anna"), action="one",
                                        subject_type="member", subject_id=member_id,
                                        member_id=member_id, details={"n": i, "é": "&<"})
            event.occurred_at = WHEN
        count = uow.timeline.record_many(
            actor=Actor.staff("anna"), action="many", occurred_at=WHEN, raw=raw,
            events=(NewEvent(m, "member", m, {"n": i, "é": "&<"}) for i, m in enumerate(ids)))
        assert uow.timeline.record_many(actor=Actor.system(), action="none", events=[]) == 0
        uow.commit()
    with UnitOfWork() as uow:
        one, many = _events(uow, "one"), _events(uow, "many")
    assert count == 3 and len(many) == 3
    assert [r[4:] for r in many] == [r[4:] for r in one]  # same subject, time and details
    assert [r[:3] for r in many] == [r[:3] for r in one]  # same member and actor
    assert many[0][6] == WHEN  # time-zone aware UTC, read back as written


def test_an_applications_history_becomes_the_members_and_erasure_keeps_only_the_facts(
    coop_env,
) -> None:
    with UnitOfWork() as uow:
        member_id = _member(uow)
        uow.timeline.record(actor=Actor.system(), action="application_received",
                            subject_type="application", subject_id=12,
                            details={"email": "lea@example.org"})
        uow.timeline.attach_to_member("application", 12, member_id)
        uow.commit()
    with UnitOfWork() as uow:
        [received] = _events(uow, "application_received")
        assert received[0] == member_id
        erased = uow.timeline.erase_details(member_id)
        uow.commit()
    with UnitOfWork() as uow:
        [received] = _events(uow, "application_received")
    assert erased >= 2  # the creation and the application's event
    assert received[7] == {"erased": True} and received[3] == "application_received"


def test_a_request_is_opened_once_and_the_same_answer_twice_is_recorded_once(coop_env) -> None:
    with UnitOfWork() as uow:
        first = _ask(uow)
        again = _ask(uow, question="asked again", flow_run_id="run-2")
        uow.commit()
    assert first.status is DecisionStatus.OPEN and first.due_at == WHEN + timedelta(days=2)
    assert again.question == "Approve?" and again.flow_run_id == "run-2"  # the new run took it
    with UnitOfWork() as uow:
        decided = uow.decisions.decide(key="t:1", decision={"ok": True}, staff="anna")
        assert uow.decisions.decide(key="t:1", decision={"ok": True}, staff="anna") == decided
        with pytest.raises(InvalidTransition, match="already taken by anna"):
            uow.decisions.decide(key="t:1", decision={"ok": False}, staff="bob")
        with pytest.raises(NotFound):
            uow.decisions.decide(key="t:404", decision={}, staff="anna")
        uow.commit()
    with UnitOfWork() as uow:
        assert len(_events(uow, "decision_requested")) == 1
        assert [r[2] for r in _events(uow, "decision_taken")] == ["anna"]
        found = uow.decisions.find("t:1")
    assert found is not None and found.decided_by == "anna" and found.decision == {"ok": True}


def test_a_cancelled_request_carries_its_reason_and_refuses_an_answer(coop_env) -> None:
    with UnitOfWork() as uow:
        _ask(uow)
        uow.decisions.cancel("t:1", "member withdrew")
        with pytest.raises(InvalidTransition, match="cancelled"):
            uow.decisions.decide(key="t:1", decision={"ok": True}, staff="anna")
        view = uow.decisions.find("t:1")
    assert view is not None and view.status is DecisionStatus.CANCELLED
    assert view.decision == {"cancelled": "member withdrew"} and view.decided_by is None


def test_a_refused_answer_is_taken_back_and_the_request_waits_again(coop_env) -> None:
    with UnitOfWork() as uow:
        _ask(uow)
        uow.decisions.decide(key="t:1", decision={"ok": True}, staff="anna")
        uow.decisions.reopen("t:1")
        uow.commit()
    with UnitOfWork() as uow:
        [waiting] = uow.decisions.waiting()
        assert (waiting.key, waiting.decision, waiting.decided_by) == ("t:1", None, None)
        assert uow.decisions.decide(key="t:1", decision={"ok": 1}, staff="bob").decided_by == "bob"


def test_the_inbox_links_runs_counts_reminders_and_lists_the_overdue(coop_env) -> None:
    with UnitOfWork() as uow:
        _ask(uow, "a:1", process="contract-approval")
        _ask(uow, "b:1", due_in=timedelta(days=9))
        _ask(uow, "c:1")
        uow.decisions.decide(key="c:1", decision={}, staff="anna")
        uow.decisions.link_run("a:1", "run-a")
        uow.decisions.link_run("c:1", "run-c")  # decided: the link stays as it was
        uow.decisions.note_reminders("a:1", 2)
        uow.commit()
    with UnitOfWork() as uow:
        assert [v.key for v in uow.decisions.waiting()] == ["a:1", "b:1"]
        [contract] = uow.decisions.waiting("contract-approval")
        overdue = uow.decisions.overdue(WHEN + timedelta(days=3))
        assert uow.decisions.find("c:1").flow_run_id is None  # type: ignore[union-attr]
        linked = uow.decisions.link_run("c:1", "run-c", open_only=False)
    assert (contract.key, contract.flow_run_id, contract.reminders_sent) == ("a:1", "run-a", 2)
    assert [v.key for v in overdue] == ["a:1"]
    assert linked is not None and linked.flow_run_id == "run-c"


def test_erasure_blanks_the_questions_about_the_member(coop_env) -> None:
    with UnitOfWork() as uow:
        member_id = _member(uow)
        _ask(uow, member_id=member_id, question="Léa Dupont, born 1990-01-01?")
        _ask(uow, "other:1")
        uow.decisions.erase_questions(member_id, "(erased)")
        uow.commit()
    with UnitOfWork() as uow:
        questions = dict(uow.session.execute(select(DecisionRequest.key,
                                                    DecisionRequest.question)).tuples().all())
    assert questions == {"t:1": "(erased)", "other:1": "Approve?"}
