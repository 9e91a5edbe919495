"""Grant calls up to the reviews: set-up, applications and screening; what the other grant
modules share (the call's look-ups, the subjects, the staff waits of the awarding process).

Each function is one business action in one transaction and commits once (like `welcome`).
The jury and the reviews are in `grant_reviews`; the review round's end and the ranking in
`grant_ranking`; the board, awards and letters in `grant_awards`; instalments and payments in
`grant_payments`; reminders in `grant_reminders`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, to_brussels
from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantBudgetLine,
    GrantCall,
    GrantCriterion,
)
from governance.db.repositories.grants import applications_of, get_call
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import ApplicationStatus, CallStatus
from governance.kernel.rules import identifiers, mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import ActorKind, MemberStatus
from governance.kernel.rules.errors import NotFound
from governance.kernel.rules.text import OneLineText, Text
from governance.kernel.use_cases import outbox

PROCESS = "grant-awarding"
SUBJECT_CALL = "grant_call"
SUBJECT_APPLICATION = "grant_application"


# ----------------------------------------------------------------------------- inputs


class CriterionSpec(BaseModel):
    code: str = Field(..., pattern=r"^[a-z][a-z0-9_]{0,39}$", title="Code")
    label: OneLineText = Field(..., min_length=1, max_length=200, title="Label")
    weight: int = Field(..., ge=1, le=100, title="Weight")
    scale_max: int = Field(10, ge=1, le=100, title="Highest score")


class CallSpec(BaseModel):
    """What staff set up for a call."""

    model_config = ConfigDict(extra="forbid")

    name: OneLineText = Field(..., min_length=3, max_length=200)
    kind: rules.CallKind
    opens_at: datetime
    closes_at: datetime
    review_due_at: datetime
    budget_cents: int = Field(..., gt=0)
    max_applications: int = Field(100, ge=1)
    min_amount_cents: int = Field(50_000, gt=0)
    max_amount_cents: int = Field(500_000, gt=0)
    reviewers_per_application: int = Field(2, ge=1)
    review_quorum: int = Field(2, ge=1)
    partial_funding: bool = False
    instalment_percents: list[int] = Field(default_factory=lambda: [60, 40])
    report_interval_days: int = Field(180, ge=1)
    criteria: list[CriterionSpec] = Field(..., min_length=1)


class BudgetLineSpec(BaseModel):
    label: OneLineText = Field(..., min_length=1, max_length=200)
    amount_cents: int = Field(..., gt=0)


class ApplicationSpec(BaseModel):
    """A member's file, as submitted (or imported from JSON)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    member_id: int
    project_title: OneLineText = Field("", max_length=300)
    summary: Text = ""
    activity_ref: OneLineText | None = Field(None, max_length=40)
    amount_asked_cents: int = Field(..., gt=0)
    budget_lines: list[BudgetLineSpec] = Field(default_factory=list)
    starts_on: date | None = None
    ends_on: date | None = None
    iban: OneLineText | None = None
    submitted_at: datetime


# ----------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ScreeningView:
    call_id: int
    status: CallStatus
    closed: bool
    considered: int
    beyond_limit: int
    ineligible: int


@dataclass(frozen=True)
class CriterionView:
    """A criterion of a call, as the reviews and the ranking read it."""

    id: int
    code: str
    label: str
    weight: int
    scale_max: int


@dataclass(frozen=True)
class ApplicationRef:
    """Who and where an application is: what the reviews and the reports check it by."""

    id: int
    reference: str
    call_id: int
    member_id: int
    status: ApplicationStatus


# ----------------------------------------------------------------------------- helpers


def call_rules(call: GrantCall) -> rules.CallRules:
    return rules.CallRules(
        budget_cents=call.budget_cents,
        max_applications=call.max_applications,
        min_amount_cents=call.min_amount_cents,
        max_amount_cents=call.max_amount_cents,
        closes_at=call.closes_at,
        reviewers_per_application=call.reviewers_per_application,
        review_quorum=call.review_quorum,
        partial_funding=call.partial_funding,
        instalment_percents=tuple(call.instalment_percents),
    )


def get_application(session: Session, reference: str) -> ApplicationRef:
    """The application with this reference, or NotFound."""
    app = session.scalar(select(GrantApplication).where(GrantApplication.reference == reference))
    if app is None:
        raise NotFound(f"there is no grant application '{reference}'", field="reference")
    return ApplicationRef(app.id, app.reference, app.call_id, app.member_id, app.status)


