"""Onboarding services on a real database: nothing stored when invalid, the national number
encrypted only, duplicates routed to review, staff decisions, erasure."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from onboarding_samples import NOW, company, form, person
from sqlalchemy import func, select

from governance.db.models import (
    DecisionRequest,
    Document,
    Member,
    OutboxMessage,
    TimelineEvent,
)
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, RuleViolation
from governance.members.rules.application_form import Application, InvalidApplication
from governance.members.rules.members import ErasureRefused
from governance.members.rules.onboarding import ApplicationStatus, ReviewChoice
from governance.members.use_cases import (
    erasure,
    onboarding,
    onboarding_admission,
    onboarding_review,
    onboarding_screening,
)
from governance.register.use_cases import shares

STAFF = Actor.staff("anna")


def submit(data: dict | None = None, key: str = "test:1") -> onboarding.ApplicationView:  # type: ignore[type-arg]
    with UnitOfWork() as uow:
        return onboarding.submit_application(
            uow, Application.model_validate(data or person()), actor=STAFF, request_key=key, now=NOW
        )


def screen(app_id: int) -> onboarding.ApplicationView:
    with UnitOfWork() as uow:
        return onboarding_screening.screen_application(uow, app_id, now=NOW)


def count(model: type) -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_invalid_application_stores_nothing(coop_env) -> None:
    with pytest.raises(InvalidApplication) as info, UnitOfWork() as uow:
        onboarding.submit_application(
            uow, form(iban="BE41091811735141", email="nope"), actor=STAFF, request_key="k"
        )
    assert {e.field for e in info.value.errors} == {"iban", "email"}
    assert count(ApplicationRow) == count(TimelineEvent) == count(OutboxMessage) == 0


def test_the_national_number_is_stored_encrypted_only(coop_env) -> None:
    view = submit()
    assert submit().id == view.id  # the same request key never stores twice
    with UnitOfWork() as uow:
        row = uow.session.get(ApplicationRow, view.id)
        assert row is not None and row.national_number_enc
        assert "85073003328" not in row.national_number_enc
        assert uow.cipher.decrypt(row.national_number_enc) == "85073003328"
        assert row.identity_hash == uow.cipher.keyed_hash("85073003328")
        events = uow.session.scalars(select(TimelineEvent)).all()
        dumped = json.dumps([e.details for e in events]) + repr(view)
    assert "85073003328" not in dumped and "033" not in dumped


def test_a_clean_application_is_approved_automatically(coop_env) -> None:
    assert screen(submit().id).status is ApplicationStatus.APPROVED


def test_same_email_same_identity_and_same_name_birth_date_go_to_review(coop_env) -> None:
    first = submit()
    screen(first.id)
    second = screen(submit(person(email="other@example.org"), key="test:2").id)
    third = screen(
        submit(
            person(first_name="ZOE", last_name="d hondt", national_number=None,
                   email="z@example.org"),
            key="test:3",
        ).id
    )
    assert second.status is third.status is ApplicationStatus.IN_REVIEW
    assert {r["reason"] for r in second.review_reasons} == {"same_identity",
                                                            "same_name_and_birth_date"}
    assert {r["reason"] for r in third.review_reasons} >= {"same_name_and_birth_date",
                                                           "no_national_number"}
    fourth = screen(submit(company(email="ZOE.DHONDT@example.org"), key="test:4").id)
    assert [r["reason"] for r in fourth.review_reasons] == ["same_email"]


def _in_review() -> int:
    app_id = submit(person(national_number=None)).id
    screen(app_id)
    with UnitOfWork() as uow:
        pending = onboarding_review.open_review(uow, app_id, now=NOW)
    assert pending.decision is None and "no national or BIS number" in pending.description
    assert "85073003328" not in pending.description
    return app_id


def test_rejection_needs_a_reason_and_mails_it(coop_env) -> None:
    app_id = _in_review()
    with pytest.raises(RuleViolation, match="reason for the rejection"), UnitOfWork() as uow:
        onboarding_review.record_review(uow, app_id, 1, choice=ReviewChoice.REJECT, staff="anna")
    with UnitOfWork() as uow:
        view = onboarding_review.record_review(
            uow, app_id, 1, choice=ReviewChoice.REJECT, staff="anna", note="Not an & artist"
        )
    assert view.status is ApplicationStatus.REJECTED
    with UnitOfWork() as uow:
        mail = uow.session.scalars(select(OutboxMessage)).one()
        assert mail.template == "onboarding_rejected" and mail.context["reason"] == "Not an & artist"
        with pytest.raises(InvalidTransition):  # another answer to a decided question
            onboarding_review.record_review(uow, app_id, 1, choice=ReviewChoice.APPROVE, staff="bob",
                                     note="ok")


def test_information_round_trip_goes_back_to_review(coop_env) -> None:
    app_id = _in_review()
    with UnitOfWork() as uow:
        onboarding_review.record_review(uow, app_id, 1, choice=ReviewChoice.REQUEST_INFO,
                                 staff="anna", note="Send your attestation")
    with UnitOfWork() as uow:
        wait = onboarding_review.open_information_wait(uow, app_id)
    assert wait.decision is None and "Send your attestation" in wait.description
    for _ in range(2):  # given twice: applied once
        with UnitOfWork() as uow:
            view = onboarding_review.record_information(uow, app_id, 1, answer="Attached", staff="bob")
    assert view.status is ApplicationStatus.IN_REVIEW and view.review_round == 2
    with UnitOfWork() as uow:
        pending = onboarding_review.open_review(uow, app_id)
        assert "answered our question: Attached" in pending.description
        assert pending.key.endswith(":review:2")
        keys = uow.session.scalars(select(OutboxMessage.idempotency_key)).all()
    assert keys == [f"mail:onboarding:{app_id}:info:1"]


def test_admission_creates_an_active_member_once(coop_env) -> None:
    app_id = screen(submit().id).id
    for _ in range(2):
        with UnitOfWork() as uow:
            admission = onboarding_admission.admit_applicant(uow, app_id, actor=STAFF)
    assert admission.member.status is MemberStatus.ACTIVE
    assert admission.member.member_number == "M0000001" and admission.amount_cents == 6000
    with UnitOfWork() as uow:
        member = uow.session.get(Member, admission.member.id)
        assert member is not None and member.identity_hash and member.national_number_enc
        actions = uow.session.scalars(
            select(TimelineEvent.action).where(TimelineEvent.member_id == member.id)
        ).all()
        mail = uow.session.scalars(select(OutboxMessage)).one()
        assert mail.idempotency_key == f"mail:welcome:{member.id}"
        assert mail.attachment_keys == [admission.letter_key, admission.summary_key]
    assert {"application_submitted", "application_approved_automatically", "member_created",
            "application_admitted", "member_welcomed"} <= set(actions)


def _admitted() -> int:
    app_id = screen(submit().id).id
    with UnitOfWork() as uow:
        return onboarding_admission.admit_applicant(uow, app_id, actor=STAFF).member.id


def test_erasure_is_refused_while_shares_are_held_or_awaited(coop_env) -> None:
    member_id = _admitted()
    with UnitOfWork() as uow:
        shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=2,
                         actor=STAFF, request_key="onboarding:1")
        uow.commit()
    with pytest.raises(ErasureRefused, match="share register"), UnitOfWork() as uow:
        erasure.erase_member(uow, member_id, staff="anna")
    with UnitOfWork() as uow:
        assert uow.session.get(Member, member_id).status is MemberStatus.ACTIVE  # type: ignore[union-attr]


def test_erasure_anonymises_everything_and_is_recorded(coop_env) -> None:
    member_id = _admitted()
    with UnitOfWork() as uow:
        assert erasure.has_open_contracts(uow.session, member_id) is False
        done = erasure.erase_member(uow, member_id, staff="anna", now=NOW + timedelta(days=1))
    assert done.applications == 1
    with UnitOfWork() as uow:
        member = uow.session.get(Member, member_id)
        app = uow.session.scalars(select(ApplicationRow)).one()
        mail = uow.session.scalars(select(OutboxMessage)).one()
        requests = uow.session.scalars(select(DecisionRequest)).all()
        last = uow.session.scalars(select(TimelineEvent).order_by(TimelineEvent.id.desc())).first()
        docs = uow.session.scalars(select(Document)).all()
        assert member is not None and member.status is MemberStatus.ERASED
        assert member.email is member.national_number_enc is member.identity_hash is None
        assert member.first_name is None and member.last_name == "(erased)" and member.iban is None
        assert app.national_number_enc is None and app.email == "(erased)" and app.first_name is None
        assert mail.to_address == "(erased)" and mail.context == {} and mail.status == "failed"
        assert requests == [] and docs == []
        assert last is not None and last.action == "member_erased" and last.actor == "anna"
    with pytest.raises(InvalidTransition), UnitOfWork() as uow:
        erasure.erase_member(uow, member_id, staff="anna")
