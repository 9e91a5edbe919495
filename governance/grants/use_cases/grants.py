"""Grant calls up to the reviews: set-up, applications, screening, reviewers, scores.

Each function is one business action in one transaction and commits once (like `welcome`).
Awards, letters, instalments and payments are in `grant_awards`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, to_brussels
from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantAssignment,
    GrantBudgetLine,
    GrantCall,
    GrantConflict,
    GrantCriterion,
    GrantReviewer,
    GrantScore,
)
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import ApplicationStatus, AssignmentStatus, CallStatus
from governance.kernel.rules import identifiers, mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import ActorKind, Language, MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.rules.text import OneLineText, Text
from governance.kernel.use_cases import outbox

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


class ReviewerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: OneLineText = Field(..., min_length=2, max_length=120)
    name: OneLineText = Field(..., min_length=1, max_length=200)
    email: OneLineText
    language: Language = Language.FR
    member_id: int | None = None
    activity_refs: list[str] = Field(default_factory=list)


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
class AssignmentView:
    call_id: int
    assigned_now: int
    active: int
    recusals: int
    short: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewProgress:
    call_id: int
    expected: int
    received: int
    missing: list[tuple[str, str]]  # (reference, reviewer login)
    due_at: datetime
    deadline_passed: bool

    @property
    def complete(self) -> bool:
        return not self.missing


# ----------------------------------------------------------------------------- helpers


def get_call(session: Session, call_id: int) -> GrantCall:
    call = session.get(GrantCall, call_id)
    if call is None:
        raise NotFound(f"there is no grant call with id {call_id}", field="call_id")
    return call


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


def get_application(session: Session, reference: str) -> GrantApplication:
    app = session.scalar(select(GrantApplication).where(GrantApplication.reference == reference))
    if app is None:
        raise NotFound(f"there is no grant application '{reference}'", field="reference")
    return app


def get_reviewer(session: Session, call_id: int, login: str) -> GrantReviewer:
    reviewer = session.scalar(
        select(GrantReviewer).where(GrantReviewer.call_id == call_id, GrantReviewer.login == login)
    )
    if reviewer is None:
        raise NotFound(f"'{login}' is not a reviewer of call {call_id}", field="login")
    return reviewer


def criteria_of(session: Session, call_id: int) -> list[GrantCriterion]:
    return list(
        session.scalars(
            select(GrantCriterion)
            .where(GrantCriterion.call_id == call_id)
            .order_by(GrantCriterion.id)
        )
    )


def applications_of(
    session: Session, call_id: int, *statuses: ApplicationStatus
) -> list[GrantApplication]:
    query = select(GrantApplication).where(GrantApplication.call_id == call_id)
    if statuses:
        query = query.where(GrantApplication.status.in_(statuses))
    return list(session.scalars(query.order_by(GrantApplication.id)))


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


def add_reviewer(uow: UnitOfWork, call_id: int, spec: ReviewerSpec, staff: str) -> int:
    """Put a staff member or a member on the call's jury (same login again: updated)."""
    session = uow.session
    get_call(session, call_id)
    address = identifiers.email(spec.email, field="email")
    if spec.member_id is not None:
        from governance.members.use_cases.members import get_member

        get_member(session, spec.member_id)
    reviewer = session.scalar(
        select(GrantReviewer).where(
            GrantReviewer.call_id == call_id, GrantReviewer.login == spec.login
        )
    )
    if reviewer is None:
        reviewer = GrantReviewer(call_id=call_id, login=spec.login)
        session.add(reviewer)
    reviewer.name = spec.name
    reviewer.email = address
    reviewer.language = spec.language
    reviewer.member_id = spec.member_id
    reviewer.activity_refs = list(spec.activity_refs)
    session.flush()
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="grant_reviewer_added",
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        details={"login": spec.login},
    )
    uow.commit()
    return reviewer.id


