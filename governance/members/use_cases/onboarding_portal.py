"""The membership application as its applicant sees it in the member portal: the applications
of their e-mail address, the question staff asked them, and their answer to it.

Submitting goes through `onboarding.submit_application` like every other channel; what is
here is what only the applicant does or reads (no national number ever leaves this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.models.onboarding import InformationRequest
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberKind
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation
from governance.members.rules import portal as portal_rules
from governance.members.rules.onboarding import ApplicationStatus, ReviewReason
from governance.members.use_cases import onboarding, onboarding_review
from governance.statutes import get_statutes

# Who is recorded as having given an answer typed in the portal. Login-shaped on purpose: the
# staff forms' checks accept it when the process reads the recorded answer back.
APPLICANT = "applicant"
ANSWER_MIN, ANSWER_MAX = 2, 4000  # as the staff form's answer field
PORTAL_KEY_PREFIX = "portal:apply:"
IN_PROGRESS = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFO_REQUESTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.ADMITTED,
)


class AnswerNotValid(RuleViolation):
    """The answer is empty, too short or too long."""

    code = "answer_not_valid"


@dataclass(frozen=True)
class Wake:
    """The process run suspended on the applicant's answer, and the input that wakes it (the
    staff answer form's fields: the server checks them against its schema)."""

    run_id: str
    run_input: dict[str, Any]


@dataclass(frozen=True)
class ApplicantView:
    """One application as its applicant reads it (no national number, no staff notes)."""

    id: int
    status: ApplicationStatus
    kind: MemberKind
    name: str
    submitted_at: datetime
    shares: int
    share_class: str
    question: str | None  # staff's question waiting for the applicant's answer
    question_round: int | None
    last_answer: str | None  # the applicant's latest answer (shown while staff review it)
    rejection_reason: str | None
    member_number: str | None
    start_key: str | None  # the portal submission's key: its process is started with it
    wake: Wake | None  # an answer given whose process has not taken it up yet

    @property
    def in_progress(self) -> bool:
        """Waiting or admitted: a second application is not offered."""
        return self.status in IN_PROGRESS


def applicant_actor(email: str) -> Actor:
    """The applicant as the actor of what they do in the portal (by their address, cut to
    the length the records keep)."""
    return Actor.member(portal_rules.normalised_email(email)[:120])


def resume_input(answer: str) -> dict[str, Any]:
    """The staff answer form filled in for the applicant (no code: nothing is decided by it,
    the process reads the answer already recorded)."""
    return {"staff": APPLICANT, "one_time_code": "", "answer": answer}


