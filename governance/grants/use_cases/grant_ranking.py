"""The end of a grant call's review round and its ranking: the staff wait for missing reviews,
weighted scores, ranking, the proposed allocation and the board's decision pack.

One business action per function, one transaction, committed once. The board's decision, the
awards and the letters are in `grant_awards`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantAssignment,
    GrantCriterion,
    GrantReviewer,
    GrantScore,
)
from governance.db.repositories.grants import applications_of, get_call
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import ApplicationStatus, AssignmentStatus, CallStatus
from governance.grants.use_cases.grant_reviews import review_progress
from governance.grants.use_cases.grants import (
    PROCESS,
    SUBJECT_CALL,
    criteria_of,
    open_call_wait,
)
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.use_cases import outbox


def reviews_key(call_id: int) -> str:
    return f"grants:{call_id}:reviews-closed"


def pack_key(call_id: int) -> str:
    return f"doc:grant_decision_pack:{call_id}"


@dataclass(frozen=True)
class RankedRow:
    reference: str
    member_id: int
    applicant: str
    title: str
    asked_cents: int
    rank: int | None
    score_hundredths: int | None
    criterion_means: dict[str, str]  # code -> "7.50"
    reviews: int
    proposed_cents: int
    final_cents: int | None
    board_reason: str | None


@dataclass(frozen=True)
class DecisionPack:
    call_id: int
    call_name: str
    budget_cents: int
    proposed_cents: int
    criteria: list[tuple[str, str, int, int]]  # code, label, weight, scale
    rows: list[RankedRow]
    recusals: list[tuple[str, str, str]]  # reference, reviewer, reason
    not_considered: dict[str, int]
    partial_funding: bool

    @property
    def left_cents(self) -> int:
        return self.budget_cents - self.proposed_cents


# ----------------------------------------------------------------------------- review round


def open_review_round(
    uow: UnitOfWork, call_id: int, now: datetime, flow_run_id: str | None = None
) -> DecisionView:
    """The wait for missing reviews: staff may close the round before the deadline."""
    call = get_call(uow.session, call_id)
    view = open_call_wait(
        uow,
        call_id,
        reviews_key(call_id),
        f"Close the review round of '{call.name}' and rank now? Files with fewer "
        f"than {call.review_quorum} reviews stay unscored (shown to the board).",
        due_in=max(call.review_due_at - now, timedelta(0)),
        now=now,
        flow_run_id=flow_run_id,
    )
    uow.commit()
    return view


def close_review_round(uow: UnitOfWork, call_id: int, staff: str, note: str, now: datetime) -> None:
    """Staff close the review round (the flow then ranks with the reviews received)."""
    open_review_round(uow, call_id, now)
    uow.decisions.decide(
        key=reviews_key(call_id),
        decision={"close": True, "note": note},
        staff=staff,
        now=now,
    )
    uow.commit()


def review_round_closed(uow: UnitOfWork, call_id: int) -> bool:
    view = uow.decisions.find(reviews_key(call_id))
    return view is not None and view.status == DecisionStatus.DECIDED


def review_rounds_to_wake(uow: UnitOfWork, now: datetime) -> list[tuple[int, str]]:
    """(call id, flow run id) of suspended runs whose review round may close on its own:
    every review is in, or the review deadline has passed."""
    woken = []
    for request in uow.decisions.waiting():
        if request.process != PROCESS or not request.key.endswith(":reviews-closed"):
            continue
        call_id = int(request.subject_id)
        progress = review_progress(uow, call_id, now)
        if request.flow_run_id and (progress.complete or progress.deadline_passed):
            woken.append((call_id, request.flow_run_id))
    return woken


# ----------------------------------------------------------------------------- ranking


def _hundredths(value: Fraction) -> int:
    return int((value * 100).__round__())


def _reviews(session: Session, call_id: int) -> dict[int, list[dict[str, int]]]:
    """Scores per application id: one dict per review received."""
    per_assignment: dict[int, dict[str, int]] = defaultdict(dict)
    app_of: dict[int, int] = {}
    rows = session.execute(
        select(
            GrantAssignment.id,
            GrantAssignment.application_id,
            GrantCriterion.code,
            GrantScore.score,
        )
        .join(GrantScore, GrantScore.assignment_id == GrantAssignment.id)
        .join(GrantCriterion, GrantCriterion.id == GrantScore.criterion_id)
        .where(
            GrantCriterion.call_id == call_id, GrantAssignment.status == AssignmentStatus.REVIEWED
        )
    ).tuples()
    for assignment_id, app_id, code, score in rows:
        per_assignment[assignment_id][code] = score
        app_of[assignment_id] = app_id
    result: dict[int, list[dict[str, int]]] = defaultdict(list)
    for assignment_id, scores in sorted(per_assignment.items()):
        result[app_of[assignment_id]].append(scores)
    return result


def rank_call(uow: UnitOfWork, call_id: int, now: datetime) -> DecisionPack:
    """Close the review round: weighted scores, ranking, proposed allocation (once)."""
    session = uow.session
    call = get_call(session, call_id)
    if call.status == CallStatus.IN_REVIEW:
        criteria = [
            rules.Criterion(c.code, c.weight, c.scale_max) for c in criteria_of(session, call_id)
        ]
        apps = applications_of(session, call_id, ApplicationStatus.IN_REVIEW)
        reviews = _reviews(session, call_id)
        ranked = rules.rank(
            [
                rules.Candidate(
                    a.reference, a.amount_asked_cents, a.submitted_at, tuple(reviews.get(a.id, []))
                )
                for a in apps
            ],
            criteria,
            call.review_quorum,
        )
        by_ref = {a.reference: a for a in apps}
        order = [(r.reference, by_ref[r.reference].amount_asked_cents) for r in ranked if r.rank]
        allocation = {
            a.reference: a.amount_cents
            for a in rules.allocate(order, call.budget_cents, call.partial_funding)
        }
        for r in ranked:
            app = by_ref[r.reference]
            app.status = ApplicationStatus.RANKED
            app.rank = r.rank
            app.score_hundredths = _hundredths(r.score) if r.score is not None else None
            app.proposed_cents = allocation.get(r.reference, 0)
        call.status = CallStatus.RANKED
        uow.decisions.cancel(reviews_key(call_id), "the review round is closed")
        uow.timeline.record(
            actor=Actor.system(PROCESS),
            action="grant_call_ranked",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
            details={
                "ranked": len(order),
                "unscored": len(ranked) - len(order),
                "proposed_cents": sum(allocation.values()),
            },
        )
        uow.commit()
    return decision_pack(session, call_id)


def decision_pack(session: Session, call_id: int) -> DecisionPack:
    """What the board decides on: ranking, scores per criterion, recusals, budget."""
    call = get_call(session, call_id)
    criteria = criteria_of(session, call_id)
    apps = [
        a
        for a in applications_of(session, call_id)
        if a.status not in (ApplicationStatus.INELIGIBLE, ApplicationStatus.BEYOND_LIMIT)
    ]
    rows = _ranked_rows(session, call_id, apps, [c.code for c in criteria])
    not_considered: dict[str, int] = defaultdict(int)
    for a in applications_of(
        session, call_id, ApplicationStatus.INELIGIBLE, ApplicationStatus.BEYOND_LIMIT
    ):
        not_considered[a.status.value] += 1
    return DecisionPack(
        call.id,
        call.name,
        call.budget_cents,
        sum(r.proposed_cents for r in rows),
        [(c.code, c.label, c.weight, c.scale_max) for c in criteria],
        rows,
        _recusals(session, call_id),
        dict(not_considered),
        call.partial_funding,
    )


def _ranked_rows(
    session: Session, call_id: int, apps: list[GrantApplication], codes: list[str]
) -> list[RankedRow]:
    """The files under decision in rank order (unscored last), with their mean per criterion."""
    reviews = _reviews(session, call_id)
    names = _names(session, [a.member_id for a in apps])
    rows = []
    for a in sorted(apps, key=lambda a: (a.rank is None, a.rank or 0, a.reference)):
        got = reviews.get(a.id, [])
        means = {
            code: f"{sum(r[code] for r in got) / len(got):.2f}" if got else "–" for code in codes
        }
        rows.append(
            RankedRow(
                a.reference,
                a.member_id,
                names[a.member_id],
                a.project_title,
                a.amount_asked_cents,
                a.rank,
                a.score_hundredths,
                means,
                len(got),
                a.proposed_cents or 0,
                a.final_cents,
                a.board_reason,
            )
        )
    return rows


def _recusals(session: Session, call_id: int) -> list[tuple[str, str, str]]:
    """(reference, reviewer login, reason) of every recusal in the call."""
    return [
        (ref, login, reason or "")
        for ref, login, reason in session.execute(
            select(GrantApplication.reference, GrantReviewer.login, GrantAssignment.recusal_reason)
            .join(GrantAssignment, GrantAssignment.application_id == GrantApplication.id)
            .join(GrantReviewer, GrantReviewer.id == GrantAssignment.reviewer_id)
            .where(
                GrantApplication.call_id == call_id,
                GrantAssignment.status == AssignmentStatus.RECUSED,
            )
            .order_by(GrantApplication.reference, GrantReviewer.login)
        ).tuples()
    ]


def _names(session: Session, member_ids: list[int]) -> dict[int, str]:
    members = session.scalars(select(Member).where(Member.id.in_(member_ids))).all()
    return {m.id: m.display_name for m in members}


def queue_decision_pack_mail(uow: UnitOfWork, call_id: int) -> None:
    """E-mail the decision pack to the staff mailbox (once)."""
    pack = decision_pack(uow.session, call_id)
    outbox.enqueue(
        uow.session,
        key=mail_keys.grant_decision_pack(call_id),
        to=uow.settings.staff_mailbox,
        template="grant_decision_pack",
        language=uow.settings.default_language,
        attachment_keys=[pack_key(call_id)],
        context={
            "call": pack.call_name,
            "call_id": call_id,
            "budget_cents": pack.budget_cents,
            "proposed_cents": pack.proposed_cents,
        },
    )
    uow.commit()
