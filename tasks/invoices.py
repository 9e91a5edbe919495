"""E-invoice tasks: issue (papers, UBL, validation) and send (outbox folder, reports)."""

from __future__ import annotations

from prefect import task

from documents import einvoices
from tasks.common import IO_RETRIES


@task(name="issue-einvoices", **IO_RETRIES)
def issue_einvoices(chunk: int = 500) -> dict[str, int]:
    """Credit-note papers, then each pending Peppol UBL built, validated and recorded (held
    for staff when a rule fails)."""
    return einvoices.issue(chunk=chunk)


@task(name="send-einvoices", **IO_RETRIES)
def send_einvoices() -> dict[str, int]:
    """Every validated e-invoice handed to the access point once; its reports recorded."""
    return einvoices.send()
