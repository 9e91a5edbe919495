"""member-onboarding and onboarding-reminders as real Prefect flow runs, mails at the sink.

Staff decisions are given through the decisions service by a scripted "staff member" in place
of the suspension (the flow then goes on without suspending); the real suspend/resume path
is in test_onboarding_suspend.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from onboarding_samples import form, person
from sqlalchemy import select

import flows.member_onboarding as onboarding_flow
from flows.member_onboarding import OnboardingParameters, member_onboarding
from flows.onboarding_reminders import RemindersParameters, onboarding_reminders
from governance.clock import utcnow
from governance.db.models import Member, OutboxMessage, ShareSubscription, TimelineEvent
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.rules.application_form import Application
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.use_cases import onboarding, onboarding_review, onboarding_screening


class ScriptedStaff:
    """Answers each waiting decision from a script, through the decisions service."""

    def __init__(self, answers: dict[str, dict[str, str]], staff: str = "anna") -> None:
        self.answers, self.staff, self.asked = answers, staff, []  # type: list[str]

    def __call__(self, form_cls: Any, *, key: str, question: str, answered: Any) -> Any:
        pending = answered
        if pending.decision is None:
            suffix = pending.key.split(":", 2)[2]  # review:1, info:1...
            self.asked.append(suffix)
            with UnitOfWork() as uow:
                uow.decisions.decide(
                    key=pending.key, decision=self.answers[suffix], staff=self.staff
                )
                uow.commit()
            return form_cls.recorded(self.answers[suffix], self.staff)
        return form_cls.recorded(pending.decision, pending.decided_by)


def stored(data: dict[str, Any], key: str) -> int:
    with UnitOfWork() as uow:
        return onboarding.submit_application(
            uow, Application.model_validate(data), actor=Actor.staff("anna"), request_key=key
        ).id


def run(app_id: int) -> str:
    return member_onboarding(OnboardingParameters(application_id=app_id, staff="anna"))


def test_a_clean_application_is_welcomed_with_both_documents(
    coop_env, mail_sink, prefect_harness
) -> None:
    result = member_onboarding(OnboardingParameters(application=form(), staff="anna"))
    assert result == "admitted"
    welcome, payment = mail_sink.parsed()  # welcome pack, then the register's instructions
    assert "+++" in payment.get_body(("plain",)).get_content()
    assert welcome["Subject"] == "Bienvenue chez SmartCoop SC, Zoë D'Hondt"
    names = sorted(a.get_filename() for a in welcome.iter_attachments())
    assert [n.rsplit(".", 1)[0] for n in names] == [
        "Lettre de bienvenue", "Récapitulatif de votre adhésion"]
    with UnitOfWork() as uow:
        app = uow.session.scalars(select(ApplicationRow)).one()
        app_id = app.id
        member = uow.session.get(Member, app.member_id)
        assert member is not None and member.member_number == "M0000001"
        assert member.status == "active"
        sub = uow.session.scalars(select(ShareSubscription)).one()
        assert (sub.member_id, sub.shares, sub.request_key) == (member.id, 2, f"onboarding:{app.id}")
        assert app.subscription_id == sub.id
        events = uow.session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.member_id == member.id)
            .order_by(TimelineEvent.id)
        ).all()
        actions = [e.action for e in events]
        assert "85073003328" not in str([e.details for e in events])
    assert actions[0] == "application_submitted" and "share_subscription_started" in actions
    assert {"shares_subscribed", "member_welcomed", "document_generated"} <= set(actions)
    # Re-running the process for the same application sends nothing and subscribes nothing.
    assert run(app_id) == "admitted"
    assert len(mail_sink.parsed()) == 2
    with UnitOfWork() as uow:
        assert len(uow.session.scalars(select(ShareSubscription)).all()) == 1


def test_the_typed_national_number_leaves_the_flow_run_parameters(
    coop_env, mail_sink, prefect_harness
) -> None:
    from prefect import get_client

    state = member_onboarding(
        OnboardingParameters(application=form(), staff="anna"), return_state=True
    )
    with get_client(sync_client=True) as client:
        run_ = client.read_flow_run(state.state_details.flow_run_id)
    assert "85073003328" not in str(run_.parameters) and "033.28" not in str(run_.parameters)
    # blanked inside the parameters' own shape, which a resumed run binds again
    assert run_.parameters["params"]["application"]["national_number"] == ""


def test_a_duplicate_is_reviewed_then_approved_by_staff(
    coop_env, mail_sink, prefect_harness, monkeypatch
) -> None:
    first = stored(person(), "t:1")
    assert run(first) == "admitted"
    staff = ScriptedStaff({"review:1": {"choice": "approve", "note": "Same person, new e-mail"}})
    monkeypatch.setattr(onboarding_flow, "ask_staff", staff)
    second = stored(person(email="zoe2@example.org", first_name="Zoé"), "t:2")
    assert run(second) == "admitted"
    assert staff.asked == ["review:1"]
    with UnitOfWork() as uow:
        app = uow.session.get(ApplicationRow, second)
        assert app is not None and app.decided_by == "anna"
        assert {r["reason"] for r in app.review_reasons} == {"same_identity",
                                                            "same_name_and_birth_date"}
        approved = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action == "application_approved")
        ).one()
        assert (approved.actor_kind, approved.actor, approved.member_id) == (
            "staff", "anna", app.member_id)
    assert len(mail_sink.parsed()) == 4  # per member: welcome pack + payment instructions


def test_a_rejection_is_mailed_with_its_reason_once(
    coop_env, mail_sink, prefect_harness, monkeypatch
) -> None:
    staff = ScriptedStaff(
        {"review:1": {"choice": "reject", "note": "Nous ne trouvons pas <votre> activité & co"}}
    )
    monkeypatch.setattr(onboarding_flow, "ask_staff", staff)
    app_id = stored(person(national_number=None, language="nl", office="gent"), "t:1")
    assert run(app_id) == "rejected"
    assert run(app_id) == "rejected"
    [mail] = mail_sink.parsed()
    assert mail["Subject"] == "Uw aanvraag tot lidmaatschap van SmartCoop SC"
    assert "Nous ne trouvons pas <votre> activité & co" in mail.get_body(("plain",)).get_content()
    with UnitOfWork() as uow:
        assert uow.session.scalars(select(Member)).all() == []


def test_more_information_then_approval(coop_env, mail_sink, prefect_harness, monkeypatch) -> None:
    staff = ScriptedStaff(
        {
            "review:1": {"choice": "request_info",
                         "note": "Please send your arts-worker attestation."},
            "info:1": {"answer": "Attestation received at the Eupen counter."},
            "review:2": {"choice": "approve", "note": "Same person, new e-mail"},
        }
    )
    monkeypatch.setattr(onboarding_flow, "ask_staff", staff)
    app_id = stored(person(national_number=None, language="de", office="eupen"), "t:1")
    assert run(app_id) == "admitted"
    assert staff.asked == ["review:1", "info:1", "review:2"]
    subjects = [m["Subject"] for m in mail_sink.parsed()]
    assert subjects == ["Ihr Antrag bei SmartCoop SC: eine Angabe fehlt",
                        "Willkommen bei SmartCoop SC, Zoë D'Hondt",
                        "Ihre Anteile bei SmartCoop SC: Zahlungsanweisungen"]


def _age(app_id: int, days: float) -> None:
    """Move the wait back in time (the clock of the application)."""
    with UnitOfWork() as uow:
        app = uow.session.get(ApplicationRow, app_id)
        assert app is not None and app.waiting_since is not None
        app.waiting_since -= timedelta(days=days)
        uow.commit()


def test_reminders_with_a_controllable_clock(coop_env, mail_sink, prefect_harness) -> None:

    review_id = stored(person(national_number=None), "t:1")
    info_id = stored(person(national_number=None, email="b@example.org", first_name="Bo",
                            language="en"), "t:2")
    with UnitOfWork() as uow:
        for app_id in (review_id, info_id):
            onboarding_screening.screen_application(uow, app_id)
        onboarding_review.open_review(uow, info_id)
        onboarding_review.record_review(uow, info_id, 1, choice="request_info", staff="anna",  # type: ignore[arg-type]
                                 note="Which office?")
    now = utcnow()
    assert onboarding_reminders(RemindersParameters(now=now)) == {
        "staff_review": 0, "applicant_info": 0, "close_unanswered": 0}
    later = now + timedelta(days=8)
    counts = onboarding_reminders(RemindersParameters(now=later))
    assert counts == {"staff_review": 1, "applicant_info": 1, "close_unanswered": 0}
    assert onboarding_reminders(RemindersParameters(now=later)) == {
        "staff_review": 0, "applicant_info": 0, "close_unanswered": 0}  # nothing twice
    closed = onboarding_reminders(RemindersParameters(now=now + timedelta(days=31)))
    assert closed["close_unanswered"] == 1
    messages = mail_sink.parsed()
    by_to: dict[str, list[str]] = {}
    for m in messages:
        by_to.setdefault(m["To"], []).append(m["Subject"])
    assert by_to["backoffice@smart.coop"][0].startswith("[rappel] Demande d'adhésion")
    assert by_to["b@example.org"] == [
        "Your application to SmartCoop SC: information needed",
        "Reminder: your application to SmartCoop SC awaits your answer",
        "Your application to SmartCoop SC is closed",
    ]
    with UnitOfWork() as uow:
        assert uow.session.get(ApplicationRow, info_id).status is ApplicationStatus.CLOSED  # type: ignore[union-attr]
        assert all(m.status == "sent" for m in uow.session.scalars(select(OutboxMessage)))


@pytest.mark.parametrize("bad", [{"application_id": None}, {"application_id": 1,
                                                             "application": person()}])
def test_the_flow_wants_exactly_one_source(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="either a new application or a stored"):
        OnboardingParameters.model_validate({"staff": "anna", **bad})
