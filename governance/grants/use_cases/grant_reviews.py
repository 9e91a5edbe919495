"""A grant call's jury and its reviews: reviewers and their conflicts, the assignment of
reviewers to the files in review, recusals, the scores, and which reviews are still awaited.

Each use case is one business action in one transaction and commits once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import brussels_date
from governance.db.models.grants import (
    GrantApplication,
    GrantAssignment,
    GrantCall,
    GrantConflict,
    GrantCriterion,
    GrantReviewer,
    GrantScore,
)
from governance.db.repositories.grants import applications_of, get_call
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules import reviewer_assignment
from governance.grants.rules.grants import ApplicationStatus, AssignmentStatus, CallStatus
from governance.grants.rules.reviewer_assignment import AssignmentPlan, ReviewerFacts, ReviewTarget
from governance.grants.use_cases.grants import (
    PROCESS,
    SUBJECT_APPLICATION,
    SUBJECT_CALL,
    criteria_of,
    get_application,
)
from governance.kernel.rules import identifiers, mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.rules.text import OneLineText
from governance.kernel.use_cases import outbox


class ReviewerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: OneLineText = Field(..., min_length=2, max_length=120)
    name: OneLineText = Field(..., min_length=1, max_length=200)
    email: OneLineText
    language: Language = Language.FR
    member_id: int | None = None
    activity_refs: list[str] = Field(default_factory=list)


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


# ----------------------------------------------------------------------------- jury


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
    reviewer = _reviewer(session, call_id, login)
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


def _reviewer(session: Session, call_id: int, login: str) -> GrantReviewer:
    reviewer = session.scalar(
        select(GrantReviewer).where(GrantReviewer.call_id == call_id, GrantReviewer.login == login)
    )
    if reviewer is None:
        raise NotFound(f"'{login}' is not a reviewer of call {call_id}", field="login")
    return reviewer


# ----------------------------------------------------------------------------- reviews


def _reviewer_facts(session: Session, call_id: int) -> list[tuple[GrantReviewer, ReviewerFacts]]:
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
            ReviewerFacts(
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
    existing, excluded = _seats_taken(session, apps, {r.id: r.login for r, _ in reviewers})
    targets = [ReviewTarget(a.reference, a.member_id, a.activity_ref) for a in apps]
    plan = reviewer_assignment.assign_reviewers(
        targets, [f for _, f in reviewers], call.reviewers_per_application, existing, excluded
    )
    new = _record_plan(session, plan, apps, {r.login: r for r, _ in reviewers}, now)
    _ask_reviewers(session, call, new, apps, [r for r, _ in reviewers])
    if call.status == CallStatus.SCREENED or new or plan.recusals:
        call.status = CallStatus.IN_REVIEW
        uow.timeline.record(
            actor=Actor.system(PROCESS),
            action="grant_reviewers_assigned",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
            details={"assigned": len(new), "recusals": len(plan.recusals), "short": plan.short},
        )
    uow.commit()
    active = sum(len(v) for v in existing.values()) + len(new)
    recused = sum(len(v) for v in excluded.values()) + len(plan.recusals)
    return AssignmentView(call_id, len(new), active, recused, plan.short)


def _seats_taken(
    session: Session, apps: list[GrantApplication], login_of: dict[int, str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per application reference: the reviewers on it, and those recused from it."""
    existing: dict[str, list[str]] = defaultdict(list)
    excluded: dict[str, list[str]] = defaultdict(list)
    app_by_id = {a.id: a for a in apps}
    for assignment in session.scalars(
        select(GrantAssignment).where(GrantAssignment.application_id.in_(list(app_by_id)))
    ):
        ref = app_by_id[assignment.application_id].reference
        target = excluded if assignment.status == AssignmentStatus.RECUSED else existing
        target[ref].append(login_of[assignment.reviewer_id])
    return existing, excluded


def _record_plan(
    session: Session,
    plan: AssignmentPlan,
    apps: list[GrantApplication],
    by_login: dict[str, GrantReviewer],
    now: datetime,
) -> list[GrantAssignment]:
    """The plan's recusals and new assignments as rows; returns the new assignments."""
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
    return new


def _ask_reviewers(
    session: Session,
    call: GrantCall,
    new: list[GrantAssignment],
    apps: list[GrantApplication],
    reviewers: list[GrantReviewer],
) -> None:
    """One review request e-mail per new assignment."""
    app_by_id = {a.id: a for a in apps}
    for assignment in new:
        reviewer = next(r for r in reviewers if r.id == assignment.reviewer_id)
        app = app_by_id[assignment.application_id]
        outbox.enqueue(
            session,
            key=mail_keys.grant_review_request(call.id, assignment.id),
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
    reviewer = _reviewer(session, call_id, login)
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
