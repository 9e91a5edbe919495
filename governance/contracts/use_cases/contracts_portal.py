"""What the member portal reads about a member's own job declarations, and the checks it
runs on a declaration before it is submitted (nothing is written).

Every query takes the member's id: a declaration of another member is not found."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from governance.clock import brussels_date
from governance.contracts.rules.contract_amounts import invoice_amounts
from governance.contracts.rules.contracts import (
    ClientFacts,
    ClientKind,
    ContractDeclaration,
    DeclarationStatus,
)
from governance.contracts.rules.declaration_checks import (
    CheckFacts,
    CheckOutcome,
    CheckResult,
    run_checks,
)
from governance.contracts.rules.einvoice import InvoiceStatus
from governance.contracts.use_cases import contracts
from governance.db.models import Document, Member
from governance.db.models.contracts import CheckRecord, Client, Declaration, Invoice
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language, Office
from governance.statutes import get_statutes

# The documents a member may download, by the name used in the portal's addresses.
DOCUMENT_KINDS = {
    "contract": "employment_contract",
    "agreement": "client_agreement",
    "invoice": "invoice",
}
EXTERNAL_REF_PREFIX = "portal:"


def external_ref_for(request_key: str) -> str:
    """The declaration's import reference made from the portal's request key (hashed: the
    column is short): submitting the same form twice finds the same declaration."""
    return EXTERNAL_REF_PREFIX + hashlib.sha256(request_key.encode()).hexdigest()[:48]


@dataclass(frozen=True)
class MemberDefaults:
    """What the declaration form starts from: the member's office and language."""

    office: Office
    language: Language


@dataclass(frozen=True)
class KnownClient:
    """A client the member declared a job for before."""

    id: int
    name: str
    city: str
    facts: ClientFacts


@dataclass(frozen=True)
class JobSummary:
    id: int
    status: DeclarationStatus
    function: str
    client_name: str
    first_day: date
    last_day: date
    days: int
    amount_excl_vat_cents: int
    gross_salary_cents: int
    submitted_at: datetime
    decided_at: datetime | None
    invoice_number: str | None
    documents: tuple[JobDocument, ...] = ()


@dataclass(frozen=True)
class JobCheck:
    code: str
    outcome: str


@dataclass(frozen=True)
class JobDocument:
    kind: str  # contract | agreement | invoice
    format: DocumentFormat


@dataclass(frozen=True)
class JobDetail:
    summary: JobSummary
    facts: ContractDeclaration
    checks: tuple[JobCheck, ...]
    reason: str  # the staff member's words (refusal, correction, cancellation), if any
    failed_checks: tuple[str, ...]  # codes of the checks that refused it
    documents: tuple[JobDocument, ...]
    external_ref: str | None


@dataclass(frozen=True)
class DocumentFile:
    relative_path: str  # in the archive: read through documents.archive.local_path
    format: DocumentFormat


def member_defaults(uow: UnitOfWork, member_id: int) -> MemberDefaults:
    member = uow.session.get(Member, member_id)
    assert member is not None
    return MemberDefaults(member.office, member.language)


def known_clients(uow: UnitOfWork, member_id: int) -> list[KnownClient]:
    """The clients of the member's earlier declarations, by name."""
    rows = uow.session.scalars(
        select(Client)
        .where(
            Client.id.in_(select(Declaration.client_id).where(Declaration.member_id == member_id))
        )
        .order_by(Client.name, Client.id)
    )
    return [KnownClient(c.id, c.name, c.city, _client_facts(c)) for c in rows]


def known_client(uow: UnitOfWork, member_id: int, client_id: int) -> ClientFacts | None:
    """One of the member's known clients (None if the member never declared a job for it)."""
    found = [c for c in known_clients(uow, member_id) if c.id == client_id]
    return found[0].facts if found else None


def _client_facts(c: Client) -> ClientFacts:
    return ClientFacts(
        kind=c.kind,
        name=c.name,
        enterprise_number=c.enterprise_number,
        vat_number=c.vat_number,
        street=c.street,
        postcode=c.postcode,
        city=c.city,
        country=c.country,
        email=c.email,
        language=c.language,
    )


def preview_checks(uow: UnitOfWork, facts: ContractDeclaration, now: datetime) -> list[CheckResult]:
    """The automatic checks as they would run on this declaration submitted now; stores nothing."""
    session = uow.session
    member = session.get(Member, facts.member_id)
    assert member is not None
    settings = get_statutes().contracts
    client_id = _existing_client_id(uow, facts.client)
    owed = _outstanding(uow, client_id) if client_id else 0
    check_facts = CheckFacts(
        declaration=facts,
        member_status=member.status,
        member_language=member.language,
        covered_years=frozenset(contracts.covered_years_for(session, member.id)),
        client_outstanding_cents=owed,
        submitted_on=brussels_date(now),
    )
    return run_checks(check_facts, settings)


def _outstanding(uow: UnitOfWork, client_id: int) -> int:
    """What the client still owes on issued invoices (as the use case's check reads it)."""
    total = uow.session.scalar(
        select(func.sum(Invoice.total_cents - Invoice.paid_cents - Invoice.credited_cents)).where(
            Invoice.client_id == client_id, Invoice.status == InvoiceStatus.ISSUED
        )
    )
    return int(total or 0)


