"""Grant tasks: each calls one service in its own unit of work, or renders a batch of letters.

All are safe to run twice (the services check the call's status; documents and e-mails are keyed).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from documents import archive, staff_text
from documents.contexts import Addressee, Coop
from documents.contexts.grants import (
    GrantAwardLetter,
    GrantDecisionPack,
    GrantRejectionLetter,
    InstalmentLine,
    PackRow,
    ReasonLine,
    RecusalRow,
    reason_text,
)
from documents.produce import DocumentRequest
from documents.sepa import credit_transfer_xml
from governance.clock import brussels_date
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import BoardChange
from governance.grants.use_cases import (
    grant_awards,
    grant_payments,
    grant_ranking,
    grant_reminders,
    grant_reviews,
    grants,
)
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.rules.enums import Language
from governance.kernel.rules.staff import SYSTEM_RESUME_CODE
from tasks.common import IO_RETRIES
from tasks.documents import produce


def _decision(view: DecisionView, flow_run_id: str | None) -> dict[str, Any] | None:
    """The decision if taken; else describe what is awaited in a markdown artifact."""
    if view.decision is not None and view.status == DecisionStatus.DECIDED:
        return {**view.decision, "decided_by": view.decided_by}
    if flow_run_id:
        create_markdown_artifact(
            key=view.key.replace(":", "-").replace("_", "-").lower(),
            markdown=f"### Decision awaited: `{view.key}`\n\n{view.question}\n\n"
            f"Due: {view.due_at:%Y-%m-%d %H:%M} UTC",
            description=view.question[:200],
        )
    return None


@task(name="grants-screen-applications", cache_policy=NO_CACHE, **IO_RETRIES)
def screen_applications(call_id: int, now: datetime) -> dict[str, Any]:
    """Eligibility and first-N once the call has closed."""
    with UnitOfWork() as uow:
        view = grants.screen_call(uow, call_id, now)
    return {
        "closed": view.closed,
        "considered": view.considered,
        "beyond_limit": view.beyond_limit,
        "ineligible": view.ineligible,
    }


@task(name="grants-assign-reviewers", cache_policy=NO_CACHE, **IO_RETRIES)
def assign_reviewers(call_id: int, now: datetime) -> dict[str, Any]:
    """Fill empty reviewer seats (conflicts excluded, load balanced)."""
    with UnitOfWork() as uow:
        view = grant_reviews.assign_reviewers(uow, call_id, now)
    if view.short:
        get_run_logger().warning("not enough conflict-free reviewers for %s", view.short)
    return {
        "assigned_now": view.assigned_now,
        "active": view.active,
        "recusals": view.recusals,
        "short": view.short,
    }


@task(name="grants-reviews-done", cache_policy=NO_CACHE, **IO_RETRIES)
def reviews_done(call_id: int, now: datetime, flow_run_id: str | None = None) -> bool:
    """True when every review is in, the deadline passed, or staff closed the round."""
    with UnitOfWork() as uow:
        progress = grant_reviews.review_progress(uow, call_id, now)
        if progress.complete or progress.deadline_passed:
            return True
        if grant_ranking.review_round_closed(uow, call_id):
            return True
        view = grant_ranking.open_review_round(uow, call_id, now, flow_run_id)
    return _decision(view, flow_run_id) is not None


@task(name="grants-close-review-round", cache_policy=NO_CACHE, **IO_RETRIES)
def close_review_round(call_id: int, staff: str, note: str, now: datetime) -> None:
    with UnitOfWork() as uow:
        grant_ranking.close_review_round(uow, call_id, staff, note, now)


@task(name="grants-rank-and-pack", cache_policy=NO_CACHE, **IO_RETRIES)
def rank_and_pack(call_id: int, now: datetime) -> dict[str, int]:
    """Rank, propose the allocation, archive the decision pack and mail it to staff."""
    with UnitOfWork() as uow:
        pack = grant_ranking.rank_call(uow, call_id, now)
        coop = Coop.from_settings(uow.settings)
        language = uow.settings.default_language
        staff_language = uow.settings.staff_language
    context = _pack_context(pack, coop, language, staff_language, brussels_date(now))
    produce(
        [
            DocumentRequest(
                key=grant_ranking.pack_key(call_id),
                template="grant_decision_pack",
                language=language,
                context=context,
                subject_type="grant_call",
                subject_id=str(call_id),
            )
        ]
    )
    with UnitOfWork() as uow:
        grant_ranking.queue_decision_pack_mail(uow, call_id)
    return {
        "proposed_cents": pack.proposed_cents,
        "budget_cents": pack.budget_cents,
        "ranked": sum(1 for r in pack.rows if r.rank),
    }


def _pack_context(
    pack: grant_ranking.DecisionPack,
    coop: Coop,
    language: Language,
    staff_language: Language,
    today: date,
) -> GrantDecisionPack:
    """The decision pack document: the ranking with scores and means, recusals and the budget."""
    labels_of = {code: label for code, label, _w, _s in pack.criteria if label}
    return GrantDecisionPack(
        language=language,
        coop=coop,
        today=today,
        call=pack.call_name,
        budget_cents=pack.budget_cents,
        proposed_cents=pack.proposed_cents,
        left_cents=pack.left_cents,
        criteria=" · ".join(f"{label or code} ×{w} (0-{s})" for code, label, w, s in pack.criteria),
        partial_funding="✔" if pack.partial_funding else "✘",
        rows=[
            PackRow(
                rank=str(r.rank or "–"),
                reference=r.reference,
                applicant=r.applicant,
                title=r.title,
                asked_cents=r.asked_cents,
                score=staff_text.score(r.score_hundredths, language),
                criteria=" · ".join(
                    f"{labels_of.get(k, k)} {_mean(v, language)}"
                    for k, v in r.criterion_means.items()
                ),
                reviews=r.reviews,
                proposed_cents=r.proposed_cents,
            )
            for r in pack.rows
        ],
        recusals=[
            RecusalRow(
                reference=ref,
                reviewer=login,
                reason=staff_text.recusal_reason(why or "", staff_language, language),
            )
            for ref, login, why in pack.recusals
        ],
        ineligible=pack.not_considered.get("ineligible", 0),
        beyond_limit=pack.not_considered.get("beyond_limit", 0),
    )


@task(name="grants-board-decision", cache_policy=NO_CACHE, **IO_RETRIES)
def board_decision(
    call_id: int, now: datetime, flow_run_id: str | None = None
) -> dict[str, Any] | None:
    """The board's decision if taken (CLI or earlier resume), else open the request."""
    with UnitOfWork() as uow:
        if grant_awards.board_decided(uow, call_id):
            return {"decided": True}
        view = grant_awards.open_board_decision(uow, call_id, now, flow_run_id)
    return _decision(view, flow_run_id)


