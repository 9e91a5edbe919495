"""A grant call after its ranking: the board's decision, the awards with their instalment plans,
and the decision letters.

One business action per function, one transaction, committed once. The review round's end and
the ranking are in `grant_ranking`; instalments, reports and payments in `grant_payments`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import add_calendar_days
from governance.db.models import Member
from governance.db.models.grants import GrantApplication, GrantAward, GrantCall, GrantInstalment
from governance.db.repositories.grants import applications_of, get_call
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import ApplicationStatus, CallStatus, InstalmentStatus
from governance.grants.use_cases.grant_ranking import decision_pack
from governance.grants.use_cases.grants import (
    PROCESS,
    SUBJECT_APPLICATION,
    SUBJECT_CALL,
    open_call_wait,
)
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import outbox


def board_key(call_id: int) -> str:
    return f"grants:{call_id}:board"


def letter_key(reference: str) -> str:
    return f"doc:grant_letter:{reference}"


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


def open_board_decision(
    uow: UnitOfWork, call_id: int, now: datetime, flow_run_id: str | None = None
) -> DecisionView:
    """Ask the board to approve the proposed allocation (idempotent)."""
    pack = decision_pack(uow.session, call_id)
    view = open_call_wait(
        uow,
        call_id,
        board_key(call_id),
        f"Approve the awards of '{pack.call_name}': {pack.proposed_cents} of "
        f"{pack.budget_cents} cents proposed to "
        f"{sum(1 for r in pack.rows if r.proposed_cents)} projects (see the decision "
        "pack). Change an amount only with a reason.",
        due_in=timedelta(days=14),
        now=now,
        flow_run_id=flow_run_id,
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
    # the board may decide before the flow asked (CLI)
    open_call_wait(uow, call_id, board_key(call_id), "Approve the awards", timedelta(days=14), now)
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


def board_decided(uow: UnitOfWork, call_id: int) -> bool:
    return get_call(uow.session, call_id).decided_at is not None


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
        template, facts = _letter_facts(call, a, instalments[a.id], len(ranked), last_funded)
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


def _letter_facts(
    call: GrantCall,
    a: GrantApplication,
    instalments: list[GrantInstalment],
    ranked: int,
    last_funded: int | None,
) -> tuple[str, dict[str, Any]]:
    """The letter's template and what it says: the award and its instalments, or the outcome."""
    base = {"call": call.name, "title": a.project_title, "asked_cents": a.amount_asked_cents}
    if a.status == ApplicationStatus.AWARDED:
        return "grant_award", {
            **base,
            "amount_cents": a.final_cents or 0,
            "board_reason": a.board_reason,
            "instalments": [(i.seq, i.amount_cents, i.report_due_at) for i in instalments],
        }
    return "grant_rejection", {
        **base,
        "outcome": _outcome(a),
        "reasons": list(a.ineligibility),
        "score_hundredths": a.score_hundredths,
        "rank": a.rank,
        "ranked": ranked,
        "last_funded_hundredths": last_funded,
        "board_reason": a.board_reason,
    }


def _outcome(app: GrantApplication) -> str:
    if app.status in (ApplicationStatus.INELIGIBLE, ApplicationStatus.BEYOND_LIMIT):
        return app.status.value
    return "not_funded" if app.rank is not None else "unscored"
