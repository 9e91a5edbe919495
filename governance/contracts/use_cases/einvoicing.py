"""Structured e-invoices: which documents need one, the validation outcome (held or ready), the
sending status, and the clients' Peppol participation.

The UBL is built and validated outside the transaction (it needs the archived PDF); these use
cases record the outcome. A document that fails a rule is held for staff with the rule's id and
message as an open decision request (`coop inbox`, `coop invoices held`), and never sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.contracts.rules.einvoice import (
    DocumentKind,
    EInvoiceStatus,
    InvoiceForm,
    UnknownClient,
    check_endpoint,
)
from governance.contracts.rules.ubl_rules import RuleFailure as RuleFailure
from governance.contracts.use_cases.invoicing import compact_number, credit_note_key
from governance.db.models import Document
from governance.db.models.contracts import Client, Declaration, Invoice
from governance.db.models.invoices import CreditNote, EInvoice
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation

PROCESS = "einvoicing"
SUBJECT = "contract"
SYSTEM = Actor.system("einvoicing")


@dataclass(frozen=True)
class ToIssue:
    """A document whose UBL is still to build: its number, kind and contract."""

    number: str
    kind: DocumentKind
    declaration_id: int
    pdf_key: str  # the archived visual copy to embed, when there is a PDF under this key


def invoice_pdf_key(declaration_id: int) -> str:
    return f"doc:contract:{declaration_id}:invoice"


def to_issue(session: Session, limit: int = 500) -> list[ToIssue]:
    """Invoices and credit notes in the UBL form without an e-invoice record yet."""
    issued = select(EInvoice.document_number)
    # a cancelled contract's invoice is issued too: its number exists, its credit note follows
    invoices = session.execute(
        select(Invoice.number, Invoice.declaration_id)
        .where(
            Invoice.form == InvoiceForm.UBL_WITH_PDF_COPY,
            Invoice.number.is_not(None),
            Invoice.number.not_in(issued),
        )
        .order_by(Invoice.id)
        .limit(limit)
    ).all()
    credits = session.execute(
        select(CreditNote.number, CreditNote.declaration_id)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .where(Invoice.form == InvoiceForm.UBL_WITH_PDF_COPY, CreditNote.number.not_in(issued))
        .order_by(CreditNote.id)
        .limit(limit)
    ).all()
    return [ToIssue(str(n), DocumentKind.INVOICE, d, invoice_pdf_key(d)) for n, d in invoices] + [
        ToIssue(n, DocumentKind.CREDIT_NOTE, d, credit_note_key(d, n)) for n, d in credits
    ]


def pdf_paths(session: Session, keys: list[str]) -> dict[str, str]:
    """The archived PDFs among these document keys (the visual copies to embed)."""
    rows = session.execute(
        select(Document.idempotency_key, Document.path).where(
            Document.idempotency_key.in_(keys), Document.format == DocumentFormat.PDF
        )
    )
    return {key: path for key, path in rows}


@dataclass(frozen=True)
class Outcome:
    """What validation found for one built UBL (archived at `path`)."""

    number: str
    kind: DocumentKind
    declaration_id: int
    path: str
    sha256: str
    with_pdf: bool
    failures: tuple[RuleFailure, ...]


def hold_key(number: str) -> str:
    return f"einvoice:{number}:held"


def _member_of(session: Session, declaration_id: int) -> int | None:
    return session.scalar(select(Declaration.member_id).where(Declaration.id == declaration_id))


def record_outcomes(uow: UnitOfWork, outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Ready when every rule passes, else held for staff; a number recorded twice is a no-op
    unless it was held (a re-validation after staff corrected the data)."""
    session, now = uow.session, utcnow()
    counts = {"ready": 0, "held": 0}
    for o in outcomes:
        row = session.scalar(select(EInvoice).where(EInvoice.document_number == o.number))
        if row is not None and row.status is not EInvoiceStatus.HELD:
            continue
        member_id = _member_of(session, o.declaration_id)
        if row is None:
            row = EInvoice(document_number=o.number, kind=o.kind, declaration_id=o.declaration_id)
            row.member_id = member_id
            session.add(row)
        row.path, row.sha256, row.with_pdf, row.status_at = o.path, o.sha256, o.with_pdf, now
        row.failed_rules = [
            {"rule_id": f.rule_id, "message": f.message, "detail": f.detail} for f in o.failures
        ]
        if o.failures:
            _hold(session, row, o, member_id)
            counts["held"] += 1
            continue
        if row.decision_key:  # held before, valid now: the staff question is answered
            uow.decisions.cancel(row.decision_key, "the e-invoice now passes every rule")
        row.status = EInvoiceStatus.READY
        uow.timeline.record(
            actor=SYSTEM,
            action="einvoice_validated",
            subject_type=SUBJECT,
            subject_id=o.declaration_id,
            member_id=member_id,
            details={"number": o.number, "kind": o.kind.value, "with_pdf": o.with_pdf},
        )
        counts["ready"] += 1
    uow.commit()
    return counts


