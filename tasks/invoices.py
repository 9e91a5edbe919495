"""E-invoice tasks: issue (papers, UBL, validation) and send (outbox folder, reports).

`issue` renders the missing credit-note documents, builds each pending UBL from its invoice facts
(embedding the archived PDF when there is one), validates it against the project's rule set,
archives it and records the outcome (ready, or held for staff). `send` hands the ready ones to a
`PeppolSender` once each and records the access point's reports. Both are safe to run again.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from prefect import task

from documents import archive, einvoices
from documents.contexts import Coop
from documents.contract_papers import invoice_document, job_for
from documents.peppol import PeppolSender, SendingRefused
from documents.produce import DocumentRequest
from governance.clock import business_today
from governance.config import Settings, get_settings
from governance.contracts.rules.einvoice import DocumentKind, EInvoiceStatus
from governance.contracts.use_cases import einvoicing, invoicing
from governance.db.uow import UnitOfWork
from tasks.common import IO_RETRIES
from tasks.documents import produce

log = logging.getLogger(__name__)


@task(name="issue-einvoices", **IO_RETRIES)
def issue_einvoices(chunk: int = 500) -> dict[str, int]:
    """Credit-note papers, then each pending Peppol UBL built, validated and recorded (held
    for staff when a rule fails)."""
    return issue(chunk=chunk)


@task(name="send-einvoices", **IO_RETRIES)
def send_einvoices() -> dict[str, int]:
    """Every validated e-invoice handed to the access point once; its reports recorded."""
    return send()


def credit_note_papers(settings: Settings, today: date, limit: int = 500) -> int:
    """The PDF/.docx of every credit note still without one (same facts as its UBL)."""
    with UnitOfWork(settings) as uow:
        papers = invoicing.credit_notes_to_document(uow.session, limit)
    coop = Coop.from_settings(settings)
    requests = [
        DocumentRequest(
            p.key,
            "credit_note",
            p.language,
            invoice_document(p.facts, coop, today, job_for(p.declaration_id, p.declaration)),
            einvoices.CREDIT_NOTE_SUBJECT,  # never voided with its contract's papers
            str(p.declaration_id),
            p.member_id,
        )
        for p in papers
    ]
    return produce(requests, settings) if requests else 0


def issue(
    settings: Settings | None = None, today: date | None = None, chunk: int = 500
) -> dict[str, int]:
    """Credit-note papers, then every pending UBL, a chunk per transaction, until none is left
    (a recorded document, ready or held, is no longer pending)."""
    settings = settings or get_settings()
    totals = {"credit note papers": 0, "ready": 0, "held": 0}
    while True:
        counts = issue_chunk(settings, today or business_today(), chunk)
        for key, value in counts.items():
            totals[key] += value
        if counts["ready"] + counts["held"] < chunk:
            return totals


def issue_chunk(settings: Settings, today: date, limit: int) -> dict[str, int]:
    """Up to `limit` pending UBL built, validated, archived and recorded in one transaction."""
    papers = credit_note_papers(settings, today, limit)
    place = archive.Place.of(settings)
    with UnitOfWork(settings) as uow:
        pending = einvoicing.to_issue(uow.session, limit)
        pdfs = einvoicing.pdf_paths(uow.session, [p.pdf_key for p in pending])
        facts = [
            invoicing.invoice_facts(uow.session, p.declaration_id)
            if p.kind is DocumentKind.INVOICE
            else invoicing.credit_note_facts(uow.session, p.number)
            for p in pending
        ]
    outcomes = []
    for item, fact in zip(pending, facts, strict=True):
        pdf = archive.read_bytes(place, pdfs[item.pdf_key]) if item.pdf_key in pdfs else None
        xml, found = einvoices.build(fact, pdf)
        stored = archive.store(
            place, f"contract/{item.declaration_id}", f"{item.number}.ubl.xml", xml
        )
        outcomes.append(
            einvoicing.Outcome(
                item.number,
                item.kind,
                item.declaration_id,
                stored.relative_path,
                stored.sha256,
                pdf is not None,
                tuple(found),
            )
        )
    with UnitOfWork(settings) as uow:
        counts = einvoicing.record_outcomes(uow, outcomes)
    return {"credit note papers": papers, **counts}


def send(sender: PeppolSender | None = None, settings: Settings | None = None) -> dict[str, int]:
    """Submit every ready e-invoice once, then record the reports that came back."""
    settings = settings or get_settings()
    sender = sender or einvoices.default_sender(settings)
    counts = {"submitted": 0, "delivered": 0, "rejected": 0, "refused": 0}
    with UnitOfWork(settings) as uow:
        ready = einvoicing.by_status(uow.session, EInvoiceStatus.READY)
        submitted = einvoicing.by_status(uow.session, EInvoiceStatus.SUBMITTED)
        sha = einvoicing.archived_sha256(uow.session, [e.number for e in ready])
    for e in ready:
        ubl = archive.read_bytes(settings, str(e.path))
        try:
            if hashlib.sha256(ubl).hexdigest() != sha[e.number]:
                raise SendingRefused(f"{e.path} changed since it was validated")
            receipt = sender.submit(e.number, ubl)
        except SendingRefused as exc:
            log.error("e-invoice %s not sent: %s", e.number, exc)
            counts["refused"] += 1
            continue
        with UnitOfWork(settings) as uow:
            einvoicing.record_status(uow, e.number, EInvoiceStatus.SUBMITTED, receipt)
        counts["submitted"] += 1
    for e in submitted:
        report = sender.delivery_report(e.number)
        if report is None:
            continue
        with UnitOfWork(settings) as uow:
            einvoicing.record_status(uow, e.number, report.status, report.detail)
        counts[report.status.value] += 1
    return counts
