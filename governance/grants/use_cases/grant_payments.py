"""Grant instalments: reports gate the next instalment; released ones go into payment batches.

One business action per function, one transaction, committed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantAward,
    GrantCall,
    GrantInstalment,
    GrantPaymentBatch,
    GrantReport,
)
from governance.db.repositories.grants import get_call
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import (
    ApplicationStatus,
    CallStatus,
    InstalmentStatus,
    ReportStatus,
)
from governance.grants.use_cases.grants import (
    PROCESS,
    SUBJECT_APPLICATION,
    SUBJECT_CALL,
    ApplicationRef,
    get_application,
    open_call_wait,
)
from governance.kernel.rules import identifiers, mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import ActorKind
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation
from governance.kernel.use_cases import outbox


def reports_key_prefix(call_id: int) -> str:
    return f"grants:{call_id}:reports:"


@dataclass(frozen=True)
class InstalmentProgress:
    call_id: int
    released: int
    paid: int
    awaiting_report: int
    reports_to_decide: list[tuple[str, int]]  # (application reference, report id)
    decided_reports: int

    @property
    def finished(self) -> bool:
        return self.awaiting_report == 0 and self.released == 0


@dataclass(frozen=True)
class Payment:
    end_to_end_id: str
    name: str
    iban: str
    bic: str | None
    amount_cents: int
    description: str


@dataclass(frozen=True)
class PaymentBatch:
    reference: str
    call_id: int
    payments: list[Payment]
    held: list[tuple[str, str]]  # (application reference, why it cannot be paid)
    path: str | None

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)


def _next_gated(session: Session, app: ApplicationRef) -> GrantInstalment:
    instalment = session.scalar(
        select(GrantInstalment)
        .join(GrantAward, GrantAward.id == GrantInstalment.award_id)
        .where(
            GrantAward.application_id == app.id,
            GrantInstalment.status == InstalmentStatus.AWAITING_REPORT,
        )
        .order_by(GrantInstalment.seq)
        .limit(1)
    )
    if instalment is None:
        raise InvalidTransition(
            f"'{app.reference}' has no instalment waiting for a report", field="reference"
        )
    return instalment


def submit_report(uow: UnitOfWork, reference: str, summary: str, now: datetime) -> int:
    """The grantee's report for the next instalment; staff are told by e-mail."""
    if not summary.strip():
        raise RuleViolation("the report is empty", field="summary")
    session = uow.session
    app = get_application(session, reference)
    if app.status != ApplicationStatus.AWARDED:
        raise InvalidTransition(f"'{reference}' was not awarded a grant", field="reference")
    instalment = _next_gated(session, app)
    pending = session.scalar(
        select(GrantReport).where(
            GrantReport.instalment_id == instalment.id, GrantReport.status == ReportStatus.SUBMITTED
        )
    )
    if pending is not None:
        return pending.id
    report = GrantReport(
        instalment_id=instalment.id,
        status=ReportStatus.SUBMITTED,
        summary=summary,
        submitted_at=now,
    )
    session.add(report)
    session.flush()
    outbox.enqueue(
        session,
        key=mail_keys.grant_report_submitted(app.call_id, report.id),
        to=uow.settings.staff_mailbox,
        template="grant_report_submitted",
        language=uow.settings.default_language,
        context={"reference": reference, "seq": instalment.seq, "report_id": report.id},
    )
    uow.timeline.record(
        actor=Actor(ActorKind.MEMBER, str(app.member_id)),
        action="grant_report_submitted",
        subject_type=SUBJECT_APPLICATION,
        subject_id=reference,
        member_id=app.member_id,
        details={"instalment": instalment.seq},
    )
    uow.commit()
    return report.id


def decide_report(
    uow: UnitOfWork, report_id: int, staff: str, accepted: bool, note: str, now: datetime
) -> InstalmentStatus:
    """Staff accept (the instalment is released) or reject (the grantee reports again)."""
    session = uow.session
    report = session.get(GrantReport, report_id)
    if report is None:
        raise NotFound(f"there is no grant report {report_id}", field="report_id")
    instalment = session.get(GrantInstalment, report.instalment_id)
    assert instalment is not None
    if report.status != ReportStatus.SUBMITTED:
        if (report.status == ReportStatus.ACCEPTED) == accepted and report.decided_by == staff:
            return instalment.status
        raise InvalidTransition(
            f"report {report_id} was already {report.status} by {report.decided_by}",
            field="report_id",
        )
    if not accepted and not note.strip():
        raise RuleViolation("say why the report is not accepted", field="note")
    report.status = ReportStatus.ACCEPTED if accepted else ReportStatus.REJECTED
    report.decided_by = staff
    report.decided_at = now
    report.note = note or None
    if accepted:
        instalment.status = InstalmentStatus.RELEASED
        instalment.released_at = now
    award = session.get(GrantAward, instalment.award_id)
    assert award is not None
    app = session.get(GrantApplication, award.application_id)
    assert app is not None
    for open_request in uow.decisions.waiting():  # the flow's wait is answered
        if open_request.key.startswith(reports_key_prefix(app.call_id)):
            uow.decisions.cancel(open_request.key, f"report {report_id} decided by {staff}")
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="grant_report_accepted" if accepted else "grant_report_rejected",
        subject_type=SUBJECT_APPLICATION,
        subject_id=app.reference,
        member_id=app.member_id,
        details={"instalment": instalment.seq, "note": note},
    )
    uow.commit()
    return instalment.status


