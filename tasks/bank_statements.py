"""Bank statements kept in the database: received from the staff form, imported once."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact

from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import RuleViolation
from governance.register.rules.bank_statements import pasted_bytes
from governance.register.use_cases import bank_statements
from tasks.common import IO_RETRIES, run_log

IMPORTER = Actor.system("bank-import")
COUNTS = ("exact", "under", "over", "unknown", "duplicates", "reversals")


@task(name="receive-bank-statement", **IO_RETRIES)
def receive_bank_statement(text: str) -> dict[str, Any]:
    """Keep a pasted statement once (`{"id", "new", ...}`), or `{"problems": [...]}` naming
    what is wrong with it; nothing is stored then."""
    try:
        data = pasted_bytes(text)
        with UnitOfWork() as uow:
            received = bank_statements.receive(
                uow,
                data,
                actor=Actor.system("bank-statement-upload"),
                source="upload",
                require_entries=True,
            )
    except RuleViolation as refused:
        return {"problems": [str(refused)]}
    return asdict(received)


def new_totals() -> dict[str, Any]:
    """The counts a bank import reports (the daily run's summary reads them)."""
    return {"files": 0, **dict.fromkeys(COUNTS, 0), "issued": [], "refused": []}


def import_one(statement_id: int, totals: dict[str, Any]) -> None:
    """Import one kept statement (once), adding its counts to `totals`. A statement the
    rules now refuse (an account removed from the settings) stays kept, waits, and is named."""
    try:
        with UnitOfWork() as uow:
            report = bank_statements.import_received(uow, statement_id, actor=IMPORTER)
    except RuleViolation as exc:
        totals["refused"].append(f"statement {statement_id}: {exc.message}")
        run_log().error("bank statement %s not imported: %s", statement_id, exc.message)
        return
    if report is None:
        return
    totals["files"] += 1
    for name in COUNTS:
        totals[name] += getattr(report, name)
    totals["issued"].extend(report.issued_subscription_ids)


def import_pending(totals: dict[str, Any]) -> None:
    """Import every statement received (by either door) and not imported yet."""
    with UnitOfWork() as uow:
        waiting = bank_statements.pending(uow)
    for statement_id in waiting:
        import_one(statement_id, totals)


@task(name="import-received-statement", **IO_RETRIES)
def import_received_statement(statement_id: int) -> dict[str, Any]:
    """Import one kept statement; its counts (all zero when it was imported before)."""
    totals = new_totals()
    import_one(statement_id, totals)
    run_log().info("bank statement %s: %s", statement_id, totals)
    return totals


@task(name="explain-statement-refusal", **IO_RETRIES)
def explain_statement_refusal(problems: list[str]) -> str:
    """What is wrong with the pasted statement, on the run's page (a markdown artifact)."""
    lines = ["## Bank statement not taken in: nothing was stored", ""]
    lines += [f"- {problem}" for problem in problems]
    lines += ["", "Export the statement again from the bank (camt.053, XML) and paste all of it."]
    markdown = "\n".join(lines)
    create_markdown_artifact(markdown=markdown, key="refused-statement", description=lines[0][3:])
    return markdown