@task(name="grants-record-board-decision", cache_policy=NO_CACHE, **IO_RETRIES)
def record_board_decision(
    call_id: int, staff: str, changes: list[dict[str, Any]], note: str, now: datetime
) -> dict[str, int]:
    with UnitOfWork() as uow:
        return grant_awards.record_board_decision(
            uow, call_id, staff, [BoardChange(**c) for c in changes], note, now
        )


def _mean(value: str, language: str) -> str:
    """A criterion mean ('7.50') in the reader's digits ('7,50')."""
    try:
        return staff_text.score(round(float(value) * 100), language)
    except ValueError:
        return value


def _letter(
    job: grant_awards.LetterJob, coop: Coop, today: Any, staff_language: str
) -> DocumentRequest:
    applicant = Addressee(**job.applicant)
    f = job.facts
    common = {
        "language": job.language,
        "coop": coop,
        "today": today,
        "applicant": applicant,
        "call": f["call"],
        "reference": job.reference,
        "title": f["title"],
        "asked_cents": f["asked_cents"],
        "board_note": staff_text.as_typed(
            f.get("board_reason") or "", staff_language, job.language
        ),
    }
    context: GrantAwardLetter | GrantRejectionLetter
    if job.template == "grant_award":
        context = GrantAwardLetter(
            **common,
            amount_cents=f["amount_cents"],
            instalments=[
                InstalmentLine(
                    seq=seq, amount_cents=cents, report_due=brussels_date(due) if due else None
                )
                for seq, cents, due in f["instalments"]
            ],
        )
    else:
        score = f["score_hundredths"]
        last = f["last_funded_hundredths"]
        context = GrantRejectionLetter(
            **common,
            outcome=f["outcome"],
            reasons=[ReasonLine(text=reason_text(code, job.language)) for code in f["reasons"]],
            score=f"{staff_text.score(score, job.language)} / 100" if score is not None else "",
            rank=f["rank"] or 0,
            ranked=f["ranked"],
            last_funded_score=f"{staff_text.score(last, job.language)} / 100"
            if last is not None
            else "–",
        )
    return DocumentRequest(
        key=job.key,
        template=job.template,
        language=job.language,
        context=context,
        subject_type="grant_application",
        subject_id=job.reference,
        member_id=job.member_id,
    )