def declare_conflict(
    uow: UnitOfWork, call_id: int, login: str, member_id: int, relation: str, staff: str
) -> None:
    """Record a declared relation; an open assignment it touches becomes a recusal at once."""
    if not relation.strip():
        raise rules.ReasonRequired("say what the relation is", field="relation")
    session = uow.session
    reviewer = get_reviewer(session, call_id, login)
    exists = session.scalar(
        select(GrantConflict).where(
            GrantConflict.reviewer_id == reviewer.id, GrantConflict.member_id == member_id
        )
    )
    if exists is None:
        session.add(GrantConflict(reviewer_id=reviewer.id, member_id=member_id, relation=relation))
    touched = session.scalars(
        select(GrantAssignment)
        .join(GrantApplication, GrantApplication.id == GrantAssignment.application_id)
        .where(
            GrantAssignment.reviewer_id == reviewer.id,
            GrantApplication.member_id == member_id,
            GrantApplication.call_id == call_id,
            GrantAssignment.status != AssignmentStatus.RECUSED,
        )
    ).all()
    for assignment in touched:  # a review given before the declaration no longer counts
        assignment.status = AssignmentStatus.RECUSED
        assignment.recusal_reason = f"declared relation: {relation}"
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="grant_conflict_declared",
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        member_id=member_id,
        details={"login": login, "relation": relation, "recused": len(touched)},
    )
    uow.commit()


# ----------------------------------------------------------------------------- applications


def submit_application(
    uow: UnitOfWork, call_id: int, spec: ApplicationSpec, request_key: str | None = None
) -> str:
    """Take a file while the call is open; acknowledge it by e-mail. Returns its reference;
    `request_key` (a portal form) is recorded, so the same form sent again is recognised."""
    session = uow.session
    call = get_call(session, call_id)
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
            GrantApplication.call_id == call_id, GrantApplication.member_id == spec.member_id
        )
    ):
        raise rules.DuplicateApplication(
            f"member {spec.member_id} already applied to '{call.name}'", field="member_id"
        )
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
        apps = applications_of(session, call_id, ApplicationStatus.SUBMITTED)
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
        facts = [
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
        result = rules.screen(facts, call_rules(call))
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
            actor=Actor.system("grant-awarding"),
            action="grant_call_screened",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
            details={
                "considered": len(considered),
                "beyond_limit": len(beyond),
                "ineligible": len(result.ineligible),
            },
        )
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


# ----------------------------------------------------------------------------- reviewers


def _reviewer_facts(
    session: Session, call_id: int
) -> list[tuple[GrantReviewer, rules.ReviewerFacts]]:
    reviewers = list(
        session.scalars(
            select(GrantReviewer)
            .where(GrantReviewer.call_id == call_id)
            .order_by(GrantReviewer.login)
        )
    )
    declared: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, member_id in session.execute(
        select(GrantConflict.reviewer_id, GrantConflict.member_id).where(
            GrantConflict.reviewer_id.in_([r.id for r in reviewers])
        )
    ).tuples():
        declared[reviewer_id].add(member_id)
    return [
        (
            r,
            rules.ReviewerFacts(
                login=r.login,
                member_id=r.member_id,
                activity_refs=frozenset(r.activity_refs),
                declared_member_ids=frozenset(declared[r.id]),
            ),
        )
        for r in reviewers
    ]


