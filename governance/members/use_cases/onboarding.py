"""Onboarding use cases: submit, screen, review, ask for information, admit, remind, close.

Each public function is one business action in one transaction and commits once (through the
unit of work it is given). E-mails are outbox rows written in that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.models.onboarding import InformationRequest
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation
from governance.kernel.use_cases import outbox
from governance.members.rules import onboarding as rules
from governance.members.rules.onboarding import (
    Application,
    ApplicationStatus,
    ReviewChoice,
    ReviewReason,
)
from governance.statutes import get_statutes

PROCESS = "member-onboarding"


@dataclass(frozen=True)
class ApplicationView:
    """What flows, the CLI and documents need of an application (no national number)."""

    id: int
    status: ApplicationStatus
    kind: MemberKind
    name: str
    email: str
    language: Language
    share_class: str
    shares: int
    review_round: int
    review_reasons: list[dict[str, Any]]
    member_id: int | None
    decided_by: str | None

    @classmethod
    def of(cls, a: ApplicationRow) -> ApplicationView:
        return cls(
            a.id,
            a.status,
            a.kind,
            _name(a),
            a.email,
            a.language,
            a.share_class,
            a.shares,
            a.review_round,
            list(a.review_reasons or []),
            a.member_id,
            a.decided_by,
        )


def _name(a: ApplicationRow) -> str:
    if a.kind is MemberKind.COMPANY:
        return a.company_name or ""
    return f"{a.first_name or ''} {a.last_name or ''}".strip()


def _get(session: Session, application_id: int, lock: bool = False) -> ApplicationRow:
    query = select(ApplicationRow).where(ApplicationRow.id == application_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"there is no application {application_id}", field="application_id")
    return row


def _event(
    session: Session, row: ApplicationRow, actor: Actor, action: str, **details: Any
) -> None:
    TimelineRepository(session).record(
        actor=actor,
        action=action,
        subject_type="application",
        subject_id=row.id,
        member_id=row.member_id,
        details=details,
    )


def _mail(uow: UnitOfWork, row: ApplicationRow, key: str, template: str, **context: Any) -> None:
    outbox.enqueue(
        uow.session,
        key=mail_keys.onboarding_key(row.id, key),
        to=row.email,
        template=template,
        language=row.language,
        member_id=row.member_id,
        context={
            "name": _name(row),
            "application_id": row.id,
            "coop_name": uow.settings.coop_name,
            **context,
        },
    )


def get(uow: UnitOfWork, application_id: int) -> ApplicationView:
    return ApplicationView.of(_get(uow.session, application_id))


# --------------------------------------------------------------------------- submit


def submit_application(
    uow: UnitOfWork,
    form: Application,
    *,
    actor: Actor,
    request_key: str,
    now: datetime | None = None,
) -> ApplicationView:
    """Validate and store an application; an invalid one raises and stores nothing.

    The same `request_key` (a file, a flow run) returns the application already stored.
    """
    session = uow.session
    existing = session.scalar(
        select(ApplicationRow).where(ApplicationRow.request_key == request_key)
    )
    if existing is not None:
        return ApplicationView.of(existing)
    now = now or utcnow()
    valid = rules.validate_application(form, get_statutes(), now)
    row = ApplicationRow(
        request_key=request_key,
        status=ApplicationStatus.SUBMITTED,
        kind=form.kind,
        first_name=form.first_name,
        last_name=form.last_name,
        birth_date=form.birth_date,
        national_number_enc=uow.cipher.encrypt(valid.national_number)
        if valid.national_number
        else None,
        identity_hash=uow.cipher.keyed_hash(valid.national_number)
        if valid.national_number
        else None,
        attestation_type=form.attestation,
        attestation_expires_on=form.attestation_expires_on,
        company_name=form.company_name,
        company_number=valid.company_number,
        vat_number=valid.vat_number,
        email=valid.email,
        phone=form.phone,
        street=form.street,
        postcode=form.postcode,
        city=form.city,
        country=valid.country,
        language=form.language,
        office=form.office,
        iban=valid.iban,
        share_class=form.share_class,
        shares=form.shares,
        privacy_policy_accepted_at=form.privacy_policy_accepted_at,
        internal_rules_accepted_at=form.internal_rules_accepted_at,
        capital_risk_accepted_at=form.capital_risk_accepted_at,
        submitted_by=actor.name,
        submitted_at=now,
        review_reasons=[{"reason": r} for r in valid.review_reasons],
        review_round=0,
        staff_reminders_sent=0,
        applicant_reminders_sent=0,
    )
    session.add(row)
    session.flush()
    _event(
        session,
        row,
        actor,
        "application_submitted",
        kind=form.kind,
        share_class=form.share_class,
        shares=form.shares,
        national_number_given=bool(valid.national_number),
    )
    uow.commit()
    return ApplicationView.of(row)


# --------------------------------------------------------------------------- screening


def _known_people(session: Session, row: ApplicationRow) -> list[rules.KnownPerson]:
    conditions = [func.lower(Member.email) == row.email.lower()]
    if row.identity_hash:
        conditions.append(Member.identity_hash == row.identity_hash)
    if row.birth_date:
        conditions.append(Member.birth_date == row.birth_date)
    people = [
        rules.KnownPerson(
            "member", m.id, m.identity_hash, m.email, m.first_name, m.last_name, m.birth_date
        )
        for m in session.scalars(
            select(Member).where(or_(*conditions), Member.status != MemberStatus.ERASED)
        )
    ]
    app_conditions = [func.lower(ApplicationRow.email) == row.email.lower()]
    if row.identity_hash:
        app_conditions.append(ApplicationRow.identity_hash == row.identity_hash)
    if row.birth_date:
        app_conditions.append(ApplicationRow.birth_date == row.birth_date)
    others = session.scalars(
        select(ApplicationRow).where(
            or_(*app_conditions),
            ApplicationRow.id != row.id,
            ApplicationRow.member_id.is_(None),  # admitted ones are found as members
            ApplicationRow.status.in_(
                [*rules.OPEN_STATUSES, ApplicationStatus.APPROVED, ApplicationStatus.ADMITTED]
            ),
        )
    )
    people += [
        rules.KnownPerson(
            "application", a.id, a.identity_hash, a.email, a.first_name, a.last_name, a.birth_date
        )
        for a in others
    ]
    return people


def screen_application(
    uow: UnitOfWork, application_id: int, now: datetime | None = None
) -> ApplicationView:
    """Automatic checks: duplicates or anything unusual → staff review; otherwise approved."""
    session = uow.session
    row = _get(session, application_id, lock=True)
    if row.status is not ApplicationStatus.SUBMITTED:
        return ApplicationView.of(row)  # screened already (a re-run)
    now = now or utcnow()
    found = rules.possible_duplicates(
        row.identity_hash,
        row.email,
        row.first_name,
        row.last_name,
        row.birth_date,
        _known_people(session, row),
    )
    reasons = list(row.review_reasons or []) + [
        {"reason": d.reason, "record_type": d.record_type, "record_id": d.record_id} for d in found
    ]
    row.review_reasons = reasons
    system = Actor.system(PROCESS)
    if reasons:
        row.status = ApplicationStatus.IN_REVIEW
        row.review_round = 1
        row.waiting_since = now
        _event(session, row, system, "application_sent_to_review", reasons=reasons)
    else:
        row.status = ApplicationStatus.APPROVED
        row.decided_by = system.name
        row.decided_at = now
        _event(session, row, system, "application_approved_automatically")
    uow.commit()
    return ApplicationView.of(row)


# --------------------------------------------------------------------------- staff review

REASON_TEXT = {
    ReviewReason.SAME_IDENTITY: "the same national number as {record}",
    ReviewReason.SAME_EMAIL: "the same e-mail address as {record}",
    ReviewReason.SAME_NAME_AND_BIRTH_DATE: "the same name and birth date as {record}",
    ReviewReason.NO_NATIONAL_NUMBER: "no national or BIS number was given",
    ReviewReason.MINOR: "the applicant is under 18",
    ReviewReason.MANY_SHARES: f"more than {rules.MANY_SHARES} shares are subscribed",
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
        due_in=rules.review_reminder_due_at(waiting_since, 0) - waiting_since,
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
    decision = rules.review_decision(choice, note)
    now = now or utcnow()
    uow.decisions.decide(key=review_key(row.id, round_), decision=decision, staff=staff, now=now)
    if row.status is not ApplicationStatus.IN_REVIEW or row.review_round != round_:
        uow.commit()  # this round was applied already (a re-run or a resume)
        return ApplicationView.of(row)
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
    uow.commit()
    return ApplicationView.of(row)


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
        due_in=rules.INFO_CLOSE_AFTER,
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


# --------------------------------------------------------------------------- other areas


_CLOSED_CONTRACT_STATES = ("closed", "cancelled", "canceled", "completed", "ended", "rejected")


def has_open_contracts(session: Session, member_id: int) -> bool:
    """Whether the member has a contract still running (False until contracts exist).

    The contracts area adds a `contract` table on its own branch; until it is merged there
    is nothing to check. Once present, any row of the member not in a closed state counts.
    """
    from governance.db.models import Base

    table = Base.metadata.tables.get("contract")
    if table is None or "member_id" not in table.c:
        return False
    query = select(table.c.member_id).where(table.c.member_id == member_id)
    if "status" in table.c:
        query = query.where(table.c.status.not_in(_CLOSED_CONTRACT_STATES))
    return session.execute(query.limit(1)).first() is not None


def holds_shares(session: Session, member_id: int, today: date) -> bool:
    """Whether the register keeps the member: issued shares, or a subscription awaiting
    payment (the payment would make them a holder whose name the register must show)."""
    from governance.db.models import ShareSubscription
    from governance.register.rules.register import SubscriptionStatus
    from governance.register.use_cases import shares

    if shares.is_shareholder(session, member_id, today):
        return True
    awaiting = select(ShareSubscription.id).where(
        ShareSubscription.member_id == member_id,
        ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
    )
    return session.execute(awaiting.limit(1)).first() is not None


def open_applications(uow: UnitOfWork) -> list[ApplicationView]:
    """Applications still waiting (for the automatic checks, staff or the applicant)."""
    rows = uow.session.scalars(
        select(ApplicationRow)
        .where(ApplicationRow.status.in_(rules.OPEN_STATUSES))
        .order_by(ApplicationRow.id)
    )
    return [ApplicationView.of(r) for r in rows]


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
