"""Onboarding tasks: each opens its own unit of work and calls one service; safe to run twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from uuid import UUID

from prefect import get_run_logger, task

from documents import archive, labels
from documents.contexts import Addressee, Coop
from documents.contexts.members import WelcomeLetter
from documents.contexts.onboarding import MembershipSummary
from documents.produce import DocumentRequest
from governance.clock import brussels_date, business_today
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import RuleViolation
from governance.members.rules.application_form import Application, Attestation, InvalidApplication
from governance.members.rules.onboarding import ReviewChoice
from governance.members.rules.onboarding_reminders import ReminderDue, due_reminders
from governance.members.use_cases import (
    erasure,
    onboarding,
    onboarding_admission,
    onboarding_reminders,
    onboarding_review,
    onboarding_screening,
)
from governance.members.use_cases.onboarding import ApplicationView
from governance.members.use_cases.onboarding_reminders import ReminderOutcome
from governance.members.use_cases.onboarding_review import PendingDecision
from tasks.common import IO_RETRIES
from tasks.documents import produce


def actor_of(login: str) -> Actor:
    return Actor.system(onboarding.PROCESS) if login in ("", "system") else Actor.staff(login)


@dataclass(frozen=True)
class Received:
    """A stored application's id, or the problems that kept it out (nothing stored)."""

    application_id: int | None
    problems: list[str]


@task(name="receive-application", **IO_RETRIES)
def receive_application(
    application: Application | None, application_id: int | None, staff: str, request_key: str
) -> Received:
    """Store a new application (validated; nothing stored if invalid) or take a stored one.

    A refusal is returned, not raised: its message would otherwise be logged with a traceback
    (and a refused value, e.g. an IBAN, with it)."""
    with UnitOfWork() as uow:
        if application is None:
            if application_id is None:
                return Received(None, ["give an application or the id of a stored one"])
            return Received(onboarding.get(uow, application_id).id, [])
        try:
            view = onboarding.submit_application(
                uow, application, actor=actor_of(staff), request_key=request_key
            )
        except InvalidApplication as exc:
            return Received(None, [refusal_line(e, application) for e in exc.errors])
    get_run_logger().info("application %s stored (%s)", view.id, view.status)
    return Received(view.id, [])


def refusal_line(problem: RuleViolation, application: Application) -> str:
    """ "Field title: problem", with the refused value itself blanked out."""
    name = problem.field or ""
    field = Application.model_fields.get(name)
    title = (field.title if field else None) or name
    message = problem.message
    value = getattr(application, name, None) if field else None
    if isinstance(value, str) and len(compact := re.sub(r"\W", "", value)) >= 3:
        spelled = r"\W*".join(re.escape(c) for c in compact)
        message = re.sub(rf"'?{spelled}'?", "(the value given)", message, flags=re.IGNORECASE)
    return f"{title}: {message}" if title else message


@task(name="screen-application", **IO_RETRIES)
def screen_application(application_id: int) -> ApplicationView:
    with UnitOfWork() as uow:
        return onboarding_screening.screen_application(uow, application_id)


@task(name="open-review", **IO_RETRIES)
def open_review(application_id: int, flow_run_id: str | None) -> PendingDecision:
    with UnitOfWork() as uow:
        return onboarding_review.open_review(uow, application_id, flow_run_id=flow_run_id)


@task(name="record-review", **IO_RETRIES)
def record_review(
    application_id: int, round_: int, choice: ReviewChoice, note: str, staff: str
) -> ApplicationView:
    with UnitOfWork() as uow:
        return onboarding_review.record_review(
            uow, application_id, round_, choice=choice, staff=staff, note=note
        )


@task(name="open-information-wait", **IO_RETRIES)
def open_information_wait(application_id: int, flow_run_id: str | None) -> PendingDecision:
    with UnitOfWork() as uow:
        return onboarding_review.open_information_wait(uow, application_id, flow_run_id=flow_run_id)


@task(name="record-information", **IO_RETRIES)
def record_information(
    application_id: int, round_: int, answer: str, staff: str
) -> ApplicationView:
    with UnitOfWork() as uow:
        return onboarding_review.record_information(
            uow, application_id, round_, answer=answer, staff=staff
        )


@task(name="admit-applicant", **IO_RETRIES)
def admit_applicant(application_id: int, staff: str) -> int:
    """Member (active) + member number + welcome e-mail queued; returns the member id."""
    with UnitOfWork() as uow:
        admission = onboarding_admission.admit_applicant(uow, application_id, actor=actor_of(staff))
    return admission.member.id


@task(name="record-subscription", **IO_RETRIES)
def record_subscription(application_id: int, subscription_id: int, staff: str) -> None:
    with UnitOfWork() as uow:
        onboarding_admission.record_subscription(
            uow, application_id, subscription_id, actor=actor_of(staff)
        )


_KIND = {
    "fr": {"person": "personne", "company": "société"},
    "nl": {"person": "persoon", "company": "vennootschap"},
    "de": {"person": "Person", "company": "Gesellschaft"},
    "en": {"person": "person", "company": "company"},
}
_YES_NO = {"fr": ("oui", "non"), "nl": ("ja", "nee"), "de": ("ja", "nein"), "en": ("yes", "no")}
_ATTESTATION = {
    "fr": {"ordinary": "ordinaire", "plus": "plus", "starter": "débutant"},
    "nl": {"ordinary": "gewoon", "plus": "plus", "starter": "starter"},
    "de": {"ordinary": "gewöhnlich", "plus": "plus", "starter": "Einsteiger"},
    "en": {"ordinary": "ordinary", "plus": "plus", "starter": "starter"},
}