def _existing_client_id(uow: UnitOfWork, c: ClientFacts) -> int | None:
    """The client record a submission would use (the same search as the use case)."""
    if c.kind is ClientKind.COMPANY and c.enterprise_number:
        found = uow.session.scalar(
            select(Client.id).where(Client.enterprise_number == c.enterprise_number).limit(1)
        )
        if found is not None:
            return found
    return uow.session.scalar(
        select(Client.id).where(Client.name == c.name, Client.email == c.email).limit(1)
    )


def _summary(d: Declaration, client_name: str, invoice_number: str | None) -> JobSummary:
    amounts = invoice_amounts(max(d.amount_excl_vat_cents, 0), d.vat_regime)
    return JobSummary(
        d.id,
        d.status,
        d.function,
        client_name,
        d.first_day,
        d.last_day,
        d.days_count,
        d.amount_excl_vat_cents,
        amounts.gross_salary_cents,
        d.submitted_at,
        d.decided_at or d.cancelled_at,
        invoice_number,
    )


def my_jobs(uow: UnitOfWork, member_id: int) -> list[JobSummary]:
    """The member's declarations, newest first."""
    rows = uow.session.execute(
        select(Declaration, Client.name, Invoice.number)
        .join(Client, Client.id == Declaration.client_id)
        .outerjoin(Invoice, Invoice.declaration_id == Declaration.id)
        .where(Declaration.member_id == member_id)
        .order_by(Declaration.id.desc())
    ).all()
    documents = _documents(uow, [d.id for d, _, _ in rows])
    return [
        replace(_summary(d, name, number), documents=documents[d.id]) for d, name, number in rows
    ]


def _mine(uow: UnitOfWork, member_id: int, declaration_id: int) -> Declaration | None:
    return uow.session.scalar(
        select(Declaration).where(
            Declaration.id == declaration_id, Declaration.member_id == member_id
        )
    )


def declaration_by_ref(uow: UnitOfWork, member_id: int, external_ref: str) -> int | None:
    """The member's declaration submitted under this reference, if any (a form sent twice)."""
    return uow.session.scalar(
        select(Declaration.id).where(
            Declaration.external_ref == external_ref, Declaration.member_id == member_id
        )
    )


def submit_job(uow: UnitOfWork, facts: ContractDeclaration, actor: Actor, now: datetime) -> int:
    """Submit the member's declaration once per reference: the use case finds an earlier
    one by its external_ref, and the unique reference settles two concurrent sends."""
    try:
        return contracts.submit_declaration(uow, facts, actor, now)
    except IntegrityError:
        uow.rollback()
        found = declaration_by_ref(uow, facts.member_id, facts.external_ref or "")
        if found is None:
            raise
        return found


def my_job(uow: UnitOfWork, member_id: int, declaration_id: int) -> JobDetail | None:
    """One of the member's declarations with its checks and documents (None if not theirs)."""
    d = _mine(uow, member_id, declaration_id)
    if d is None:
        return None
    session = uow.session
    client_name = session.scalar(select(Client.name).where(Client.id == d.client_id)) or ""
    invoice = session.scalar(select(Invoice.number).where(Invoice.declaration_id == d.id))
    checks = tuple(
        JobCheck(c.code.value, c.outcome.value)
        for c in session.scalars(
            select(CheckRecord)
            .where(CheckRecord.declaration_id == d.id, CheckRecord.revision == d.revision)
            .order_by(CheckRecord.id)
        )
    )
    failed = tuple(c.code for c in checks if c.outcome == CheckOutcome.FAIL.value)
    by_system = d.status is DeclarationStatus.REFUSED and bool(failed)
    return JobDetail(
        _summary(d, client_name, invoice),
        ContractDeclaration.model_validate(d.facts),
        checks,
        "" if by_system else (d.outcome_reason or ""),
        failed if by_system else (),
        _documents(uow, [d.id])[d.id],
        d.external_ref,
    )


def _documents(uow: UnitOfWork, ids: list[int]) -> dict[int, tuple[JobDocument, ...]]:
    """The archived, not voided documents of these declarations, in the portal's order."""
    keys = {i: contracts.document_keys(i) for i in ids}
    wanted = [key for per_job in keys.values() for key in per_job.values()]
    found: dict[str, DocumentFormat] = {}
    for start in range(0, len(wanted), 900):
        found.update(
            uow.session.execute(
                select(Document.idempotency_key, Document.format).where(
                    Document.idempotency_key.in_(wanted[start : start + 900]),
                    Document.voided_at.is_(None),
                )
            )
            .tuples()
            .all()
        )
    return {
        i: tuple(
            JobDocument(kind, found[keys[i][name]])
            for kind, name in DOCUMENT_KINDS.items()
            if keys[i][name] in found
        )
        for i in ids
    }


def my_job_document(
    uow: UnitOfWork, member_id: int, declaration_id: int, kind: str
) -> DocumentFile | None:
    """The archived file of one of the member's documents (None: not theirs, not there)."""
    name = DOCUMENT_KINDS.get(kind)
    if name is None or _mine(uow, member_id, declaration_id) is None:
        return None
    doc = uow.session.scalar(
        select(Document).where(
            Document.idempotency_key == contracts.document_keys(declaration_id)[name],
            Document.voided_at.is_(None),
        )
    )
    if doc is None:
        return None
    return DocumentFile(doc.path, doc.format)