def assign_reviewers(uow: UnitOfWork, call_id: int, now: datetime) -> AssignmentView:
    """Fill every considered application's empty reviewer seats (safe to run again)."""
    session = uow.session
    call = get_call(session, call_id)
    if call.status == CallStatus.OPEN:
        raise InvalidTransition("reviewers are assigned once the call is screened", field="call_id")
    if call.status not in (CallStatus.SCREENED, CallStatus.IN_REVIEW):
        return _assignment_counts(session, call_id)  # ranked: the jury is fixed
    apps = applications_of(session, call_id, ApplicationStatus.IN_REVIEW)
    reviewers = _reviewer_facts(session, call_id)
    by_login = {r.login: r for r, _ in reviewers}
    login_of = {r.id: r.login for r, _ in reviewers}
    existing: dict[str, list[str]] = defaultdict(list)
    excluded: dict[str, list[str]] = defaultdict(list)
    app_by_id = {a.id: a for a in apps}
    for assignment in session.scalars(
        select(GrantAssignment).where(GrantAssignment.application_id.in_(list(app_by_id)))
    ):
        ref = app_by_id[assignment.application_id].reference
        target = excluded if assignment.status == AssignmentStatus.RECUSED else existing
        target[ref].append(login_of[assignment.reviewer_id])
    targets = [rules.ReviewTarget(a.reference, a.member_id, a.activity_ref) for a in apps]
    plan = rules.assign_reviewers(
        targets, [f for _, f in reviewers], call.reviewers_per_application, existing, excluded
    )
    app_by_ref = {a.reference: a for a in apps}
    for ref, login, reason in plan.recusals:
        session.add(
            GrantAssignment(
                application_id=app_by_ref[ref].id,
                reviewer_id=by_login[login].id,
                status=AssignmentStatus.RECUSED,
                recusal_reason=reason,
                assigned_at=now,
            )
        )
    new: list[GrantAssignment] = []
    for ref, login in plan.assignments:
        assignment = GrantAssignment(
            application_id=app_by_ref[ref].id,
            reviewer_id=by_login[login].id,
            status=AssignmentStatus.ASSIGNED,
            assigned_at=now,
        )
        session.add(assignment)
        new.append(assignment)
    session.flush()
    for assignment in new:
        reviewer = next(r for r, _ in reviewers if r.id == assignment.reviewer_id)
        app = app_by_id[assignment.application_id]
        outbox.enqueue(
            session,
            key=mail_keys.grant_review_request(call_id, assignment.id),
            to=reviewer.email,
            template="grant_review_request",
            language=reviewer.language,
            context={
                "name": reviewer.name,
                "call": call.name,
                "reference": app.reference,
                "title": app.project_title,
                "due_on": brussels_date(call.review_due_at).isoformat(),
                "login": reviewer.login,
                "call_id": call.id,
            },
        )
    if call.status == CallStatus.SCREENED or new or plan.recusals:
        call.status = CallStatus.IN_REVIEW
        uow.timeline.record(
            actor=Actor.system("grant-awarding"),
            action="grant_reviewers_assigned",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
            details={"assigned": len(new), "recusals": len(plan.recusals), "short": plan.short},
        )
    uow.commit()
    active = sum(len(v) for v in existing.values()) + len(new)
    recused = sum(len(v) for v in excluded.values()) + len(plan.recusals)
    return AssignmentView(call_id, len(new), active, recused, plan.short)


def _assignment_counts(session: Session, call_id: int) -> AssignmentView:
    statuses = session.scalars(
        select(GrantAssignment.status)
        .join(GrantApplication, GrantApplication.id == GrantAssignment.application_id)
        .where(GrantApplication.call_id == call_id)
    ).all()
    recused = sum(1 for s in statuses if s == AssignmentStatus.RECUSED)
    return AssignmentView(call_id, 0, len(statuses) - recused, recused)


def recuse(uow: UnitOfWork, call_id: int, login: str, reference: str, reason: str) -> None:
    """A reviewer steps back from one file; the next assignment run gives it someone else."""
    if not reason.strip():
        raise rules.ReasonRequired("a recusal needs a reason", field="reason")
    session = uow.session
    assignment = _assignment(session, call_id, login, reference)
    if assignment.status == AssignmentStatus.RECUSED:
        return
    call = get_call(session, call_id)
    if call.status != CallStatus.IN_REVIEW:
        raise InvalidTransition("recusals are possible only during the review round")
    assignment.status = AssignmentStatus.RECUSED
    assignment.recusal_reason = reason
    uow.timeline.record(
        actor=Actor.staff(login),
        action="grant_reviewer_recused",
        subject_type=SUBJECT_APPLICATION,
        subject_id=reference,
        details={"reason": reason},
    )
    uow.commit()