@task(name="produce-welcome-pack", **IO_RETRIES)
def produce_welcome_pack(application_id: int) -> int:
    """The welcome letter and the membership summary, archived; the e-mail waits for both."""
    with UnitOfWork() as uow:
        a = onboarding_admission.get_admission(uow, application_id)
        coop = Coop.from_settings(uow.settings)
    m, lang = a.member, str(a.member.language)
    today = business_today()
    addressee = Addressee(
        name=m.name,
        street=m.street,
        postcode=m.postcode,
        city=m.city,
        country=m.country,
        company=str(m.kind) == "company",
    )
    common = {"language": lang, "coop": coop, "today": today, "member": addressee}
    letter = WelcomeLetter(
        **common,
        member_number=m.member_number or "",
        office=labels.office(m.office, lang),
        share_class=a.share_class,
        shares=a.shares,
        amount_cents=a.amount_cents,
    )
    yes, no = _YES_NO[lang]
    summary = MembershipSummary(
        **common,
        member_number=m.member_number or "",
        kind=_KIND[lang][str(m.kind)],
        email=m.email or "",
        phone=a.phone or "–",
        office=labels.office(m.office, lang),
        iban_masked=a.iban_masked,
        national_number_recorded=yes if a.national_number_recorded else no,
        attestation="–"
        if a.attestation is Attestation.NONE
        else _ATTESTATION[lang][str(a.attestation)]
        + (f" ({a.attestation_expires_on:%d/%m/%Y})" if a.attestation_expires_on else ""),
        share_class=a.share_class,
        shares=a.shares,
        amount_cents=a.amount_cents,
        privacy_policy_accepted_on=brussels_date(a.consents["privacy_policy"]),
        internal_rules_accepted_on=brussels_date(a.consents["internal_rules"]),
        capital_risk_accepted_on=brussels_date(a.consents["capital_risk"]),
    )
    return produce(
        [
            DocumentRequest(
                a.letter_key, "welcome_letter", m.language, letter, "member", str(m.id), m.id
            ),
            DocumentRequest(
                a.summary_key, "membership_summary", m.language, summary, "member", str(m.id), m.id
            ),
        ]
    )


@task(name="forget-national-number", **IO_RETRIES)
def forget_national_number(flow_run_id: str) -> bool:
    """Blank the national number typed into the run's form, whatever happens next (stored
    encrypted, or refused): it must not stay in Prefect. The parameters keep their exact shape
    (`{"params": {...}}`), or the run could not bind them again when it resumes."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        parameters = client.read_flow_run(UUID(flow_run_id)).parameters
        params = parameters.get("params")
        form = params.get("application") if isinstance(params, dict) else None
        if not isinstance(params, dict) or not isinstance(form, dict):
            return False
        if not form.get("national_number"):
            return False
        blanked = {**params, "application": {**form, "national_number": ""}}
        client.update_flow_run(UUID(flow_run_id), parameters={**parameters, "params": blanked})
    return True


@task(name="find-due-onboarding-reminders", **IO_RETRIES)
def find_due_reminders(now: datetime) -> list[ReminderDue]:
    """Which waiting applications need a reminder or a closure at `now`."""
    with UnitOfWork() as uow:
        waiting = onboarding_reminders.waiting_applications(uow)
    return [d for w in waiting if (d := due_reminders(w, now)) is not None]


@task(name="apply-onboarding-reminders", **IO_RETRIES)
def apply_reminders(due: list[ReminderDue], now: datetime) -> list[ReminderOutcome]:
    """Send each reminder (or close) in its own transaction; re-running sends nothing twice."""
    outcomes = []
    for item in due:
        with UnitOfWork() as uow:
            outcomes.append(onboarding_reminders.apply_reminder(uow, item, now))
    return outcomes


@task(name="cancel-waiting-runs", **IO_RETRIES)
def cancel_waiting_runs(flow_run_ids: list[str], reason: str) -> int:
    """Cancel the suspended onboarding runs of applications closed meanwhile."""
    from prefect import get_client
    from prefect.states import Cancelled

    cancelled = 0
    with get_client(sync_client=True) as client:
        for run_id in flow_run_ids:
            run = client.read_flow_run(UUID(run_id))
            if run.state is not None and run.state.is_paused():
                client.set_flow_run_state(UUID(run_id), Cancelled(message=reason), force=True)
                cancelled += 1
    return cancelled


def erase_member_now(member_ref: str, staff: str) -> erasure.Erasure:
    """Anonymise the member (refused while shares are held or contracts run), then delete
    the archived documents that carried their personal data."""
    with UnitOfWork() as uow:
        done = erasure.erase_member(uow, erasure.resolve_member(uow, member_ref), staff=staff)
        settings = uow.settings
    for relative in done.document_paths:
        for candidate in (relative, str(PurePosixPath(relative).with_suffix(".docx"))):
            archive.delete(settings, candidate)  # the database's row and this machine's copy
    return done


@task(name="erase-member", **IO_RETRIES)
def erase_member(member_ref: str, staff: str) -> int:
    return erase_member_now(member_ref, staff).member_id
