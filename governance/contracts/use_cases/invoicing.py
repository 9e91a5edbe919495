"""Client invoices: gapless numbers, the invoice facts read from the records, credit notes.

Numbers are taken from `invoice_sequence` in the transaction that records the invoice or credit
note (an UPDATE ... RETURNING holds the row lock until commit): a rolled-back transaction gives
its number back, so numbers are never reused and never gapped, one sequence per kind and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.config import Settings, get_settings
from governance.contracts.rules import einvoice
from governance.contracts.rules.contract_amounts import (
    invoice_amounts,
    invoice_structured_communication,
)
from governance.contracts.rules.contracts import ClientKind, ContractDeclaration, VatRegime
from governance.contracts.rules.einvoice import (
    ContractInvoiceInput,
    DocumentKind,
    FormDecision,
    InvoiceClient,
    InvoiceFacts,
    InvoiceStatus,
    PartyFacts,
)
from governance.contracts.rules.paperwork import job_reference
from governance.contracts.rules.staff_decisions import ReasonMissing
from governance.db.models import Document
from governance.db.models.contracts import Client, Declaration, Invoice
from governance.db.models.invoices import CreditNote, InvoiceSequence
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.use_cases import outbox
from governance.statutes import get_statutes

SUBJECT = "contract"
# The seller's legal form as EN 16931 BT-33 carries it (CSA art. 2:20 mention)
COOP_LEGAL_FORM = "SC/CV (société coopérative / coöperatieve vennootschap)"


def next_number(session: Session, kind: DocumentKind, year: int) -> str:
    """The next number of this kind and year, taken in the caller's transaction."""
    bump = (
        update(InvoiceSequence)
        .where(InvoiceSequence.kind == kind, InvoiceSequence.year == year)
        .values(last_number=InvoiceSequence.last_number + 1)
        .returning(InvoiceSequence.last_number)
        .execution_options(synchronize_session=False)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is None:  # the first of the year: create the row (a concurrent creator may win)
        try:
            with session.begin_nested():
                session.add(InvoiceSequence(kind=kind, year=year, last_number=1))
            value = 1
        except IntegrityError:
            value = session.execute(bump).scalar_one()
    return einvoice.document_number(kind, year, value)


# --------------------------------------------------------------------------- parties


def seller_party(settings: Settings) -> PartyFacts:
    """The cooperative as the invoices name it (address "street, postcode city")."""
    street, _, place = settings.coop_address.rpartition(",")
    postcode, _, city = place.strip().partition(" ")
    number = settings.coop_enterprise_number
    return PartyFacts(
        name=settings.coop_name,
        street=street.strip(),
        postcode=postcode,
        city=city.strip(),
        country="BE",
        vat_number=settings.resolved_coop_vat_number(),
        enterprise_number=number,
        email=settings.coop_invoice_email,
        legal_form=COOP_LEGAL_FORM,
        peppol_scheme="0208",
        peppol_id=number,
    )


def compact_number(value: str | None) -> str:
    """A VAT or enterprise number without spaces, dots, dashes or slashes, upper case."""
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def invoice_client(client: Client) -> InvoiceClient:
    return InvoiceClient(
        client.kind, client.country, compact_number(client.vat_number), client.peppol_participant
    )


def buyer_party(client: Client) -> PartyFacts:
    """The client with its identifiers and Peppol endpoint (its own, else its enterprise number)."""
    enterprise = compact_number(client.enterprise_number)
    vat = compact_number(client.vat_number)
    scheme, endpoint = "", ""
    if client.peppol_scheme and client.peppol_id:
        scheme, endpoint = client.peppol_scheme, client.peppol_id
    elif client.country == "BE" and client.kind is ClientKind.COMPANY and (enterprise or vat):
        scheme, endpoint = einvoice.belgian_endpoint(enterprise, vat)
    return PartyFacts(
        name=client.name,
        street=client.street,
        postcode=client.postcode,
        city=client.city,
        country=client.country,
        vat_number=vat,
        enterprise_number=enterprise if client.country == "BE" else "",
        email=client.email,
        peppol_scheme=scheme,
        peppol_id=endpoint,
    )


def decide_form(client: Client, declared: VatRegime) -> tuple[FormDecision, VatRegime]:
    """The invoice form and the VAT regime actually invoiced (EU business: reverse charge)."""
    decision = einvoice.invoice_form(invoice_client(client), declared)
    return decision, einvoice.regime_for(decision.treatment, declared)


# --------------------------------------------------------------------------- facts


def contract_invoice_facts(
    inv: Invoice,
    client: Client,
    declaration: ContractDeclaration,
    declaration_id: int,
    settings: Settings | None = None,
    credit: CreditNote | None = None,
) -> InvoiceFacts:
    """The facts of an invoice (or of one of its credit notes) from their records."""
    settings = settings or get_settings()
    net = credit.net_cents if credit is not None else inv.net_cents
    facts = einvoice.contract_invoice(
        ContractInvoiceInput(
            kind=DocumentKind.CREDIT_NOTE if credit is not None else DocumentKind.INVOICE,
            number=credit.number if credit is not None else inv.number or "",
            issue_date=credit.issued_on if credit is not None else inv.issued_on,
            due_date=inv.due_on,
            language=client.language.value,
            seller=seller_party(settings),
            buyer=buyer_party(client),
            client=invoice_client(client),
            declared_regime=inv.vat_regime,
            function=declaration.function,
            description=declaration.description,
            work_days=tuple(declaration.work_days),
            net_cents=net,
            iban=settings.coop_iban,
            bic=settings.coop_bic,
            structured_communication=invoice_structured_communication(declaration_id),
            buyer_reference=job_reference(declaration_id),
            billing_reference=(inv.number or "") if credit is not None else "",
            billing_reference_date=inv.issued_on if credit is not None else None,
        ),
        get_statutes().contracts,
    )
    if credit is not None and credit.reason:
        facts = replace(facts, notes=(*facts.notes, credit.reason))
    return facts


@dataclass(frozen=True)
class InvoiceRecords:
    invoice: Invoice
    client: Client
    declaration: Declaration


def records(session: Session, declaration_id: int) -> InvoiceRecords:
    row = session.execute(
        select(Invoice, Client, Declaration)
        .join(Client, Client.id == Invoice.client_id)
        .join(Declaration, Declaration.id == Invoice.declaration_id)
        .where(Invoice.declaration_id == declaration_id)
    ).first()
    if row is None:
        raise NotFound(f"contract {declaration_id} has no invoice", field="declaration_id")
    return InvoiceRecords(*row)


def invoice_facts(session: Session, declaration_id: int) -> InvoiceFacts:
    r = records(session, declaration_id)
    facts = ContractDeclaration.model_validate(r.declaration.facts)
    return contract_invoice_facts(r.invoice, r.client, facts, r.declaration.id)


def credit_note_facts(session: Session, number: str) -> InvoiceFacts:
    credit = session.scalar(select(CreditNote).where(CreditNote.number == number))
    if credit is None:
        raise NotFound(f"there is no credit note {number}", field="number")
    r = records(session, credit.declaration_id)
    facts = ContractDeclaration.model_validate(r.declaration.facts)
    return contract_invoice_facts(r.invoice, r.client, facts, r.declaration.id, credit=credit)


# --------------------------------------------------------------------------- credit notes


def issue_credit_note(
    session: Session,
    inv: Invoice,
    net_cents: int,
    reason: str,
    actor: Actor,
    member_id: int,
    now: datetime | None = None,
) -> str:
    """A credit note on `inv` for `net_cents` excl. VAT, numbered in the caller's transaction;
    returns its number. A part has its VAT from the invoice's rule; the last part takes exactly
    what is left, so the credit notes of an invoice never add up to more or less than it."""
    now = now or utcnow()
    previous = session.execute(
        select(CreditNote.net_cents, CreditNote.vat_cents, CreditNote.total_cents).where(
            CreditNote.invoice_id == inv.id
        )
    ).all()
    left_net = inv.net_cents - sum(p.net_cents for p in previous)
    einvoice.check_credit(net_cents, left_net, inv.number)
    if net_cents == left_net:  # the last credit takes exactly what is left: the sum is the invoice
        vat = inv.vat_cents - sum(p.vat_cents for p in previous)
        total = inv.total_cents - sum(p.total_cents for p in previous)
    else:
        amounts = invoice_amounts(net_cents, inv.vat_regime, get_statutes().contracts)
        vat, total = amounts.vat_cents, amounts.total_cents
    issued_on = brussels_date(now)
    credit = CreditNote(
        number=next_number(session, DocumentKind.CREDIT_NOTE, issued_on.year),
        invoice_id=inv.id,
        declaration_id=inv.declaration_id,
        client_id=inv.client_id,
        issued_on=issued_on,
        net_cents=net_cents,
        vat_regime=inv.vat_regime,
        vat_rate_bp=inv.vat_rate_bp,
        vat_cents=vat,
        total_cents=total,
        reason=reason,
    )
    session.add(credit)
    inv.credited_cents += total
    _mail_credit_note(session, inv, credit)
    TimelineRepository(session).record(
        actor=actor,
        action="credit_note_issued",
        subject_type=SUBJECT,
        subject_id=inv.declaration_id,
        member_id=member_id,
        details={"credit_note": credit.number, "invoice": inv.number, "total_cents": total},
    )
    return credit.number


def _mail_credit_note(session: Session, inv: Invoice, credit: CreditNote) -> None:
    """The client receives the credit note's PDF (for a Peppol client: the visual copy)."""
    client = session.get(Client, inv.client_id)
    declaration = session.get(Declaration, inv.declaration_id)
    assert client is not None and declaration is not None
    outbox.enqueue(
        session,
        key=mail_keys.contract_credit_note(inv.declaration_id, credit.number),
        to=client.email,
        template="contract_credit_note",
        language=client.language,
        attachment_keys=[credit_note_key(inv.declaration_id, credit.number)],
        context={
            "name": client.name,
            "number": credit.number,
            "issued_on": credit.issued_on.isoformat(),
            "invoice_number": inv.number,
            "total_cents": credit.total_cents,
            "declaration_id": inv.declaration_id,
            "function": declaration.function,
            "reason": credit.reason,
        },
    )


def credit_cancelled_contract(
    session: Session, declaration_id: int, reason: str, actor: Actor, member_id: int
) -> list[str]:
    """The cancellation of an approved contract credits what its invoice still asks."""
    numbers = []
    for inv in session.scalars(select(Invoice).where(Invoice.declaration_id == declaration_id)):
        credited = sum(
            session.scalars(select(CreditNote.net_cents).where(CreditNote.invoice_id == inv.id))
        )
        if inv.number and inv.net_cents > credited:
            numbers.append(
                issue_credit_note(session, inv, inv.net_cents - credited, reason, actor, member_id)
            )
    return numbers


def correct_invoice_amount(
    uow: UnitOfWork, declaration_id: int, new_net_cents: int, reason: str, staff: str
) -> str:
    """A lower amount than invoiced: a credit note for the difference (a higher one needs a
    new declaration: an invoice once issued is never changed). Returns the credit note number."""
    session = uow.session
    r = records(session, declaration_id)
    if not reason.strip():
        raise ReasonMissing("give the reason the client will read", field="reason")
    if r.invoice.status == InvoiceStatus.VOID:
        raise InvalidTransition(f"invoice {r.invoice.number} is void", field="declaration_id")
    credited = sum(
        session.scalars(select(CreditNote.net_cents).where(CreditNote.invoice_id == r.invoice.id))
    )
    invoiced = r.invoice.net_cents - credited
    einvoice.check_corrected_amount(new_net_cents, invoiced)
    number = issue_credit_note(
        session,
        r.invoice,
        invoiced - new_net_cents,
        reason,
        Actor.staff(staff),
        r.declaration.member_id,
    )
    uow.commit()
    return number


# --------------------------------------------------------------------------- credit note papers


def credit_note_key(declaration_id: int, number: str) -> str:
    """The archived PDF/.docx of a credit note (not under `doc:contract:<id>:`, the prefix that
    counts a contract's three documents)."""
    return f"doc:contract-credit-note:{declaration_id}:{number}"


@dataclass(frozen=True)
class CreditNotePaper:
    number: str
    declaration_id: int
    member_id: int
    language: Language
    key: str
    facts: InvoiceFacts
    declaration: ContractDeclaration


def credit_notes_to_document(session: Session, limit: int = 500) -> list[CreditNotePaper]:
    """Credit notes whose PDF/.docx is not archived yet, with their facts."""
    rows = session.execute(
        select(CreditNote, Invoice, Client, Declaration)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Client, Client.id == CreditNote.client_id)
        .join(Declaration, Declaration.id == CreditNote.declaration_id)
        .order_by(CreditNote.id)
    ).all()
    keys = {credit_note_key(d.id, cn.number) for cn, _, _, d in rows}
    done = set(
        session.scalars(select(Document.idempotency_key).where(Document.idempotency_key.in_(keys)))
    )
    papers = []
    for cn, inv, client, d in rows:
        key = credit_note_key(d.id, cn.number)
        if key in done:
            continue
        facts = ContractDeclaration.model_validate(d.facts)
        papers.append(
            CreditNotePaper(
                cn.number,
                d.id,
                d.member_id,
                client.language,
                key,
                contract_invoice_facts(inv, client, facts, d.id, credit=cn),
                facts,
            )
        )
        if len(papers) >= limit:
            break
    return papers


def credit_notes_of(session: Session, invoice_id: int) -> list[tuple[str, int]]:
    """(number, total) of an invoice's credit notes, in order."""
    rows = session.execute(
        select(CreditNote.number, CreditNote.total_cents)
        .where(CreditNote.invoice_id == invoice_id)
        .order_by(CreditNote.id)
    )
    return [(number, total) for number, total in rows]