def _hold(session: Session, row: EInvoice, o: Outcome, member_id: int | None) -> None:
    row.status = EInvoiceStatus.HELD
    row.decision_key = hold_key(o.number)
    listed = "; ".join(f"[{f.rule_id}] {f.message} ({f.detail})" for f in o.failures)
    DecisionRepository(session).open(
        key=row.decision_key,
        process=PROCESS,
        subject_type=SUBJECT,
        subject_id=o.declaration_id,
        member_id=member_id,
        question=f"E-invoice {o.number} held, not sent: {listed}. Correct the client or "
        f"contract data, then `coop invoices revalidate {o.number}`.",
        due_in=timedelta(hours=48),
    )
    TimelineRepository(session).record(
        actor=SYSTEM,
        action="einvoice_held",
        subject_type=SUBJECT,
        subject_id=o.declaration_id,
        member_id=member_id,
        details={"number": o.number, "rules": [f.rule_id for f in o.failures]},
    )


def release_for_revalidation(uow: UnitOfWork, number: str, staff: str) -> str:
    """Staff corrected the data: the held record is dropped so the next issuing run rebuilds,
    revalidates and records it under the same number (never a new one)."""
    session = uow.session
    row = session.scalar(select(EInvoice).where(EInvoice.document_number == number))
    if row is None:
        raise NotFound(f"there is no e-invoice {number}", field="number")
    if row.status is not EInvoiceStatus.HELD:
        raise InvalidTransition(
            f"e-invoice {number} is {row.status.value}, not held", field="number"
        )
    if row.decision_key:
        uow.decisions.cancel(row.decision_key, f"revalidation asked by {staff}")
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="einvoice_revalidation_asked",
        subject_type=SUBJECT,
        subject_id=row.declaration_id,
        member_id=row.member_id,
        details={"number": number},
    )
    session.delete(row)
    uow.commit()
    return number


# --------------------------------------------------------------------------- sending status


@dataclass(frozen=True)
class EInvoiceView:
    number: str
    kind: DocumentKind
    declaration_id: int
    status: EInvoiceStatus
    path: str | None
    with_pdf: bool
    failed_rules: tuple[str, ...]
    receipt: str | None
    delivery_report: str | None
    status_at: datetime

    @classmethod
    def of(cls, r: EInvoice) -> EInvoiceView:
        return cls(
            r.document_number,
            r.kind,
            r.declaration_id,
            r.status,
            r.path,
            r.with_pdf,
            tuple(f"[{f['rule_id']}] {f['message']} ({f['detail']})" for f in r.failed_rules),
            r.receipt,
            r.delivery_report,
            r.status_at,
        )


def by_status(session: Session, *statuses: EInvoiceStatus, limit: int = 500) -> list[EInvoiceView]:
    rows = session.scalars(
        select(EInvoice).where(EInvoice.status.in_(statuses)).order_by(EInvoice.id).limit(limit)
    )
    return [EInvoiceView.of(r) for r in rows]


def archived_sha256(session: Session, numbers: list[str]) -> dict[str, str]:
    """The hash each UBL had when it was validated (sending checks the file still has it)."""
    rows = session.execute(
        select(EInvoice.document_number, EInvoice.sha256).where(
            EInvoice.document_number.in_(numbers)
        )
    )
    return {number: sha or "" for number, sha in rows}


