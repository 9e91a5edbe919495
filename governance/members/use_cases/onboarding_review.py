"""The staff review of an application, and the information staff ask the applicant for.

Each decision is a staff decision request (one per round) the onboarding process waits for;
recording it moves the application on (approved, rejected, information asked, back to review).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.models.onboarding import InformationRequest
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation
from governance.members.rules.application_form import MANY_SHARES
from governance.members.rules.onboarding import (
    ApplicationStatus,
    ReviewChoice,
    ReviewReason,
    review_decision,
)
from governance.members.rules.onboarding_reminders import INFO_CLOSE_AFTER, review_reminder_due_at
from governance.members.use_cases.onboarding import (
    PROCESS,
    ApplicationView,
    _event,
    _get,
    _mail,
    _name,
)

REASON_TEXT = {
    ReviewReason.SAME_IDENTITY: "the same national number as {record}",
    ReviewReason.SAME_EMAIL: "the same e-mail address as {record}",
    ReviewReason.SAME_NAME_AND_BIRTH_DATE: "the same name and birth date as {record}",
    ReviewReason.NO_NATIONAL_NUMBER: "no national or BIS number was given",
    ReviewReason.MINOR: "the applicant is under 18",
    ReviewReason.MANY_SHARES: f"more than {MANY_SHARES} shares are subscribed",
    ReviewReason.INFORMATION_RECEIVED: "the applicant answered our question: {answer}",
}


def review_key(application_id: int, round_: int) -> str:
    return f"onboarding:{application_id}:review:{round_}"


def info_key(application_id: int, round_: int) -> str:
    return f"onboarding:{application_id}:info:{round_}"


@dataclass(frozen=True)
class PendingDecision:
    """A staff decision the flow waits for: its key, what to show, and the answer if given."""

    key: str
    round: int
    description: str
    decision: dict[str, Any] | None
    decided_by: str | None


def _describe(row: ApplicationRow) -> str:
    lines = [
        f"### Membership application {row.id}: {_name(row)}",
        "",
        f"- kind: {row.kind}; e-mail: {row.email}; language: {row.language}; office: {row.office}",
        f"- address: {row.street}, {row.postcode} {row.city} ({row.country})",
        f"- shares: {row.shares} of class {row.share_class}",
        f"- national number given: {'yes' if row.national_number_enc else 'no'}",
    ]
    if row.birth_date:
        lines.append(f"- birth date: {row.birth_date:%d/%m/%Y}")
    if row.company_number:
        lines.append(f"- enterprise number: {row.company_number}")
    lines += ["", "**Why a person must decide:**"]
    for item in row.review_reasons or []:
        record = f"{item.get('record_type')} {item.get('record_id')}"
        text = REASON_TEXT[ReviewReason(item["reason"])]
        lines.append("- " + text.format(record=record, answer=item.get("answer", "")))
    return "\n".join(lines)


def open_review(
    uow: UnitOfWork,
    application_id: int,
    *,
    flow_run_id: str | None = None,
    now: datetime | None = None,
) -> PendingDecision:
    """Ask staff to review (once per round); returns the decision if already taken."""
    session = uow.session
    row = _get(session, application_id)
    if row.status is not ApplicationStatus.IN_REVIEW:
        raise InvalidTransition(f"application {row.id} is {row.status}, not waiting for review")
    now = now or utcnow()
    waiting_since = row.waiting_since or now
    description = _describe(row)
    request = uow.decisions.open(
        key=review_key(row.id, row.review_round),
        process=PROCESS,
        subject_type="application",
        subject_id=row.id,
        question=description,
        due_in=review_reminder_due_at(waiting_since, 0) - waiting_since,
        member_id=row.member_id,
        flow_run_id=flow_run_id,
        now=waiting_since,
    )
    uow.commit()
    return PendingDecision(
        request.key, row.review_round, description, request.decision, request.decided_by
    )


def record_review(
    uow: UnitOfWork,
    application_id: int,
    round_: int,
    *,
    choice: ReviewChoice,
    staff: str,
    note: str = "",
    now: datetime | None = None,
) -> ApplicationView:
    """Apply a staff review: approve (note for the file), reject (the note is the reason,
    e-mailed) or ask for information (the note is the question, e-mailed)."""
    if not staff.strip():
        raise RuleViolation("say who decides (staff login)", field="staff")
    session = uow.session
    row = _get(session, application_id, lock=True)
    decision = review_decision(choice, note)
    now = now or utcnow()
    uow.decisions.decide(key=review_key(row.id, round_), decision=decision, staff=staff, now=now)
    # A round applied already (a re-run or a resume) only has its decision recorded (again).
    if row.status is ApplicationStatus.IN_REVIEW and row.review_round == round_:
        _apply_review(uow, row, round_, choice, decision, staff=staff, now=now)
    uow.commit()
    return ApplicationView.of(row)


def _apply_review(
    uow: UnitOfWork,
    row: ApplicationRow,
    round_: int,
    choice: ReviewChoice,
    decision: dict[str, str],
    *,
    staff: str,
    now: datetime,
) -> None:
    """The application approved, rejected (reason e-mailed) or waiting for information
    (question e-mailed), with its timeline event."""
    session = uow.session
    actor = Actor.staff(staff)
    if choice is ReviewChoice.APPROVE:
        row.status = ApplicationStatus.APPROVED
        row.decided_by, row.decided_at = staff, now
        _event(session, row, actor, "application_approved", round=round_, note=decision["note"])
    elif choice is ReviewChoice.REJECT:
        row.status = ApplicationStatus.REJECTED
        row.decided_by, row.decided_at = staff, now
        row.rejection_reason = decision["note"]
        _mail(uow, row, "rejected", "onboarding_rejected", reason=decision["note"])
        _event(session, row, actor, "application_rejected", round=round_)
    else:
        row.status = ApplicationStatus.INFO_REQUESTED
        row.waiting_since = now
        row.applicant_reminders_sent = 0
        session.add(
            InformationRequest(
                application_id=row.id,
                round=round_,
                message=decision["note"],
                requested_by=staff,
                requested_at=now,
            )
        )
        _mail(uow, row, f"info:{round_}", "onboarding_info_request", message=decision["note"])
        _event(session, row, actor, "information_requested", round=round_)


def _info_request(session: Session, application_id: int, round_: int) -> InformationRequest:
    found = session.scalar(
        select(InformationRequest).where(
            InformationRequest.application_id == application_id,
            InformationRequest.round == round_,
        )
    )
    if found is None:
        raise NotFound(f"no information was asked in round {round_}", field="round")
    return found


def open_information_wait(
    uow: UnitOfWork, application_id: int, *, flow_run_id: str | None = None
) -> PendingDecision:
    """The applicant's answer, entered by staff (or given in the portal): once per round."""
    row = _get(uow.session, application_id)
    asked_round = row.review_round - (row.status is not ApplicationStatus.INFO_REQUESTED)
    info = _info_request(uow.session, row.id, asked_round)
    description = (
        f"### Application {row.id}: {_name(row)}\n\nWe asked the applicant:\n\n> {info.message}"
        "\n\nEnter the answer received (mail, phone, counter) to send the application back "
        "to review. Without an answer it is closed after 30 days."
    )
    request = uow.decisions.open(
        key=info_key(row.id, asked_round),
        process=PROCESS,
        subject_type="application",
        subject_id=row.id,
        question=description,
        due_in=INFO_CLOSE_AFTER,
        member_id=row.member_id,
        flow_run_id=flow_run_id,
        now=info.requested_at,
    )
    uow.commit()
    return PendingDecision(
        request.key, asked_round, description, request.decision, request.decided_by
    )


