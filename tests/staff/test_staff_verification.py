"""Who decides is proven: a registered, active login with the role, and a fresh code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from staff_kit import ADMIN, enrol_staff

from governance.clock import utcnow
from governance.db.models import TimelineEvent
from governance.db.models.staff import StaffMember
from governance.db.uow import UnitOfWork
from governance.kernel.rules import staff as rules
from governance.kernel.rules.staff import DecisionKind, StaffRole
from governance.kernel.use_cases import staff as registry
from governance.kernel.use_cases.staff_verification import check_answer, verify_decider
from tasks.mail import deliver_pending

CLERK = {"clerk": (StaffRole.ONBOARDING_REVIEWER, StaffRole.CONTRACT_APPROVER)}


def _verify(login: str, code: str, kind: DecisionKind = DecisionKind.CONTRACT_APPROVAL):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        return verify_decider(uow, login, code, kind, context="test")


@dataclass(frozen=True)
class Event:
    actor: str
    subject_id: str
    details: dict[str, Any]


def _events(action: str) -> list[Event]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(TimelineEvent).where(TimelineEvent.action == action))
        return [Event(r.actor, r.subject_id, dict(r.details)) for r in rows]


def test_a_fresh_code_proves_who_decides_and_is_on_the_timeline(coop_env) -> None:
    phones = enrol_staff(CLERK)
    verified = _verify("clerk", phones.code("clerk"))
    assert (verified.login, verified.role, verified.method) == (
        "clerk", StaffRole.CONTRACT_APPROVER, "totp")
    [event] = [e for e in _events("staff_verified") if e.actor == "clerk"]
    assert event.details["kind"] == "contract_approval"


def test_a_code_used_once_cannot_be_replayed(coop_env) -> None:
    phones = enrol_staff(CLERK)
    code = phones.code("clerk")
    _verify("clerk", code)
    with pytest.raises(rules.CodeReplayed, match="already used"):
        _verify("clerk", code)


def test_a_wrong_code_is_refused_and_says_how_many_attempts_are_left(coop_env) -> None:
    enrol_staff(CLERK)
    with pytest.raises(rules.CodeRefused, match="4 attempt"):
        _verify("clerk", "000000")


def test_an_unknown_login_is_refused(coop_env) -> None:
    enrol_staff(CLERK)
    with pytest.raises(rules.UnknownStaff, match="not a registered staff login"):
        _verify("mallory", "123456")


def test_a_staff_member_without_the_role_cannot_approve_a_transfer(coop_env) -> None:
    phones = enrol_staff(CLERK)
    with pytest.raises(rules.RoleMissing, match="board_member"):
        _verify("clerk", phones.code("clerk"), DecisionKind.SHARE_TRANSFER)


def test_a_deactivated_staff_member_cannot_decide(coop_env) -> None:
    phones = enrol_staff(CLERK)
    with UnitOfWork() as uow:
        registry.deactivate(uow, "clerk", "left the cooperative", by=ADMIN)
    with pytest.raises(rules.StaffInactive, match="deactivated"):
        _verify("clerk", phones.code("clerk"))


def test_repeated_wrong_codes_lock_the_login_and_mail_the_administrators(coop_env, mail_sink) -> None:
    phones = enrol_staff(CLERK)
    for _ in range(rules.MAX_FAILURES - 1):
        with pytest.raises(rules.CodeRefused):
            _verify("clerk", "999999")
    with pytest.raises(rules.StaffLocked, match="locked"):
        _verify("clerk", "999999")
    with pytest.raises(rules.StaffLocked):  # even the right code waits for the lock to end
        _verify("clerk", phones.code("clerk"))
    deliver_pending()
    [mail] = mail_sink.parsed()
    assert mail["To"] == f"{ADMIN}@smart.coop"
    assert "clerk" in mail["Subject"] and "5" in mail["Subject"]
    assert [e.subject_id for e in _events("staff_locked")] == ["clerk"]
    with UnitOfWork() as uow:  # the lock ends: the right code works again
        row = uow.session.scalars(select(StaffMember).where(StaffMember.login == "clerk")).one()
        row.locked_until = utcnow() - timedelta(seconds=1)
        uow.commit()
    assert _verify("clerk", phones.code("clerk")).login == "clerk"


def test_a_recovery_code_works_once_and_re_enrolment_revokes_the_old_phone(coop_env) -> None:
    phones = enrol_staff(CLERK)
    recovery, old_unused = phones.recovery["clerk"][:2]
    old_secret = phones.secrets["clerk"]
    assert _verify("clerk", recovery.upper()).method == "recovery_code"
    with pytest.raises(rules.CodeReplayed):
        _verify("clerk", recovery)
    phones.enrol("clerk")  # the administrator re-enrols the new phone
    assert phones.secrets["clerk"] != old_secret
    with pytest.raises(rules.CodeRefused):  # the old phone's unused codes are gone too
        _verify("clerk", old_unused)
    assert _verify("clerk", phones.code("clerk")).login == "clerk"


def test_the_same_answer_checked_twice_gives_the_first_outcome(coop_env) -> None:
    phones = enrol_staff(CLERK)
    code = phones.code("clerk")
    outcomes = []
    for _ in range(2):  # a run re-running from the top checks the same answer again
        with UnitOfWork() as uow:
            outcomes.append(check_answer(uow, answer_key="run-1:pause", decision_key="d",
                                         login="clerk", code=code,
                                         kind=DecisionKind.ONBOARDING_REVIEW))
    assert [o.verified for o in outcomes] == [True, True]
    assert len([e for e in _events("staff_verified") if e.actor == "clerk"]) == 1
