"""Contract tasks: each opens a unit of work and calls one service, or renders a batch."""

from __future__ import annotations

import logging
from datetime import datetime

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from documents import mass_pdf
from documents.contexts import Coop
from documents.contract_papers import requests_for
from governance.clock import business_today
from governance.contracts.rules.contracts import ContractDeclaration
from governance.contracts.rules.staff_decisions import (
    DecisionAction,
    ReasonMissing,
    SameApproverTwice,
)
from governance.contracts.use_cases import (
    contract_changes,
    contract_checks,
    contract_decisions,
    contract_paperwork,
    contracts,
)
from governance.contracts.use_cases.contracts import DeclarationView
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import DocumentFormat
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import documents as document_service
from tasks.common import IO_RETRIES, report_not_pdf
from tasks.documents import produce, produce_fast_report


@task(name="submit-contract", **IO_RETRIES)
def submit_contract(declaration: ContractDeclaration, staff: str = "member") -> int:
    """Record the declaration (idempotent by its external_ref, else by the flow run: a run that
    resumes from the top after a suspension finds its declaration again)."""
    actor = Actor.staff(staff) if staff != "member" else Actor.system("declaration-form")
    run_id = flow_run.get_id()
    if declaration.external_ref is None and run_id:
        declaration = declaration.model_copy(update={"external_ref": f"run-{run_id}"})
    with UnitOfWork() as uow:
        return contracts.submit_declaration(uow, declaration, actor)


@task(name="check-contracts", **IO_RETRIES)
def check_contracts(
    declaration_ids: list[int], now: datetime | None = None
) -> list[DeclarationView]:
    """Run the checks on a chunk and route each declaration; already checked ones are unchanged."""
    with UnitOfWork() as uow:
        return contract_checks.check_declarations(uow, declaration_ids, now)


def _table(view: DeclarationView) -> list[dict[str, str]]:
    return [{"check": c.code, "result": c.outcome.upper(), "why": c.sentence} for c in view.checks]


@task(name="publish-contract-checks")
def publish_checks(view: DeclarationView) -> None:
    """The check results as a table staff see on the flow run."""
    create_table_artifact(
        key=f"contract-{view.id}-checks",
        table=_table(view),
        description=(
            f"Contract declaration {view.id} (revision {view.revision}): {view.status.value}; "
            f"{view.required_approvals} staff approval(s) needed."
        ),
    )


@task(name="open-contract-decision", **IO_RETRIES)
def open_contract_decision(declaration_id: int) -> DecisionView | None:
    """The decision awaited now (opened once), with the facts for staff as a markdown artifact."""
    run_id = str(flow_run.get_id() or "") or None
    with UnitOfWork() as uow:
        request = contract_decisions.pending_decision(uow, declaration_id, run_id)
        view = contracts.view(uow.session, declaration_id)
    if request is not None and request.decision is None:
        lines = "\n".join(f"| {c.code} | {c.outcome.upper()} | {c.sentence} |" for c in view.checks)
        create_markdown_artifact(
            key=f"contract-{declaration_id}-decision",
            markdown=(
                f"## {request.question}\n\nApprovals so far: "
                f"{', '.join(view.approvers) or 'none'} (needed: {view.required_approvals}).\n\n"
                f"| check | result | why |\n|---|---|---|\n{lines}\n\n"
                "Answer in the form: approve, reject (with the reason the member reads) or "
                "correct (ask the member to correct the declaration)."
            ),
            description=f"Decision {request.key}",
        )
    return request


@task(name="record-contract-decision", **IO_RETRIES)
def record_contract_decision(
    declaration_id: int, action: DecisionAction, staff: str, reason: str = ""
) -> tuple[DeclarationView | None, str]:
    """Apply a staff answer; a refused answer (same approver twice, no reason) is counted and
    reported back so the flow asks again."""
    try:
        with UnitOfWork() as uow:
            return contract_decisions.decide(uow, declaration_id, action, staff, reason), ""
    except (SameApproverTwice, ReasonMissing, InvalidTransition) as exc:
        logging.getLogger(__name__).warning("decision refused: %s", exc)
        with UnitOfWork() as uow:
            contract_decisions.note_refused_input(uow, declaration_id, staff, str(exc))
        return None, str(exc)


@task(name="contract-status", **IO_RETRIES)
def contract_status(declaration_id: int) -> DeclarationView:
    with UnitOfWork() as uow:
        return contracts.view(uow.session, declaration_id)


@task(name="produce-contract-documents", **IO_RETRIES)
def produce_contract_documents(
    declaration_ids: list[int], fast: bool = False, parallel: bool = True
) -> int:
    """The three documents of each approved contract (re-runs produce only what is missing)."""
    return produce_contract_documents_counted.fn(declaration_ids, fast, parallel)["documents"]


@task(name="produce-contract-documents-counted", **IO_RETRIES)
def produce_contract_documents_counted(
    declaration_ids: list[int], fast: bool = True, parallel: bool = True
) -> dict[str, int]:
    """The documents made now, and how many of them stay DOCX (no checked PDF: logged)."""
    with UnitOfWork() as uow:
        papers = contract_paperwork.paperwork(uow.session, declaration_ids)
        coop = Coop.from_settings(uow.settings)
    today = business_today()
    requests = [r for p in papers for r in requests_for(p, coop, today)]
    if not fast:
        return {"documents": produce(requests), "not_pdf": 0}
    report = produce_fast_report(requests, parallel=parallel)
    return {
        "documents": report.added,
        "not_pdf": report_not_pdf("contract document", report.not_pdf),
    }


@task(name="contract-documents-archived", **IO_RETRIES)
def contract_documents_archived(declaration_ids: list[int]) -> dict[str, int]:
    """The documents archived for these declarations, and how many are DOCX though PDF was
    wanted (what the batch's parts made on the workers)."""
    with UnitOfWork() as uow:
        formats = document_service.formats_for_subjects(
            uow.session, "contract", [str(i) for i in declaration_ids]
        )
        pdf_wanted = mass_pdf.wanted(uow.settings)
    return {
        "documents": sum(formats.values()),
        "not_pdf": formats.get(DocumentFormat.DOCX, 0) if pdf_wanted else 0,
    }


@task(name="send-contract-reminders", **IO_RETRIES)
def send_contract_reminders(now: datetime | None = None) -> int:
    with UnitOfWork() as uow:
        return contract_paperwork.send_decision_reminders(uow, now)


@task(name="list-pending-contracts", **IO_RETRIES)
def list_pending_contracts(limit: int | None = None) -> list[int]:
    with UnitOfWork() as uow:
        return contracts.pending_ids(uow.session, limit)


@task(name="list-undocumented-contracts", **IO_RETRIES)
def list_undocumented_contracts(limit: int | None = None) -> list[int]:
    """Approved declarations still missing a document (a previous batch was interrupted)."""
    with UnitOfWork() as uow:
        return contracts.undocumented_ids(uow.session, limit)


@task(name="cancel-contract", **IO_RETRIES)
def cancel_contract(declaration_id: int, staff: str, reason: str) -> DeclarationView:
    with UnitOfWork() as uow:
        return contract_changes.cancel_declaration(uow, declaration_id, staff, reason)
