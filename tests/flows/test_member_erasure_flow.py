"""The member-erasure flow in real flow runs, the register keeper's answer recorded first (as
with the CLI or the inbox): erase now, refuse with a reason e-mailed, or kept by the law."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from flows.member_erasure import ErasureDecision, ErasureParameters, member_erasure
from governance.clock import utcnow
from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import erasure_requests, members
from governance.register.use_cases import shares


def _asked(email: str, *, with_shares: bool = False) -> tuple[int, str]:
    """A member who asked in the portal: the request is recorded, its key is the run's."""
    facts = MemberFacts(kind=MemberKind.PERSON, first_name="Jan", last_name="Peeters",
                        language=Language.NL, office=Office.GENT, email=email,
                        street="Kerkstraat 5", postcode="9000", city="Gent")
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.system(), MemberStatus.ACTIVE)
        members.assign_member_number(uow.session, member.id)
        if with_shares:
            shares.subscribe(uow.session, member_id=member.id, share_class="A", shares=1,
                             actor=Actor.system())
        uow.commit()
        key = erasure_requests.erasure_key(member.id, "portal:erasure:1:once")
        erasure_requests.ask_for_erasure(uow, member.id, key, actor=Actor.member("M1"),
                                         now=utcnow())
        return member.id, key


def _decide(key: str, verdict: str, reason: str = "") -> None:
    with UnitOfWork() as uow:
        uow.decisions.decide(key=key, decision={"verdict": verdict, "reason": reason},
                             staff="rita.register")
        uow.commit()


def _run(member_id: int, key: str) -> str:
    return member_erasure(ErasureParameters(member=str(member_id), request=key))


def test_a_register_keeper_erases_a_member_without_shares(coop_env, mail_sink, prefect_harness) -> None:  # type: ignore[no-untyped-def]
    member_id, key = _asked("jan@example.be")
    _decide(key, "erase")
    assert _run(member_id, key) == "erased by rita.register"
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.status is MemberStatus.ERASED and row.email is None
    assert mail_sink.messages() == []


def test_a_refusal_is_mailed_to_the_member_with_its_reason(coop_env, mail_sink, prefect_harness) -> None:  # type: ignore[no-untyped-def]
    member_id, key = _asked("piet@example.be")
    _decide(key, "refuse", "Uw dossier bij de rechtbank loopt nog.")
    assert _run(member_id, key) == "refused by rita.register"
    assert _run(member_id, key) == "refused by rita.register"  # run again: one e-mail
    [mail] = mail_sink.parsed()
    assert "wissen" in str(mail["Subject"])
    assert "Uw dossier bij de rechtbank loopt nog." in mail.get_body(("plain",)).get_content()
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.status is MemberStatus.ACTIVE
        latest = erasure_requests.latest_request(uow, member_id)
        assert latest is not None and latest.verdict == "refuse"


def test_a_shareholder_is_kept_and_told_the_law_keeps_the_register(coop_env, mail_sink, prefect_harness) -> None:  # type: ignore[no-untyped-def]
    member_id, key = _asked("aandeel@example.be", with_shares=True)
    with UnitOfWork() as uow:
        found = uow.decisions.find(key)
        assert found is not None and "rules refuse erasure now" in found.question
    _decide(key, "erase")
    assert _run(member_id, key) == "kept: retention"
    [mail] = mail_sink.parsed()
    assert "aandelenregister" in mail.get_body(("plain",)).get_content()
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.status is MemberStatus.ACTIVE


def test_a_refusal_needs_a_reason_and_the_request_is_due_within_a_week(coop_env) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="write the reason"):
        ErasureDecision(staff="rita.register", one_time_code="123456", verdict="refuse")
    member_id, key = _asked("due@example.be")
    with UnitOfWork() as uow:
        found = uow.decisions.find(key)
        assert found is not None and found.process == "member-erasure"
        assert found.due_at - found.requested_at == timedelta(days=7)
        again = erasure_requests.ask_for_erasure(
            uow, member_id, erasure_requests.erasure_key(member_id, "other"),
            actor=Actor.member("M1"), now=utcnow())
        assert again.key == key  # one open request per member
