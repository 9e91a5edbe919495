"""Grant calls after the reviews: ranking, the board's decision, awards and letters.

One business action per function, one transaction, committed once. Instalments, reports and
payments are in `grant_payments`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import add_calendar_days
from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantAssignment,
    GrantAward,
    GrantCriterion,
    GrantInstalment,
    GrantReviewer,
    GrantScore,
)
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import (
    ApplicationStatus,
    AssignmentStatus,
    CallStatus,
    InstalmentStatus,
)
from governance.grants.use_cases.grants import (
    SUBJECT_APPLICATION,
    SUBJECT_CALL,
    applications_of,
    criteria_of,
    get_call,
)
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import outbox

PROCESS = "grant-awarding"


def board_key(call_id: int) -> str:
    return f"grants:{call_id}:board"


def reviews_key(call_id: int) -> str:
    return f"grants:{call_id}:reviews-closed"


def letter_key(reference: str) -> str:
    return f"doc:grant_letter:{reference}"


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


@dataclass(frozen=True)
class LetterJob:
    """What a letter needs; the task turns it into a document and the outbox sends it."""

    key: str
    template: str  # grant_award | grant_rejection
    reference: str
    member_id: int
    language: Language
    applicant: dict[str, str]
    facts: dict[str, Any] = field(default_factory=dict)


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
    reviews = _reviews(session, call_id)
    apps = [
        a
        for a in applications_of(session, call_id)
        if a.status not in (ApplicationStatus.INELIGIBLE, ApplicationStatus.BEYOND_LIMIT)
    ]
    names = _names(session, [a.member_id for a in apps])
    rows = []
    for a in sorted(apps, key=lambda a: (a.rank is None, a.rank or 0, a.reference)):
        got = reviews.get(a.id, [])
        means = {
            c.code: f"{sum(r[c.code] for r in got) / len(got):.2f}" if got else "–"
            for c in criteria
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
    recusals = [
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
        recusals,
        dict(not_considered),
        call.partial_funding,
    )


def _names(session: Session, member_ids: list[int]) -> dict[int, str]:
    members = session.scalars(select(Member).where(Member.id.in_(member_ids))).all()
    return {m.id: m.display_name for m in members}


def open_board_decision(
    uow: UnitOfWork, call_id: int, now: datetime, flow_run_id: str | None = None
) -> DecisionView:
    """Ask the board to approve the proposed allocation (idempotent)."""
    pack = decision_pack(uow.session, call_id)
    view = uow.decisions.open(
        key=board_key(call_id),
        process=PROCESS,
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        due_in=timedelta(days=14),
        flow_run_id=flow_run_id,
        now=now,
        question=(
            f"Approve the awards of '{pack.call_name}': {pack.proposed_cents} of "
            f"{pack.budget_cents} cents proposed to "
            f"{sum(1 for r in pack.rows if r.proposed_cents)} projects (see the decision "
            "pack). Change an amount only with a reason."
        ),
    )
    uow.commit()
    return view


def record_board_decision(
    uow: UnitOfWork,
    call_id: int,
    staff: str,
    changes: list[rules.BoardChange],
    note: str,
    now: datetime,
) -> dict[str, int]:
    """The board approves the allocation, with any changes (each with a reason)."""
    session = uow.session
    call = get_call(session, call_id)
    uow.decisions.open(  # the board may decide before the flow asked (CLI)
        key=board_key(call_id),
        process=PROCESS,
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        question="Approve the awards",
        due_in=timedelta(days=14),
        now=now,
    )
    payload = {"changes": [c.__dict__ for c in changes], "note": note}
    existing = uow.decisions.find(board_key(call_id))
    if existing and existing.status == DecisionStatus.DECIDED:
        uow.decisions.decide(key=board_key(call_id), decision=payload, staff=staff)
        return {
            a.reference: a.final_cents or 0
            for a in applications_of(
                session,
                call_id,
                ApplicationStatus.RANKED,
                ApplicationStatus.AWARDED,
                ApplicationStatus.REJECTED,
            )
        }
    if call.status != CallStatus.RANKED:
        raise InvalidTransition(
            f"the call is {call.status}: the board decides a ranked call", field="call_id"
        )
    apps = applications_of(session, call_id, ApplicationStatus.RANKED)
    final = rules.apply_board_changes(
        {a.reference: a.proposed_cents or 0 for a in apps},
        {a.reference: a.amount_asked_cents for a in apps},
        changes,
        call.budget_cents,
    )
    reasons = {c.reference: c.reason for c in changes}
    for a in apps:
        a.final_cents = final[a.reference]
        a.board_reason = reasons.get(a.reference)
    uow.decisions.decide(key=board_key(call_id), decision=payload, staff=staff, now=now)
    call.decided_at = now
    uow.commit()
    return final


def finalise_awards(uow: UnitOfWork, call_id: int, now: datetime) -> list[LetterJob]:
    """After the board: awards with instalment plans, the first released; letters queued."""
    session = uow.session
    call = get_call(session, call_id)
    if call.status == CallStatus.RANKED:
        if call.decided_at is None:
            raise InvalidTransition("the board has not decided yet", field="call_id")
        board = uow.decisions.find(board_key(call_id))
        approved_by = (board.decided_by if board else None) or "board"
        for a in applications_of(session, call_id, ApplicationStatus.RANKED):
            if (a.final_cents or 0) > 0:
                a.status = ApplicationStatus.AWARDED
                _create_award(
                    session,
                    call.instalment_percents,
                    call.report_interval_days,
                    a,
                    call.decided_at,
                    approved_by,
                )
            else:
                a.status = ApplicationStatus.REJECTED
        call.status = CallStatus.DECIDED
        uow.timeline.record(
            actor=Actor.system(PROCESS),
            action="grant_awards_decided",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
            details={
                "awarded_cents": sum(a.final_cents or 0 for a in applications_of(session, call_id))
            },
        )
    if call.status not in (CallStatus.DECIDED, CallStatus.CLOSED):
        raise InvalidTransition(f"the call is {call.status}: no letters yet", field="call_id")
    jobs = letter_jobs(session, call_id)
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_([j.member_id for j in jobs])))
    }
    for job in jobs:
        member = members[job.member_id]
        outbox.tell_member(
            session,
            member,
            key=mail_keys.grant_decision_letter(call_id, job.template, job.reference),
            template=job.template,
            attachment_keys=[job.key],
            context={
                "call": call.name,
                "reference": job.reference,
                "amount_cents": int(job.facts.get("amount_cents", 0)),
            },
        )
    uow.commit()
    return jobs


def _create_award(
    session: Session,
    percents: list[int],
    interval_days: int,
    app: GrantApplication,
    decided_at: datetime,
    approved_by: str,
) -> None:
    if session.scalar(select(GrantAward.id).where(GrantAward.application_id == app.id)):
        return
    amount = app.final_cents or 0
    award = GrantAward(
        application_id=app.id, amount_cents=amount, approved_by=approved_by, awarded_at=decided_at
    )
    session.add(award)
    session.flush()
    for seq, part in enumerate(rules.split_instalments(amount, percents), start=1):
        first = seq == 1
        session.add(
            GrantInstalment(
                award_id=award.id,
                seq=seq,
                amount_cents=part,
                status=InstalmentStatus.RELEASED if first else InstalmentStatus.AWAITING_REPORT,
                released_at=decided_at if first else None,
                report_due_at=None
                if first
                else add_calendar_days(decided_at, interval_days * (seq - 1)),
            )
        )
    TimelineRepository(session).record(
        actor=Actor.system(PROCESS),
        action="grant_awarded",
        subject_type=SUBJECT_APPLICATION,
        subject_id=app.reference,
        member_id=app.member_id,
        details={"amount_cents": amount, "instalments": percents},
    )


def letter_jobs(session: Session, call_id: int) -> list[LetterJob]:
    """One letter per file of a decided call: award, or rejection with reasons or scores."""
    call = get_call(session, call_id)
    apps = applications_of(session, call_id)
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_([a.member_id for a in apps])))
    }
    instalments: dict[int, list[GrantInstalment]] = defaultdict(list)
    for award_app_id, inst in session.execute(
        select(GrantAward.application_id, GrantInstalment)
        .join(GrantInstalment, GrantInstalment.award_id == GrantAward.id)
        .order_by(GrantInstalment.seq)
    ).tuples():
        instalments[award_app_id].append(inst)
    ranked = [a for a in apps if a.rank is not None]
    funded = [a for a in ranked if (a.final_cents or 0) > 0]
    last_funded = min((a.score_hundredths or 0 for a in funded), default=None)
    jobs = []
    for a in apps:
        m = members[a.member_id]
        applicant = {
            "name": m.display_name,
            "street": m.street or "",
            "postcode": m.postcode or "",
            "city": m.city or "",
            "country": m.country,
        }
        base = {"call": call.name, "title": a.project_title, "asked_cents": a.amount_asked_cents}
        if a.status == ApplicationStatus.AWARDED:
            facts = {
                **base,
                "amount_cents": a.final_cents or 0,
                "board_reason": a.board_reason,
                "instalments": [
                    (i.seq, i.amount_cents, i.report_due_at) for i in instalments[a.id]
                ],
            }
            template = "grant_award"
        else:
            facts = {
                **base,
                "outcome": _outcome(a),
                "reasons": list(a.ineligibility),
                "score_hundredths": a.score_hundredths,
                "rank": a.rank,
                "ranked": len(ranked),
                "last_funded_hundredths": last_funded,
                "board_reason": a.board_reason,
            }
            template = "grant_rejection"
        jobs.append(
            LetterJob(
                letter_key(a.reference),
                template,
                a.reference,
                a.member_id,
                m.language,
                applicant,
                facts,
            )
        )
    return jobs


def _outcome(app: GrantApplication) -> str:
    if app.status in (ApplicationStatus.INELIGIBLE, ApplicationStatus.BEYOND_LIMIT):
        return app.status.value
    return "not_funded" if app.rank is not None else "unscored"


def open_review_round(
    uow: UnitOfWork, call_id: int, now: datetime, flow_run_id: str | None = None
) -> DecisionView:
    """The wait for missing reviews: staff may close the round before the deadline."""
    call = get_call(uow.session, call_id)
    view = uow.decisions.open(
        key=reviews_key(call_id),
        process=PROCESS,
        subject_type=SUBJECT_CALL,
        subject_id=call_id,
        due_in=max(call.review_due_at - now, timedelta(0)),
        flow_run_id=flow_run_id,
        now=now,
        question=(
            f"Close the review round of '{call.name}' and rank now? Files with fewer "
            f"than {call.review_quorum} reviews stay unscored (shown to the board)."
        ),
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


def board_decided(uow: UnitOfWork, call_id: int) -> bool:
    return get_call(uow.session, call_id).decided_at is not None


def review_rounds_to_wake(uow: UnitOfWork, now: datetime) -> list[tuple[int, str]]:
    """(call id, flow run id) of suspended runs whose review round may close on its own:
    every review is in, or the review deadline has passed."""
    from governance.grants.use_cases.grants import review_progress

    woken = []
    for request in uow.decisions.waiting():
        if request.process != PROCESS or not request.key.endswith(":reviews-closed"):
            continue
        call_id = int(request.subject_id)
        progress = review_progress(uow, call_id, now)
        if request.flow_run_id and (progress.complete or progress.deadline_passed):
            woken.append((call_id, request.flow_run_id))
    return woken