def clean_answer(text: str) -> str:
    """The answer as stored: browser line ends made plain, outer blanks removed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _rounds(session: Session, application_id: int) -> list[InformationRequest]:
    return list(
        session.scalars(
            select(InformationRequest)
            .where(InformationRequest.application_id == application_id)
            .order_by(InformationRequest.round)
        )
    )


def _wake(uow: UnitOfWork, row: ApplicationRow, last: InformationRequest | None) -> Wake | None:
    """The run to wake if the applicant answered and no later question was opened yet."""
    if last is None or last.answered_by != APPLICANT or last.answer is None:
        return None
    if row.status is not ApplicationStatus.IN_REVIEW or row.review_round != last.round + 1:
        return None
    if uow.decisions.find(onboarding_review.review_key(row.id, row.review_round)) is not None:
        return None  # the process took it up: it asks staff the next question
    asked = uow.decisions.find(onboarding_review.info_key(row.id, last.round))
    if asked is None or not asked.flow_run_id:
        return None
    return Wake(asked.flow_run_id, resume_input(last.answer))


def _view(uow: UnitOfWork, row: ApplicationRow) -> ApplicantView:
    rounds = _rounds(uow.session, row.id)
    last = rounds[-1] if rounds else None
    waiting = row.status is ApplicationStatus.INFO_REQUESTED and last and last.answered_at is None
    member = uow.session.get(Member, row.member_id) if row.member_id else None
    return ApplicantView(
        id=row.id,
        status=row.status,
        kind=row.kind,
        name=onboarding.ApplicationView.of(row).name,
        submitted_at=row.submitted_at,
        shares=row.shares,
        share_class=row.share_class,
        question=last.message if waiting and last else None,
        question_round=last.round if waiting and last else None,
        last_answer=last.answer if last else None,
        rejection_reason=row.rejection_reason if row.status is ApplicationStatus.REJECTED else None,
        member_number=member.member_number if member else None,
        start_key=row.request_key if row.request_key.startswith(PORTAL_KEY_PREFIX) else None,
        wake=_wake(uow, row, last),
    )


def _of_email(email: str) -> Select[tuple[ApplicationRow]]:
    return select(ApplicationRow).where(
        func.lower(ApplicationRow.email) == portal_rules.normalised_email(email)
    )


def applications_of(uow: UnitOfWork, email: str) -> list[ApplicantView]:
    """The applications made with this e-mail address, newest first."""
    rows = uow.session.scalars(_of_email(email).order_by(ApplicationRow.id.desc()))
    return [_view(uow, row) for row in rows]


def latest_application(uow: UnitOfWork, email: str) -> ApplicantView | None:
    """The newest application of this e-mail address, if any."""
    row = uow.session.scalar(_of_email(email).order_by(ApplicationRow.id.desc()).limit(1))
    return _view(uow, row) if row is not None else None


def _mine(session: Session, email: str, application_id: int) -> ApplicationRow:
    row = session.scalar(
        _of_email(email).where(ApplicationRow.id == application_id).with_for_update()
    )
    if row is None:  # not there, or someone else's: one answer
        raise NotFound(f"there is no application {application_id}", field="application_id")
    return row


def _question(session: Session, application_id: int, round_: int) -> InformationRequest:
    found = session.scalar(
        select(InformationRequest).where(
            InformationRequest.application_id == application_id, InformationRequest.round == round_
        )
    )
    if found is None:
        raise NotFound(f"no question was asked in round {round_}", field="round")
    return found


@dataclass(frozen=True)
class AnswerRecorded:
    """The application after the answer, and the run to wake (None: no run waits on it, or
    the answer was recorded before)."""

    application: ApplicantView
    wake: Wake | None


def answer_question(
    uow: UnitOfWork,
    *,
    email: str,
    application_id: int,
    round_: int,
    answer: str,
    now: datetime | None = None,
) -> AnswerRecorded:
    """The applicant answers staff's question themselves: recorded on the same decision request
    the process waits on (so it finds the answer), the application back to review (next round),
    the timeline naming the applicant. Answering again, or after staff entered an answer,
    changes nothing. The decision request must be open (`onboarding_review.open_information_wait`)."""
    text = clean_answer(answer)
    if not ANSWER_MIN <= len(text) <= ANSWER_MAX:
        raise AnswerNotValid(
            f"the answer needs {ANSWER_MIN} to {ANSWER_MAX} characters", field="answer"
        )
    session = uow.session
    row = _mine(session, email, application_id)
    info = _question(session, row.id, round_)
    waiting = row.status is ApplicationStatus.INFO_REQUESTED and row.review_round == round_
    recording = waiting and info.answered_at is None
    if recording:
        now = now or utcnow()
        who = applicant_actor(email)
        key = onboarding_review.info_key(row.id, round_)
        try:
            uow.decisions.decide(
                key=key, decision={"answer": text}, staff=APPLICANT, now=now, actor=who
            )
        except InvalidTransition:  # staff recorded an answer a moment ago: theirs stands
            uow.rollback()
            return AnswerRecorded(_view(uow, _mine(session, email, application_id)), None)
        _back_to_review(uow, row, info, round_, text, who=who, now=now)
    # Answered already: nothing new to commit, nothing to wake (the status page catches up).
    uow.commit()
    view = _view(uow, row)
    return AnswerRecorded(view, view.wake if recording else None)


def _back_to_review(
    uow: UnitOfWork,
    row: ApplicationRow,
    info: InformationRequest,
    round_: int,
    text: str,
    *,
    who: Actor,
    now: datetime,
) -> None:
    """The answer kept with the question, the application back to review (next round)."""
    info.answer, info.answered_by, info.answered_at = text, APPLICANT, now
    row.status = ApplicationStatus.IN_REVIEW
    row.review_round = round_ + 1
    row.waiting_since = now
    row.staff_reminders_sent = 0
    row.review_reasons = [
        *(row.review_reasons or []),
        {"reason": ReviewReason.INFORMATION_RECEIVED, "round": round_, "answer": text},
    ]
    uow.timeline.record(
        actor=who,
        action="information_received",
        subject_type="application",
        subject_id=row.id,
        member_id=row.member_id,
        details={"round": round_, "through": "portal"},
    )


@dataclass(frozen=True)
class ShareChoice:
    """A share class an applicant may subscribe, in their language."""

    code: str
    label: str
    nominal_value_cents: int
    minimum_shares: int


def share_choices(language: str) -> list[ShareChoice]:
    """The share classes of the statutes, as the application form offers them."""
    return [
        ShareChoice(c.code, c.label_in(language), c.nominal_value_cents, c.minimum_shares)
        for c in get_statutes().share_classes
    ]
