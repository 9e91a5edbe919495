"""Staff decisions on a contract declaration: approve (four eyes above the threshold), reject or
ask a correction; the request staff answer and the closing e-mail of a refusal.

Every public use case takes a UnitOfWork, runs one transaction and commits once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.contracts.rules.contract_amounts import euros
from governance.contracts.rules.contracts import ContractSettings, DeclarationStatus
from governance.contracts.rules.staff_decisions import (
    DecisionAction,
    check_decidable,
    check_decision,
)
from governance.contracts.use_cases.contract_approval import approve
from governance.contracts.use_cases.contracts import (
    PROCESS,
    SUBJECT,
    DeclarationView,
    _declaration,
    approvers_of,
    decision_key,
    view_of,
)
from governance.db.models import Member
from governance.db.models.contracts import Approval, Declaration
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.use_cases import outbox
from governance.statutes import get_statutes


def _question(d: Declaration, approvers: tuple[str, ...]) -> str:
    who = f" (second approval: {approvers[0]} approved already)" if approvers else ""
    return (
        f"Approve contract declaration {d.id} of member {d.member_id}: {d.function}, "
        f"{euros(d.amount_excl_vat_cents)} excl. VAT, {d.days_count} day(s) from "
        f"{d.first_day:%d/%m/%Y}{who}?"
    )


def open_decision_request(
    session: Session, d: Declaration, now: datetime, settings: ContractSettings
) -> DecisionView:
    """The staff decision awaited on the declaration (opened once per approval step)."""
    approvers = approvers_of(session, d)
    return DecisionRepository(session).open(
        key=decision_key(d.id, d.revision, len(approvers) + 1),
        process=PROCESS,
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        question=_question(d, approvers),
        due_in=timedelta(hours=settings.decision_due_hours),
        now=now,
    )


def pending_decision(
    uow: UnitOfWork, declaration_id: int, flow_run_id: str | None = None
) -> DecisionView | None:
    """The decision request awaited now (opened if needed), or None when nothing is awaited."""
    session = uow.session
    d = _declaration(session, declaration_id)
    if d.status is not DeclarationStatus.AWAITING_DECISION:
        return None
    request = open_decision_request(session, d, utcnow(), get_statutes().contracts)
    if flow_run_id:  # the run to resume when staff answer elsewhere
        request = uow.decisions.link_run(request.key, flow_run_id, open_only=False) or request
    uow.commit()
    return request


def decide(
    uow: UnitOfWork,
    declaration_id: int,
    action: DecisionAction,
    staff: str,
    reason: str = "",
    now: datetime | None = None,
) -> DeclarationView:
    """A staff decision: approve (four-eyes above the threshold), reject or ask a correction."""
    session, now = uow.session, now or utcnow()
    settings = get_statutes().contracts
    d = _declaration(session, declaration_id, lock=True)
    check_decidable(d.status)
    approvers = approvers_of(session, d)
    check_decision(action, staff, reason, approvers)
    request = open_decision_request(session, d, now, settings)
    uow.decisions.decide(
        key=request.key,
        decision={"action": action.value, "reason": reason},
        staff=staff,
        now=now,
    )
    member = session.get(Member, d.member_id)
    assert member is not None
    if action is DecisionAction.APPROVE:
        session.add(
            Approval(
                declaration_id=d.id,
                revision=d.revision,
                staff_login=staff,
                decision_key=request.key,
                approved_at=now,
            )
        )
        session.flush()
        if len(approvers) + 1 >= max(d.required_approvals, 1):
            approve(session, d, member, Actor.staff(staff), now, settings)
        else:
            open_decision_request(session, d, now, settings)
    elif action is DecisionAction.REJECT:
        close_declaration(
            session, d, member, DeclarationStatus.REFUSED, reason, Actor.staff(staff), now
        )
    else:
        close_declaration(
            session,
            d,
            member,
            DeclarationStatus.CORRECTION_REQUESTED,
            reason,
            Actor.staff(staff),
            now,
        )
    result = view_of(session, d)
    uow.commit()
    return result


def note_refused_input(uow: UnitOfWork, declaration_id: int, staff: str, message: str) -> int:
    """A form answer a rule refused (e.g. the same approver twice): counted, so a new form opens."""
    d = _declaration(uow.session, declaration_id, lock=True)
    d.refused_inputs += 1
    # An answer recorded elsewhere (the decision inbox) but refused here is taken back: the
    # request is open again for another staff member.
    uow.decisions.reopen(decision_key(d.id, d.revision, len(approvers_of(uow.session, d)) + 1))
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="contract_decision_refused",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"why": message},
    )
    uow.commit()
    return d.refused_inputs


def close_declaration(
    session: Session,
    d: Declaration,
    member: Member,
    status: DeclarationStatus,
    reason: str,
    actor: Actor,
    now: datetime,
    checks: list[str] | None = None,
) -> None:
    """Close a declaration; the member's e-mail gives the failed checks' codes (worded in the
    member's language by the e-mail) or else the staff member's reason."""
    d.status = status
    d.outcome_reason = reason
    d.decided_at = now
    TimelineRepository(session).record(
        actor=actor,
        action=f"contract_{status.value}",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"reason": reason},
    )
    outbox.tell_member(
        session,
        member,
        key=mail_keys.contract_decision(d.id, d.revision, status.value),
        template="contract_not_approved",
        context={
            "declaration_id": d.id,
            "function": d.function,
            "first_day": d.first_day.isoformat(),
            "outcome": status.value,
            "reason": reason,
            "checks": checks or [],
        },
    )