def criteria_of(session: Session, call_id: int) -> list[CriterionView]:
    """The call's criteria, in the order staff set them up."""
    return [
        CriterionView(c.id, c.code, c.label, c.weight, c.scale_max)
        for c in session.scalars(
            select(GrantCriterion)
            .where(GrantCriterion.call_id == call_id)
            .order_by(GrantCriterion.id)
        )
    ]


def open_call_wait(
    uow: UnitOfWork,
    call_id: int,
    key: str,
    question: str,
    due_in: timedelta,
    now: datetime,
    flow_run_id: str | None = None,
) -> DecisionView:
    """Open (once) a staff decision of the awarding process about a call, in the caller's
    transaction: the flow waits on it and staff answer it."""
    return uow.decisions.open(
        key=key,
        process=PROCESS,
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        due_in=due_in,
        flow_run_id=flow_run_id,
        now=now,
        question=question,
    )


# ----------------------------------------------------------------------------- set-up


def create_call(uow: UnitOfWork, spec: CallSpec, staff: str) -> int:
    """Open a call with its criteria; the settings are checked together."""
    call_rules_ = rules.CallRules(
        budget_cents=spec.budget_cents,
        max_applications=spec.max_applications,
        min_amount_cents=spec.min_amount_cents,
        max_amount_cents=spec.max_amount_cents,
        closes_at=spec.closes_at,
        reviewers_per_application=spec.reviewers_per_application,
        review_quorum=spec.review_quorum,
        partial_funding=spec.partial_funding,
        instalment_percents=tuple(spec.instalment_percents),
    )
    rules.check_call(call_rules_, spec.opens_at)
    if spec.review_due_at <= spec.closes_at:
        raise rules.InvalidCall(
            "the review deadline must be after the closing date", field="review_due_at"
        )
    if len({c.code for c in spec.criteria}) != len(spec.criteria):
        raise rules.InvalidCall("two criteria have the same code", field="criteria")
    session = uow.session
    call = GrantCall(
        **spec.model_dump(exclude={"criteria"}),
        status=CallStatus.OPEN,
        created_by=staff,
    )
    session.add(call)
    session.flush()
    for c in spec.criteria:
        session.add(GrantCriterion(call_id=call.id, **c.model_dump()))
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="grant_call_opened",
        subject_type=SUBJECT_CALL,
        subject_id=call.id,
        details={"name": spec.name, "budget_cents": spec.budget_cents},
    )
    uow.commit()
    return call.id


# ----------------------------------------------------------------------------- applications


def submit_application(
    uow: UnitOfWork, call_id: int, spec: ApplicationSpec, request_key: str | None = None
) -> str:
    """Take a file while the call is open; acknowledge it by e-mail. Returns its reference;
    `request_key` (a portal form) is recorded, so the same form sent again is recognised."""
    session = uow.session
    call = get_call(session, call_id)
    member, iban = _admissible(session, call, spec)
    reference = _file_application(session, call_id, spec, iban)
    _acknowledge(uow, call, member, reference, spec)
    uow.timeline.record(
        actor=Actor(ActorKind.MEMBER, str(member.id)),
        action="grant_application_submitted",
        subject_type=SUBJECT_APPLICATION,
        subject_id=reference,
        member_id=member.id,
        details=dict(
            call_id=call_id, amount_cents=spec.amount_asked_cents, request_key=request_key
        ),
    )
    uow.commit()
    return reference


def _admissible(
    session: Session, call: GrantCall, spec: ApplicationSpec
) -> tuple[Member, str | None]:
    """The applicant and their checked IBAN, or the reason the call cannot take the file."""
    if not call.opens_at <= spec.submitted_at <= call.closes_at or call.status != CallStatus.OPEN:
        raise rules.CallClosed(
            f"the call '{call.name}' takes files from {to_brussels(call.opens_at):%d/%m/%Y %H:%M} "
            f"to {to_brussels(call.closes_at):%d/%m/%Y %H:%M} (Brussels time)",
            field="submitted_at",
        )
    member = session.get(Member, spec.member_id)
    if member is None:
        raise NotFound(f"there is no member with id {spec.member_id}", field="member_id")
    iban = identifiers.iban(spec.iban, field="iban") if spec.iban else None
    if session.scalar(
        select(GrantApplication.id).where(
            GrantApplication.call_id == call.id, GrantApplication.member_id == spec.member_id
        )
    ):
        raise rules.DuplicateApplication(
            f"member {spec.member_id} already applied to '{call.name}'", field="member_id"
        )
    return member, iban