def _assignment(session: Session, call_id: int, login: str, reference: str) -> GrantAssignment:
    app = get_application(session, reference)
    if app.call_id != call_id:
        raise NotFound(f"'{reference}' is not in call {call_id}", field="reference")
    reviewer = get_reviewer(session, call_id, login)
    assignment = session.scalar(
        select(GrantAssignment).where(
            GrantAssignment.application_id == app.id, GrantAssignment.reviewer_id == reviewer.id
        )
    )
    if assignment is None:
        raise NotFound(f"'{login}' is not assigned to '{reference}'", field="login")
    return assignment


def submit_review(
    uow: UnitOfWork,
    call_id: int,
    reference: str,
    login: str,
    scores: dict[str, int],
    now: datetime,
    comment: str = "",
) -> None:
    """A reviewer's scores per criterion; giving the same scores again is a no-op."""
    session = uow.session
    call = get_call(session, call_id)
    assignment = _assignment(session, call_id, login, reference)
    criteria = criteria_of(session, call_id)
    domain_criteria = [rules.Criterion(c.code, c.weight, c.scale_max) for c in criteria]
    rules.check_scores(scores, domain_criteria)
    if assignment.status == AssignmentStatus.RECUSED:
        raise rules.ConflictOfInterest(
            f"'{login}' is recused from '{reference}' ({assignment.recusal_reason})",
            field="login",
        )
    if assignment.status == AssignmentStatus.REVIEWED:
        given = dict(
            session.execute(
                select(GrantCriterion.code, GrantScore.score)
                .join(GrantCriterion, GrantCriterion.id == GrantScore.criterion_id)
                .where(GrantScore.assignment_id == assignment.id)
            )
            .tuples()
            .all()
        )
        if given == scores:
            return
        raise InvalidTransition(f"'{login}' already reviewed '{reference}'", field="scores")
    if call.status != CallStatus.IN_REVIEW:
        raise InvalidTransition(f"the review round of '{call.name}' is over", field="call_id")
    for c in criteria:
        session.add(
            GrantScore(assignment_id=assignment.id, criterion_id=c.id, score=scores[c.code])
        )
    assignment.status = AssignmentStatus.REVIEWED
    assignment.reviewed_at = now
    assignment.comment = comment or None
    uow.timeline.record(
        actor=Actor.staff(login),
        action="grant_review_submitted",
        subject_type=SUBJECT_APPLICATION,
        subject_id=reference,
        details={"scores": scores},
    )
    uow.commit()


def review_progress(uow: UnitOfWork, call_id: int, now: datetime) -> ReviewProgress:
    """Which reviews are still awaited, and whether the review deadline has passed."""
    session = uow.session
    call = get_call(session, call_id)
    rows = session.execute(
        select(GrantApplication.reference, GrantReviewer.login, GrantAssignment.status)
        .join(GrantAssignment, GrantAssignment.application_id == GrantApplication.id)
        .join(GrantReviewer, GrantReviewer.id == GrantAssignment.reviewer_id)
        .where(
            GrantApplication.call_id == call_id,
            GrantAssignment.status != AssignmentStatus.RECUSED,
        )
        .order_by(GrantApplication.reference, GrantReviewer.login)
    ).tuples()
    expected = received = 0
    missing: list[tuple[str, str]] = []
    for reference, login, status in rows:
        expected += 1
        if status == AssignmentStatus.REVIEWED:
            received += 1
        else:
            missing.append((reference, login))
    return ReviewProgress(
        call_id, expected, received, missing, call.review_due_at, now >= call.review_due_at
    )
