"""contract-batch: every pending declaration of the day, checked in bulk and documented in chunks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from prefect import flow
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.restarts import Restarts, note_restart
from governance.config import get_settings
from governance.kernel.rules import mail_keys
from governance.placeholders import require_ready
from tasks.contracts import (
    check_contracts,
    contract_documents_archived,
    list_pending_contracts,
    list_undocumented_contracts,
    produce_contract_documents_counted,
)
from tasks.fanout import Part, fan_out
from tasks.invoices import issue_einvoices, send_einvoices
from tasks.mail import deliver_outbox
from tasks.runs import dated


class BatchParameters(PaperForm):
    chunk_size: int = Field(
        250,
        ge=10,
        le=1000,
        title="Declarations per task",
        description="A task checks and documents one chunk (never one task per document)",
    )
    limit: int | None = Field(
        None, ge=1, title="At most", description="Empty: every pending declaration"
    )
    deliver_mail: bool = Field(
        True, title="Send the e-mails", description="Deliver the outbox at the end"
    )
    now: datetime | None = Field(
        None, title="As at", description="Empty: now (tests and replays give a moment)"
    )


FORM = titled("Batch settings", "Defaults suit the daily run")
PARTS = "contract-batch-part/contract-batch-part"


def document_here(parts: list[Mapping[str, Any]]) -> None:
    """Without workers to spread over: every part in this process, in parallel threads."""
    futures = [
        produce_contract_documents_counted.submit(p["declaration_ids"], fast=True) for p in parts
    ]
    for future in futures:
        future.result()


@flow(name="contract-batch", flow_run_name=dated("contract batch"), log_prints=True)
def contract_batch(
    params: Annotated[BatchParameters, FORM] = BatchParameters(), restarts: Restarts = 0
) -> dict[str, int]:
    """Checks per chunk, then the documents in parts spread over the workers, then mail."""
    require_ready(
        get_settings(), "produce and mail a batch of contracts"
    )  # production: no placeholder settings
    note_restart(restarts)
    ids = list_pending_contracts(params.limit)
    size = params.chunk_size
    progress: UUID = create_progress_artifact(0.0, description=f"{len(ids)} pending")  # type: ignore[assignment]
    counts: dict[str, int] = {"pending": len(ids)}
    for start in range(0, len(ids), size):
        for view in check_contracts(ids[start : start + size], params.now):
            counts[view.status.value] = counts.get(view.status.value, 0) + 1
        update_progress_artifact(progress, 50.0 * min(start + size, len(ids)) / len(ids))
    # the approved ones, with those a stopped batch approved but did not document yet
    todo = list_undocumented_contracts(params.limit)
    parts = [
        Part(f"declarations {todo[i]}…", {"declaration_ids": todo[i : i + size]})
        for i in range(0, len(todo), size)
    ]
    spread = fan_out(PARTS, parts, document_here, label="contract documents")
    made = contract_documents_archived(todo)
    counts["documents"], counts["left as DOCX"] = made["documents"], made["not_pdf"]
    counts.update({f"parts run by {w}": n for w, n in spread.share().items()})
    update_progress_artifact(progress, 90.0)
    # Peppol UBL for business clients: validated (or held for staff), then to the access point
    counts["e-invoices held"] = issue_einvoices().get("held", 0)
    counts["e-invoices submitted"] = send_einvoices()["submitted"]
    if params.deliver_mail:
        counts["e-mails sent"] = deliver_outbox(keys_prefix=mail_keys.contracts())["sent"]
    update_progress_artifact(progress, 100.0)
    create_markdown_artifact(
        key="contract-batch-summary",
        markdown="## Contract batch\n\n| outcome | count |\n|---|---|\n"
        + "\n".join(f"| {k} | {v} |" for k, v in counts.items()),
        description="Daily contract batch: outcomes and documents",
    )
    return counts
