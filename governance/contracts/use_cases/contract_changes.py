"""A contract declaration changed after its checks: the member's correction (a new revision,
checked again) and its cancellation before the first work day.

Every public use case takes a UnitOfWork, runs one transaction and commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.contracts.rules.contracts import ContractDeclaration, DeclarationStatus
from governance.contracts.rules.einvoice import InvoiceStatus
from governance.contracts.rules.staff_decisions import ReasonMissing, check_cancellable
from governance.contracts.use_cases import invoicing
from governance.contracts.use_cases.contracts import (
    SUBJECT,
    DeclarationView,
    _declaration,
    apply_facts,
    approvers_of,
    decision_key,
    view_of,
)
from governance.db.models import Member
from governance.db.models.contracts import Client, Declaration, DimonaRecord, Invoice
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DimonaStatus, Language
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import documents, outbox


def correct_declaration(
    uow: UnitOfWork,
    declaration_id: int,
    facts: ContractDeclaration,
    actor: Actor,
    now: datetime | None = None,
) -> DeclarationView:
    """The member's corrected declaration: a new revision, checked again from scratch."""
    session = uow.session
    d = _declaration(session, declaration_id, lock=True)
    if d.status is not DeclarationStatus.CORRECTION_REQUESTED:
        raise InvalidTransition(f"declaration {d.id} is {d.status.value}: no correction is awaited")
    if facts.member_id != d.member_id:
        raise InvalidTransition("a correction cannot change the member", field="member_id")
    apply_facts(d, facts.model_copy(update={"external_ref": d.external_ref}))
    d.revision += 1
    d.status = DeclarationStatus.SUBMITTED
    d.submitted_at = now or utcnow()
    d.outcome_reason = None
    uow.timeline.record(
        actor=actor,
        action="contract_corrected",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"revision": d.revision},
    )
    result = view_of(session, d)
    uow.commit()
    return result


def cancel_declaration(
    uow: UnitOfWork, declaration_id: int, staff: str, reason: str, now: datetime | None = None
) -> DeclarationView:
    """Before the first work day only: documents void, invoice void, Dimona cancelled, both told."""
    session, now = uow.session, now or utcnow()
    d = _declaration(session, declaration_id, lock=True)
    check_cancellable(d.status, d.first_day, brussels_date(now))
    if not reason.strip():
        raise ReasonMissing("give the reason both parties will read", field="reason")
    actor = Actor.staff(staff)
    was_approved = d.status is DeclarationStatus.APPROVED
    d.status = DeclarationStatus.CANCELLED
    d.cancelled_at = now
    d.outcome_reason = reason
    uow.decisions.cancel(decision_key(d.id, d.revision, len(approvers_of(session, d)) + 1), reason)
    voided = documents.void_documents(session, SUBJECT, str(d.id), reason, actor, now)
    for row in session.scalars(select(Invoice).where(Invoice.declaration_id == d.id)):
        row.status = InvoiceStatus.VOID
    if was_approved:  # the invoice is never deleted: a credit note cancels it
        invoicing.credit_cancelled_contract(session, d.id, reason, actor, d.member_id)
    for dimona in session.scalars(select(DimonaRecord).where(DimonaRecord.declaration_id == d.id)):
        dimona.status = DimonaStatus.CANCELLED
    _tell_cancelled(session, d, reason)
    uow.timeline.record(
        actor=actor,
        action="contract_cancelled",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"reason": reason, "documents_voided": voided, "was_approved": was_approved},
    )
    result = view_of(session, d)
    uow.commit()
    return result


def _tell_cancelled(session: Session, d: Declaration, reason: str) -> None:
    """The cancellation e-mail to the client, and to the member when they have an address."""
    member = session.get(Member, d.member_id)
    client = session.get(Client, d.client_id)
    assert member is not None and client is not None
    context = {
        "declaration_id": d.id,
        "function": d.function,
        "first_day": d.first_day.isoformat(),
        "reason": reason,
        "member_name": member.display_name,
        "client_name": client.name,
    }
    recipients: list[tuple[str, str, Language, int | None]] = [
        ("client", client.email, client.language, None)
    ]
    if member.email:
        recipients.append(("member", member.email, member.language, member.id))
    for role, address, language, member_id in recipients:
        outbox.enqueue(
            session,
            key=mail_keys.contract_cancelled(d.id, role),
            to=address,
            template="contract_cancelled",
            language=language,
            member_id=member_id,
            context={**context, "name": client.name if role == "client" else member.display_name},
        )