def instalment_progress(uow: UnitOfWork, call_id: int) -> InstalmentProgress:
    session = uow.session
    counts = dict(
        session.execute(
            select(GrantInstalment.status, func.count())
            .join(GrantAward, GrantAward.id == GrantInstalment.award_id)
            .join(GrantApplication, GrantApplication.id == GrantAward.application_id)
            .where(GrantApplication.call_id == call_id)
            .group_by(GrantInstalment.status)
        )
        .tuples()
        .all()
    )
    reports = (
        session.execute(
            select(GrantApplication.reference, GrantReport.id, GrantReport.status)
            .join(GrantAward, GrantAward.application_id == GrantApplication.id)
            .join(GrantInstalment, GrantInstalment.award_id == GrantAward.id)
            .join(GrantReport, GrantReport.instalment_id == GrantInstalment.id)
            .where(GrantApplication.call_id == call_id)
            .order_by(GrantReport.id)
        )
        .tuples()
        .all()
    )
    return InstalmentProgress(
        call_id,
        counts.get(InstalmentStatus.RELEASED, 0),
        counts.get(InstalmentStatus.PAID, 0),
        counts.get(InstalmentStatus.AWAITING_REPORT, 0),
        [(ref, rid) for ref, rid, status in reports if status == ReportStatus.SUBMITTED],
        sum(1 for _, _, status in reports if status != ReportStatus.SUBMITTED),
    )


def open_report_wait(
    uow: UnitOfWork, call_id: int, now: datetime, flow_run_id: str | None = None
) -> DecisionView:
    """The flow's wait for the next report decision (keyed by how many were decided)."""
    progress = instalment_progress(uow, call_id)
    key = f"{reports_key_prefix(call_id)}{progress.decided_reports}"
    waiting = ", ".join(f"{ref} (report {rid})" for ref, rid in progress.reports_to_decide)
    view = open_call_wait(
        uow,
        call_id,
        key,
        f"Accept or reject a grantee's report; {progress.awaiting_report} instalments "
        f"wait for a report. Reports to decide: {waiting or 'none yet'}.",
        due_in=timedelta(days=30),
        now=now,
        flow_run_id=flow_run_id,
    )
    uow.commit()
    return view


def close_call_if_done(uow: UnitOfWork, call_id: int) -> CallStatus:
    call = get_call(uow.session, call_id)
    if call.status == CallStatus.DECIDED and instalment_progress(uow, call_id).finished:
        call.status = CallStatus.CLOSED
        uow.timeline.record(
            actor=Actor.system(PROCESS),
            action="grant_call_closed",
            subject_type=SUBJECT_CALL,
            subject_id=call_id,
        )
        uow.commit()
    return call.status


# ----------------------------------------------------------------------------- payments


def claim_payment_batch(uow: UnitOfWork, call_id: int, now: datetime) -> PaymentBatch | None:
    """Put every released instalment into one new batch (or hand back a batch whose file was
    never written). An instalment is in at most one batch: it is never paid twice."""
    session = uow.session
    call = get_call(session, call_id)
    unwritten = session.scalar(
        select(GrantPaymentBatch).where(
            GrantPaymentBatch.call_id == call_id, GrantPaymentBatch.path.is_(None)
        )
    )
    if unwritten is not None:
        return _batch_view(session, unwritten, [])
    payable, held = _payable(session, call_id)
    if not payable:
        # Nothing to pay: only the held instalments are told, and no batch is made.
        for reference, why in held:
            uow.timeline.record(
                actor=Actor.system(PROCESS),
                action="grant_payment_held",
                subject_type=SUBJECT_APPLICATION,
                subject_id=reference,
                details={"why": why},
            )
        batch = None
    else:
        batch = _new_batch(session, call_id, payable, held, now)
        uow.timeline.record(
            actor=Actor.system(PROCESS),
            action="grant_payment_batch_created",
            subject_type=SUBJECT_CALL,
            subject_id=call.id,
            details={
                "batch": batch.reference,
                "count": len(payable),
                "held": held,
                "total_cents": batch.total_cents,
            },
        )
    uow.commit()
    return None if batch is None else _batch_view(session, batch, held)