@task(name="grants-award-and-letters", cache_policy=NO_CACHE, **IO_RETRIES)
def award_and_letters(call_id: int, now: datetime) -> dict[str, int]:
    """Awards with instalment plans (first released), letters archived, e-mails queued."""
    with UnitOfWork() as uow:
        jobs = grant_awards.finalise_awards(uow, call_id, now)
        coop = Coop.from_settings(uow.settings)
        staff_language = str(uow.settings.staff_language)
    today = brussels_date(now)
    made = produce([_letter(job, coop, today, staff_language) for job in jobs])
    return {
        "awards": sum(1 for j in jobs if j.template == "grant_award"),
        "rejections": sum(1 for j in jobs if j.template == "grant_rejection"),
        "letters_made_now": made,
    }


@task(name="grants-write-payment-files", cache_policy=NO_CACHE, **IO_RETRIES)
def write_payment_files(call_id: int, now: datetime) -> list[str]:
    """Released instalments → pain.001 files in the archive (each instalment in one file)."""
    written = []
    while True:
        with UnitOfWork() as uow:
            batch = grant_payments.claim_payment_batch(uow, call_id, now)
            settings = uow.settings
        if batch is None:
            break
        xml = credit_transfer_xml(batch.reference, batch.payments, settings, brussels_date(now))
        stored = archive.store(
            settings.resolved_archive_dir(),
            f"grant_call/{call_id}/payments",
            f"{batch.reference}.pain001.xml",
            xml,
        )
        assert stored.sha256 == hashlib.sha256(xml).hexdigest()
        with UnitOfWork() as uow:
            grant_payments.record_payment_file(
                uow, batch.reference, stored.relative_path, stored.sha256
            )
        written.append(stored.relative_path)
    return written


@task(name="grants-report-gate", cache_policy=NO_CACHE, **IO_RETRIES)
def report_gate(call_id: int, now: datetime, flow_run_id: str | None = None) -> dict[str, Any]:
    """Are instalments still waiting for reports? If so, open the wait for the next decision."""
    with UnitOfWork() as uow:
        progress = grant_payments.instalment_progress(uow, call_id)
        if progress.awaiting_report == 0:
            grant_payments.close_call_if_done(uow, call_id)
            return {"waiting": 0}
        view = grant_payments.open_report_wait(uow, call_id, now, flow_run_id)
    _decision(view, flow_run_id)
    return {
        "waiting": progress.awaiting_report,
        "key": view.key,
        "to_decide": progress.reports_to_decide,
    }


@task(name="grants-decide-report", cache_policy=NO_CACHE, **IO_RETRIES)
def decide_report(report_id: int, staff: str, accepted: bool, note: str, now: datetime) -> str:
    with UnitOfWork() as uow:
        return str(grant_payments.decide_report(uow, report_id, staff, accepted, note, now))


@task(name="grants-wake-review-rounds", cache_policy=NO_CACHE, **IO_RETRIES)
def wake_review_rounds(now: datetime) -> int:
    """Resume runs suspended on a review round that is now complete or past its deadline."""
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    with UnitOfWork() as uow:
        due = grant_ranking.review_rounds_to_wake(uow, now)
    woken = 0
    for call_id, flow_run_id in due:
        try:
            resume_flow_run(
                UUID(flow_run_id),
                run_input={
                    "staff": "grant-reminders",
                    "one_time_code": SYSTEM_RESUME_CODE,  # never verified: see its definition
                    "note": "all reviews in or review deadline passed",
                },
            )
            woken += 1
        except Exception as problem:  # a run not (or no longer) paused: log, go on
            get_run_logger().warning(
                "call %s: run %s not resumed: %s", call_id, flow_run_id, problem
            )
    return woken


@task(name="grants-queue-reminders", cache_policy=NO_CACHE, **IO_RETRIES)
def queue_reminders(now: datetime, review_window_days: int) -> dict[str, int]:
    from datetime import timedelta

    with UnitOfWork() as uow:
        count = grant_reminders.queue_reminders(uow, now, timedelta(days=review_window_days))
    return {"reviews": count.reviews, "reports": count.reports}