def record_information(
    uow: UnitOfWork,
    application_id: int,
    round_: int,
    *,
    answer: str,
    staff: str,
    now: datetime | None = None,
) -> ApplicationView:
    """Staff enter the applicant's answer: the application goes back to review (next round)."""
    if not answer.strip():
        raise RuleViolation("write the applicant's answer", field="answer")
    if not staff.strip():
        raise RuleViolation("say who enters the answer (staff login)", field="staff")
    session = uow.session
    row = _get(session, application_id, lock=True)
    now = now or utcnow()
    uow.decisions.decide(
        key=info_key(row.id, round_),
        decision={"answer": answer.strip()},
        staff=staff,
        now=now,
    )
    info = _info_request(session, row.id, round_)
    if info.answered_at is None and row.status is ApplicationStatus.INFO_REQUESTED:
        info.answer, info.answered_by, info.answered_at = answer.strip(), staff, now
        row.status = ApplicationStatus.IN_REVIEW
        row.review_round = round_ + 1
        row.waiting_since = now
        row.staff_reminders_sent = 0
        row.review_reasons = [
            *(row.review_reasons or []),
            {"reason": ReviewReason.INFORMATION_RECEIVED, "round": round_, "answer": info.answer},
        ]
        _event(session, row, Actor.staff(staff), "information_received", round=round_)
    uow.commit()
    return ApplicationView.of(row)


def waiting_decision(uow: UnitOfWork, application_id: int) -> PendingDecision | None:
    """The staff decision the application waits for now (opened if needed), if any."""
    row = _get(uow.session, application_id)
    if row.status is ApplicationStatus.IN_REVIEW:
        return open_review(uow, application_id)
    if row.status is ApplicationStatus.INFO_REQUESTED:
        return open_information_wait(uow, application_id)
    return None


def flow_run_waiting(uow: UnitOfWork, key: str) -> str | None:
    """The id of the flow run suspended on this decision, if one is."""
    found = uow.decisions.find(key)
    return found.flow_run_id if found else None
