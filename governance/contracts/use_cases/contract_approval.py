"""An approved contract: its invoice, its Dimona record and the two e-mails.

Called inside the transaction of the step that approves (the automatic checks or the last staff
approval); it never commits. The documents the e-mails wait for are produced by the tasks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from governance.clock import brussels_date
from governance.contracts.rules.contract_amounts import (
    InvoiceAmounts,
    invoice_amounts,
    invoice_structured_communication,
    payment_due_on,
)
from governance.contracts.rules.contracts import (
    ContractDeclaration,
    ContractSettings,
    DeclarationStatus,
    DimonaDeadlines,
    dimona_deadlines,
)
from governance.contracts.rules.einvoice import DocumentKind, InvoiceStatus
from governance.contracts.use_cases import invoicing
from governance.contracts.use_cases.contracts import SUBJECT, document_keys
from governance.db.models import Member
from governance.db.models.contracts import Client, Declaration, DimonaRecord, Invoice
from governance.db.repositories.timeline import TimelineRepository
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DimonaStatus
from governance.kernel.use_cases import outbox


def approve(
    session: Session,
    d: Declaration,
    member: Member,
    actor: Actor,
    now: datetime,
    settings: ContractSettings,
) -> None:
    """Approved: invoice, Dimona record and the two e-mails (waiting for their documents)."""
    d.status = DeclarationStatus.APPROVED
    d.decided_at = now
    client = session.get(Client, d.client_id)
    assert client is not None
    invoice, amounts = _issue_invoice(session, d, client, now, settings)
    deadlines = _record_dimona(session, d, settings)
    _tell_parties(session, d, member, client, invoice, amounts)
    TimelineRepository(session).record(
        actor=actor,
        action="contract_approved",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={
            "invoice": invoice.number,
            "total_cents": amounts.total_cents,
            "dimona_in_by": deadlines.in_by.isoformat(),
        },
    )


def _issue_invoice(
    session: Session,
    d: Declaration,
    client: Client,
    now: datetime,
    settings: ContractSettings,
) -> tuple[Invoice, InvoiceAmounts]:
    """The declaration's one invoice, numbered and added to the session."""
    issued_on = brussels_date(now)
    # The client decides the form (Peppol UBL or PDF) and, across the EU border, the VAT.
    form, regime = invoicing.decide_form(client, d.vat_regime)
    amounts = invoice_amounts(d.amount_excl_vat_cents, regime, settings)
    invoice = Invoice(
        declaration_id=d.id,
        client_id=d.client_id,
        issued_on=issued_on,
        due_on=payment_due_on(issued_on, settings),
        net_cents=amounts.net_cents,
        vat_regime=regime,
        form=form.form.value,
        vat_rate_bp=amounts.vat_rate_bp,
        vat_cents=amounts.vat_cents,
        total_cents=amounts.total_cents,
        fee_cents=amounts.fee_cents,
        paid_cents=0,
        status=InvoiceStatus.ISSUED,
    )
    # One invoice per declaration, numbered from the year's gapless sequence in this
    # transaction; the structured communication encodes the declaration id, its 12 digits
    # stored as a bank statement carries them (like the register's subscriptions).
    invoice.number = invoicing.next_number(session, DocumentKind.INVOICE, issued_on.year)
    ogm = invoice_structured_communication(d.id)
    invoice.structured_communication = "".join(ch for ch in ogm if ch.isdigit())
    session.add(invoice)
    return invoice, amounts


def _record_dimona(session: Session, d: Declaration, settings: ContractSettings) -> DimonaDeadlines:
    """The Dimona to declare for the work days, with its deadlines."""
    facts = ContractDeclaration.model_validate(d.facts)
    deadlines = dimona_deadlines(facts.work_days)
    session.add(
        DimonaRecord(
            declaration_id=d.id,
            member_id=d.member_id,
            employer_enterprise_number=_coop_enterprise_number(),
            joint_committee=settings.joint_committee,
            worker_type=settings.dimona_worker_type,
            start_date=d.first_day,
            end_date=d.last_day,
            days=[day.isoformat() for day in facts.work_days],
            in_deadline=deadlines.in_by,
            out_deadline=deadlines.out_by,
            status=DimonaStatus.TO_DECLARE,
        )
    )
    return deadlines


def _tell_parties(
    session: Session,
    d: Declaration,
    member: Member,
    client: Client,
    invoice: Invoice,
    amounts: InvoiceAmounts,
) -> None:
    """The client's and the member's e-mails, each waiting for its documents."""
    keys = document_keys(d.id)
    common = {
        "declaration_id": d.id,
        "function": d.function,
        "first_day": d.first_day.isoformat(),
        "last_day": d.last_day.isoformat(),
        "invoice_number": invoice.number,
    }
    outbox.enqueue(
        session,
        key=mail_keys.contract_approved(d.id, "client"),
        to=client.email,
        template="contract_approved_client",
        language=client.language,
        attachment_keys=[keys["client_agreement"], keys["invoice"]],
        context={
            **common,
            "name": client.name,
            "member_name": member.display_name,
            "total_cents": amounts.total_cents,
            "due_on": invoice.due_on.isoformat(),
            "communication": invoice.structured_communication,
            "reply_office": str(member.office),  # the client's questions reach the office
        },
    )
    if member.email:
        outbox.enqueue(
            session,
            key=mail_keys.contract_approved(d.id, "member"),
            to=member.email,
            template="contract_approved_member",
            language=member.language,
            member_id=member.id,
            attachment_keys=[keys["employment_contract"], keys["client_agreement"]],
            context={
                **common,
                "name": member.display_name,
                "client_name": client.name,
                "gross_cents": amounts.gross_salary_cents,
                "a1": int(d.a1_required),
            },
        )


def _coop_enterprise_number() -> str:
    from governance.config import get_settings

    return get_settings().coop_enterprise_number