def _payable(
    session: Session, call_id: int
) -> tuple[list[tuple[GrantInstalment, GrantApplication]], list[tuple[str, str]]]:
    """The released instalments not yet in a batch: those with a valid IBAN, and the others
    held with the reason (application reference, why)."""
    rows = (
        session.execute(
            select(GrantInstalment, GrantApplication, Member)
            .join(GrantAward, GrantAward.id == GrantInstalment.award_id)
            .join(GrantApplication, GrantApplication.id == GrantAward.application_id)
            .join(Member, Member.id == GrantApplication.member_id)
            .where(
                GrantApplication.call_id == call_id,
                GrantInstalment.status == InstalmentStatus.RELEASED,
                GrantInstalment.payment_batch.is_(None),
            )
            .order_by(GrantApplication.reference, GrantInstalment.seq)
        )
        .tuples()
        .all()
    )
    held: list[tuple[str, str]] = []
    payable = []
    for instalment, app, member in rows:
        try:
            identifiers.iban(app.iban or member.iban or "", field="iban")
        except RuleViolation as problem:
            held.append((app.reference, str(problem)))
            continue
        payable.append((instalment, app))
    return payable, held


def _new_batch(
    session: Session,
    call_id: int,
    payable: list[tuple[GrantInstalment, GrantApplication]],
    held: list[tuple[str, str]],
    now: datetime,
) -> GrantPaymentBatch:
    """The call's next batch, its instalments marked paid under their end-to-end ids."""
    count = (
        session.scalar(
            select(func.count())
            .select_from(GrantPaymentBatch)
            .where(GrantPaymentBatch.call_id == call_id)
        )
        or 0
    )
    reference = f"GRANTS-{call_id:03d}-{count + 1:03d}"
    for instalment, app in payable:
        instalment.payment_batch = reference
        instalment.status = InstalmentStatus.PAID
        instalment.end_to_end_id = f"{app.reference}-{instalment.seq}"
    batch = GrantPaymentBatch(
        reference=reference,
        call_id=call_id,
        count=len(payable),
        total_cents=sum(i.amount_cents for i, _ in payable),
        created_at=now,
        details={"held": held},
    )
    session.add(batch)
    return batch


def _batch_view(
    session: Session, batch: GrantPaymentBatch, held: list[tuple[str, str]]
) -> PaymentBatch:
    rows = (
        session.execute(
            select(GrantInstalment, GrantApplication, Member, GrantCall.name)
            .join(GrantAward, GrantAward.id == GrantInstalment.award_id)
            .join(GrantApplication, GrantApplication.id == GrantAward.application_id)
            .join(Member, Member.id == GrantApplication.member_id)
            .join(GrantCall, GrantCall.id == GrantApplication.call_id)
            .where(GrantInstalment.payment_batch == batch.reference)
            .order_by(GrantInstalment.end_to_end_id)
        )
        .tuples()
        .all()
    )
    payments = []
    for instalment, app, member, call_name in rows:
        iban = identifiers.iban(app.iban or member.iban or "", field="iban")
        payments.append(
            Payment(
                end_to_end_id=instalment.end_to_end_id or "",
                name=member.display_name,
                iban=iban,
                bic=identifiers.bic_for_iban(iban),
                amount_cents=instalment.amount_cents,
                description=f"{call_name} {app.reference} instalment {instalment.seq}"[:140],
            )
        )
    return PaymentBatch(batch.reference, batch.call_id, payments, held, batch.path)


def record_payment_file(uow: UnitOfWork, reference: str, path: str, sha256: str) -> None:
    batch = uow.session.scalar(
        select(GrantPaymentBatch).where(GrantPaymentBatch.reference == reference)
    )
    if batch is None:
        raise NotFound(f"there is no payment batch '{reference}'", field="reference")
    batch.path = path
    batch.sha256 = sha256
    uow.timeline.record(
        actor=Actor.system(PROCESS),
        action="grant_payment_file_written",
        subject_type=SUBJECT_CALL,
        subject_id=batch.call_id,
        details={"batch": reference, "path": path, "sha256": sha256},
    )
    uow.commit()


def payment_batches(uow: UnitOfWork, call_id: int) -> list[tuple[str, int, int, str | None]]:
    """(reference, count, total cents, archive path) of every batch of a call."""
    return [
        (b.reference, b.count, b.total_cents, b.path)
        for b in uow.session.scalars(
            select(GrantPaymentBatch)
            .where(GrantPaymentBatch.call_id == call_id)
            .order_by(GrantPaymentBatch.id)
        )
    ]
