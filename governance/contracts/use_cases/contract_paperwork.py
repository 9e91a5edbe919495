"""What approved contracts need on paper: document data, Dimona export, decision reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.contracts.rules.contract_amounts import (
    invoice_amounts,
    invoice_structured_communication,
)
from governance.contracts.rules.contracts import ContractDeclaration, DeclarationStatus
from governance.contracts.rules.offices import employment_language
from governance.contracts.rules.paperwork import Paperwork, Party
from governance.contracts.use_cases import invoicing
from governance.contracts.use_cases.contracts import PROCESS, SUBJECT, document_keys
from governance.db.models import Member
from governance.db.models.contracts import Client, Declaration, DimonaRecord, Invoice
from governance.db.repositories.decisions import DecisionRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import DimonaStatus
from governance.kernel.use_cases import outbox
from governance.statutes import get_statutes


def paperwork(session: Session, declaration_ids: list[int]) -> list[Paperwork]:
    """Approved, not cancelled declarations among `declaration_ids`, with their document data."""
    settings = get_statutes().contracts
    rows = session.execute(
        select(Declaration, Member, Client, Invoice, DimonaRecord)
        .join(Member, Member.id == Declaration.member_id)
        .join(Client, Client.id == Declaration.client_id)
        .join(Invoice, Invoice.declaration_id == Declaration.id)
        .join(DimonaRecord, DimonaRecord.declaration_id == Declaration.id)
        .where(
            Declaration.id.in_(declaration_ids),
            Declaration.status == DeclarationStatus.APPROVED,
        )
        .order_by(Declaration.id)
    ).all()
    result = []
    for d, m, c, inv, dimona in rows:
        facts = ContractDeclaration.model_validate(d.facts)
        result.append(
            Paperwork(
                declaration_id=d.id,
                member_id=m.id,
                member_number=m.member_number or "",
                member=Party(
                    m.display_name,
                    m.street or "",
                    m.postcode or "",
                    m.city or "",
                    m.country,
                    m.email or "",
                    m.language,
                ),
                client=Party(c.name, c.street, c.postcode, c.city, c.country, c.email, c.language),
                client_enterprise_number=c.enterprise_number or "",
                client_vat_number=c.vat_number or "",
                office=d.office,
                employment_language=employment_language(
                    d.office, d.employment_language or m.language
                ),
                function=facts.function,
                description=facts.description,
                risks=facts.risks,
                work_days=tuple(facts.work_days),
                work_country=facts.work_country,
                work_city=facts.work_city,
                invoice_number=inv.number or "",
                structured_communication=invoice_structured_communication(d.id),
                issued_on=inv.issued_on,
                due_on=inv.due_on,
                amounts=invoice_amounts(inv.net_cents, inv.vat_regime, settings),
                payment_term_days=(inv.due_on - inv.issued_on).days,
                dimona_in_by=dimona.in_deadline,
                keys=document_keys(d.id),
                invoice=invoicing.contract_invoice_facts(inv, c, facts, d.id),
            )
        )
    return result


def approved_ids(session: Session, declaration_ids: list[int]) -> list[int]:
    return list(
        session.scalars(
            select(Declaration.id).where(
                Declaration.id.in_(declaration_ids),
                Declaration.status == DeclarationStatus.APPROVED,
            )
        )
    )


# --------------------------------------------------------------------------- reminders


def send_decision_reminders(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Escalate every contract decision overdue by another `decision_due_hours` (48 h) period."""
    session, now = uow.session, now or utcnow()
    period = get_statutes().contracts.decision_due_hours * 3600
    sent = 0
    for request in uow.decisions.overdue(now):
        if request.process != PROCESS:
            continue
        waited = (now - request.requested_at).total_seconds()
        due_reminders = int(waited // period)
        if request.reminders_sent >= due_reminders:
            continue
        uow.decisions.note_reminders(request.key, due_reminders)
        outbox.enqueue(
            session,
            key=mail_keys.contract_reminder(request.key, due_reminders),
            to=uow.settings.staff_mailbox,
            template="contract_reminder",
            language=uow.settings.default_language,
            context={
                "question": request.question,
                "key": request.key,
                "hours": int(waited // 3600),
                "requested_at": request.requested_at.isoformat(timespec="minutes"),
                "flow_run_id": request.flow_run_id or "",
            },
        )
        uow.timeline.record(
            actor=Actor.system("contract-reminders"),
            action="decision_escalated",
            subject_type=request.subject_type,
            subject_id=request.subject_id,
            member_id=request.member_id,
            details={"key": request.key, "reminder": due_reminders},
        )
        sent += 1
    uow.commit()
    return sent


def open_contract_requests(session: Session) -> list[DecisionView]:
    return DecisionRepository(session).waiting(PROCESS)


# --------------------------------------------------------------------------- Dimona export


@dataclass(frozen=True)
class DimonaLine:
    """One Dimona IN a payroll officer files; the NISS only when explicitly asked for."""

    declaration_id: int
    employer_enterprise_number: str
    member_number: str
    worker_name: str
    niss: str  # "" unless with_niss; "missing" when the member has none on file
    joint_committee: str
    worker_type: str
    start_date: str
    end_date: str
    days: str
    in_deadline: str
    out_deadline: str


def dimona_export(
    uow: UnitOfWork, staff: str, with_niss: bool = False, mark_exported: bool = True
) -> list[DimonaLine]:
    """Every Dimona still to declare, by deadline; marked exported and logged (not the NISS)."""
    session = uow.session
    rows = session.execute(
        select(DimonaRecord, Member)
        .join(Member, Member.id == DimonaRecord.member_id)
        .where(DimonaRecord.status.in_((DimonaStatus.TO_DECLARE, DimonaStatus.EXPORTED)))
        .order_by(DimonaRecord.in_deadline, DimonaRecord.id)
    ).all()
    lines = []
    now = utcnow()
    for record, member in rows:
        niss = ""
        if with_niss:
            niss = (
                uow.cipher.decrypt(member.national_number_enc)
                if member.national_number_enc
                else "missing"
            )
        lines.append(
            DimonaLine(
                record.declaration_id,
                record.employer_enterprise_number,
                member.member_number or "",
                member.display_name,
                niss,
                record.joint_committee,
                record.worker_type,
                record.start_date.isoformat(),
                record.end_date.isoformat(),
                " ".join(record.days),
                record.in_deadline.isoformat(),
                record.out_deadline.isoformat(),
            )
        )
        if mark_exported and record.status == DimonaStatus.TO_DECLARE:
            record.status = DimonaStatus.EXPORTED
            record.exported_at = now
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="dimona_exported",
        subject_type=SUBJECT,
        subject_id="dimona",
        details={"lines": len(lines), "with_niss": with_niss},
    )
    uow.commit()
    return lines