def _file_application(
    session: Session, call_id: int, spec: ApplicationSpec, iban: str | None
) -> str:
    """The application and its budget lines as rows, under the call's next reference."""
    count = session.scalar(
        select(func.count())
        .select_from(GrantApplication)
        .where(GrantApplication.call_id == call_id)
    )
    reference = f"G{call_id:03d}-{(count or 0) + 1:04d}"
    app = GrantApplication(
        reference=reference,
        call_id=call_id,
        member_id=spec.member_id,
        status=ApplicationStatus.SUBMITTED,
        project_title=spec.project_title,
        summary=spec.summary,
        activity_ref=spec.activity_ref,
        amount_asked_cents=spec.amount_asked_cents,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        iban=iban,
        submitted_at=spec.submitted_at,
        ineligibility=[],
    )
    session.add(app)
    session.flush()
    for line in spec.budget_lines:
        session.add(GrantBudgetLine(application_id=app.id, **line.model_dump()))
    return reference


def _acknowledge(
    uow: UnitOfWork, call: GrantCall, member: Member, reference: str, spec: ApplicationSpec
) -> None:
    """Queue the acknowledgement e-mail of a new file (no address: no e-mail)."""
    outbox.tell_member(
        uow.session,
        member,
        key=mail_keys.grant_ack(call.id, reference),
        template="grant_ack",
        context={
            "call": call.name,
            "reference": reference,
            "title": spec.project_title,
            "amount_cents": spec.amount_asked_cents,
            "closes_on": brussels_date(call.closes_at).isoformat(),
        },
    )


def screen_call(uow: UnitOfWork, call_id: int, now: datetime) -> ScreeningView:
    """After the closing time: eligibility with reasons, then the first N eligible files."""
    session = uow.session
    call = get_call(session, call_id)
    if call.status == CallStatus.OPEN:
        if now < call.closes_at:
            return ScreeningView(call_id, call.status, False, 0, 0, 0)
        _screen(uow, call)
        uow.commit()
    counts: dict[ApplicationStatus, int] = defaultdict(int)
    for status, n in session.execute(
        select(GrantApplication.status, func.count())
        .where(GrantApplication.call_id == call_id)
        .group_by(GrantApplication.status)
    ).tuples():
        counts[status] = n
    beyond_n = counts[ApplicationStatus.BEYOND_LIMIT]
    ineligible_n = counts[ApplicationStatus.INELIGIBLE]
    considered_n = sum(counts.values()) - beyond_n - ineligible_n
    return ScreeningView(call_id, call.status, True, considered_n, beyond_n, ineligible_n)


def _screen(uow: UnitOfWork, call: GrantCall) -> None:
    """Screen the submitted files of a closed call and mark the call screened."""
    apps = applications_of(uow.session, call.id, ApplicationStatus.SUBMITTED)
    result = rules.screen(_application_facts(uow.session, apps), call_rules(call))
    considered = set(result.considered)
    beyond = set(result.beyond_limit)
    for a in apps:
        if a.reference in considered:
            a.status = ApplicationStatus.IN_REVIEW
        elif a.reference in beyond:
            a.status = ApplicationStatus.BEYOND_LIMIT
            a.ineligibility = [rules.Ineligibility.BEYOND_LIMIT.value]
        else:
            a.status = ApplicationStatus.INELIGIBLE
            a.ineligibility = [r.value for r in result.ineligible[a.reference]]
    call.status = CallStatus.SCREENED
    uow.timeline.record(
        actor=Actor.system(PROCESS),
        action="grant_call_screened",
        subject_type=SUBJECT_CALL,
        subject_id=call.id,
        details={
            "considered": len(considered),
            "beyond_limit": len(beyond),
            "ineligible": len(result.ineligible),
        },
    )


def _application_facts(
    session: Session, apps: list[GrantApplication]
) -> list[rules.ApplicationFacts]:
    """What the screening rules read of each file: its budget lines and the applicant's status."""
    lines: dict[int, list[int]] = defaultdict(list)
    for app_id, cents in session.execute(
        select(GrantBudgetLine.application_id, GrantBudgetLine.amount_cents).where(
            GrantBudgetLine.application_id.in_([a.id for a in apps])
        )
    ).tuples():
        lines[app_id].append(cents)
    statuses = dict(
        session.execute(
            select(Member.id, Member.status).where(Member.id.in_([a.member_id for a in apps]))
        )
        .tuples()
        .all()
    )
    return [
        rules.ApplicationFacts(
            reference=a.reference,
            member_active=statuses.get(a.member_id) == MemberStatus.ACTIVE,
            amount_asked_cents=a.amount_asked_cents,
            budget_lines_cents=tuple(lines[a.id]),
            has_title=bool(a.project_title.strip()),
            has_summary=bool(a.summary.strip()),
            submitted_at=a.submitted_at,
        )
        for a in apps
    ]