def of_contract(session: Session, declaration_id: int) -> list[EInvoiceView]:
    rows = session.scalars(
        select(EInvoice).where(EInvoice.declaration_id == declaration_id).order_by(EInvoice.id)
    )
    return [EInvoiceView.of(r) for r in rows]


_NEXT = {
    EInvoiceStatus.SUBMITTED: {EInvoiceStatus.READY, EInvoiceStatus.SUBMITTED},
    EInvoiceStatus.DELIVERED: {EInvoiceStatus.SUBMITTED, EInvoiceStatus.DELIVERED},
    EInvoiceStatus.REJECTED: {EInvoiceStatus.SUBMITTED, EInvoiceStatus.REJECTED},
}


def record_status(
    uow: UnitOfWork, number: str, status: EInvoiceStatus, note: str, actor: Actor = SYSTEM
) -> bool:
    """Submitted, delivered or rejected, on the contract and the member's timeline; the same
    status twice is a no-op (returns False)."""
    session = uow.session
    row = session.scalar(
        select(EInvoice).where(EInvoice.document_number == number).with_for_update()
    )
    if row is None:
        raise NotFound(f"there is no e-invoice {number}", field="number")
    if row.status is status:
        return False
    if row.status not in _NEXT[status]:
        raise InvalidTransition(
            f"e-invoice {number} is {row.status.value}: it cannot become {status.value}",
            field="status",
        )
    row.status, row.status_at = status, utcnow()
    if status is EInvoiceStatus.SUBMITTED:
        row.receipt = note[:400]
    else:
        row.delivery_report = note
    uow.timeline.record(
        actor=actor,
        action=f"einvoice_{status.value}",
        subject_type=SUBJECT,
        subject_id=row.declaration_id,
        member_id=row.member_id,
        details={"number": number, "note": note[:400]},
    )
    uow.commit()
    return True


# --------------------------------------------------------------------------- participants


def _compacted(column: Any) -> Any:
    """The stored number as typed, without its separators (portable SQL)."""
    for separator in (".", " ", "-", "/"):
        column = func.replace(column, separator, "")
    return column


def set_participant(
    uow: UnitOfWork,
    identifier: str,
    participant: bool,
    staff: str,
    scheme: str = "",
    endpoint_id: str = "",
    commit: bool = True,
) -> int:
    """Mark every client record with this enterprise or VAT number as receiving Peppol (or
    not), with its endpoint; returns how many records changed."""
    session = uow.session
    compact = compact_number(identifier)
    digits = compact[2:] if compact[:2].isalpha() else compact
    check_endpoint(participant, scheme, endpoint_id)
    clients = session.scalars(
        select(Client).where(
            (_compacted(Client.enterprise_number) == digits)
            | (func.upper(_compacted(Client.vat_number)) == compact)
        )
    ).all()
    if not clients:
        raise UnknownClient(f"no client has the number {identifier!r}", field="identifier")
    for c in clients:
        c.peppol_participant = participant
        c.peppol_scheme = scheme if participant else None
        c.peppol_id = endpoint_id.strip() if participant else None
        uow.timeline.record(
            actor=Actor.staff(staff),
            action="client_peppol_set",
            subject_type="client",
            subject_id=c.id,
            details={"participant": participant, "endpoint": f"{scheme}:{endpoint_id}"},
        )
    if commit:
        uow.commit()
    return len(clients)


def import_participants(
    uow: UnitOfWork, rows: list[tuple[str, str, str]], staff: str
) -> tuple[int, list[str]]:
    """(identifier, scheme, endpoint id) rows in one transaction: unknown clients are listed,
    any other bad row refuses the whole file (nothing half-written)."""
    changed, unknown = 0, []
    for line, (identifier, scheme, endpoint_id) in enumerate(rows, start=2):
        try:
            changed += set_participant(
                uow, identifier, True, staff, scheme, endpoint_id, commit=False
            )
        except UnknownClient:
            unknown.append(identifier)
        except RuleViolation as exc:
            raise RuleViolation(f"line {line}: {exc.message}", field=exc.field) from None
    uow.commit()
    return changed, unknown
