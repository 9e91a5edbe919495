"""`coop contracts ...`: declarations, staff decisions, cancellation, Dimona export."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Literal

import typer
from rich.console import Console
from rich.table import Table

from coopflow_cli.show import brussels
from coopflow_cli.staff_auth import ask_code, code_option, verified_login
from governance.kernel.rules.staff import DecisionKind

app = typer.Typer(help="Contract approval: declarations, decisions, Dimona.", no_args_is_help=True)
console = Console()


def _fail(exc: Exception) -> None:
    console.print(f"[red]refused:[/red] {exc}")
    raise typer.Exit(1)


@app.command("import")
def import_declarations(
    file: Path = typer.Argument(..., help="JSON list of declarations (the contract-approval form)"),
    staff: str = typer.Option(..., help="Your staff login"),
) -> None:
    """Record a batch of declarations (each line once, by its external_ref); contract-batch checks them."""
    from pydantic import TypeAdapter, ValidationError

    from governance.contracts.rules.contracts import ContractDeclaration
    from governance.contracts.use_cases import contracts
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.errors import RuleViolation

    try:
        batch = TypeAdapter(list[ContractDeclaration]).validate_json(file.read_bytes())
        with UnitOfWork() as uow:
            ids = contracts.submit_many(uow, batch, Actor.staff(staff))
    except (ValidationError, RuleViolation) as exc:
        _fail(exc)
    console.print(f"{len(ids)} declaration(s) recorded: {ids[:10]}{'…' if len(ids) > 10 else ''}")


@app.command("show")
def show(declaration_id: int) -> None:
    """A declaration's status and check results."""
    from governance.contracts.use_cases import contracts
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            view = contracts.view(uow.session, declaration_id)
    except RuleViolation as exc:
        _fail(exc)
    table = Table(title=f"Declaration {view.id} — {view.status.value} (revision {view.revision})")
    for column in ("check", "result", "why"):
        table.add_column(column)
    for line in view.checks:
        table.add_row(line.code, line.outcome.upper(), line.sentence)
    console.print(table)
    console.print(f"approvals: {', '.join(view.approvers) or 'none'} / {view.required_approvals}")
    if view.outcome_reason:
        console.print(f"reason: {view.outcome_reason}")
    from coopflow_cli.invoices import print_invoicing

    print_invoicing(declaration_id)


@app.command("inbox")
def inbox() -> None:
    """Contract decisions waiting for staff, oldest first."""
    from governance.contracts.use_cases.contract_paperwork import open_contract_requests
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        for request in open_contract_requests(uow.session):
            console.print(
                f"{request.subject_id}\tdue {brussels(request.due_at)}\t{request.question}"
            )


@app.command("decide")
def decide(
    declaration_id: int,
    action: Literal["approve", "reject", "correct"] = typer.Argument(
        ..., help="approve, reject, or correct (ask the member)"
    ),
    staff: str = typer.Option(..., help="Your staff login (four-eyes: two different logins)"),
    reason: str = typer.Option("", help="Required to reject or ask a correction"),
    code: str | None = code_option(),
) -> None:
    """Give a staff decision; a suspended contract-approval run then continues with it."""
    code = ask_code(code)
    staff = verified_login(
        staff, code, DecisionKind.CONTRACT_APPROVAL, f"contract:{declaration_id}"
    )
    from governance.contracts.rules.staff_decisions import DecisionAction
    from governance.contracts.use_cases import contract_decisions, contracts
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            before = contracts.view(uow.session, declaration_id)
            waiting = uow.decisions.find(before.decision_key)
        with UnitOfWork() as uow:
            view = contract_decisions.decide(
                uow, declaration_id, DecisionAction(action), staff, reason
            )
    except (RuleViolation, ValueError) as exc:
        _fail(exc)
    console.print(
        f"declaration {view.id}: {view.status.value} (approvals: {', '.join(view.approvers) or 'none'})"
    )
    if waiting is not None and waiting.flow_run_id:
        _resume(
            waiting.flow_run_id,
            {"action": action, "staff": staff, "reason": reason, "one_time_code": code},
        )


def _resume(flow_run_id: str, answer: dict[str, str]) -> None:
    """Wake the suspended contract-approval run (it re-reads the decision from the database)."""
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(flow_run_id), run_input=answer)
        console.print(f"flow run {flow_run_id} resumed")
    except Exception as exc:  # the run may be gone or not suspended: the decision stands anyway
        console.print(f"[yellow]flow run {flow_run_id} not resumed: {exc}[/yellow]")


@app.command("cancel")
def cancel(
    declaration_id: int,
    staff: str = typer.Option(..., help="Your staff login (a contract approver)"),
    reason: str = typer.Option(..., help="Both parties read it"),
    code: str | None = code_option(),
) -> None:
    """Cancel before the first work day: documents void, invoice void, client and member told."""
    staff = verified_login(
        staff, code, DecisionKind.CONTRACT_CANCELLATION, f"contract-cancel:{declaration_id}"
    )
    from governance.contracts.use_cases import contract_changes
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            view = contract_changes.cancel_declaration(uow, declaration_id, staff, reason)
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"declaration {view.id}: {view.status.value}")


@app.command("dimona-export")
def dimona_export(
    out: Path = typer.Option(..., help="File to write: .csv or .json"),
    staff: str = typer.Option(..., help="Your staff login (the export is logged)"),
    with_niss: bool = typer.Option(
        False, "--with-niss", help="Include the national numbers (file mode 0600)"
    ),
) -> None:
    """Every Dimona IN still to file, by deadline, as a file for the payroll officer."""
    from governance.contracts.use_cases.contract_paperwork import DimonaLine, dimona_export
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        lines = dimona_export(uow, staff, with_niss=with_niss)
    write_dimona(out, lines, DimonaLine)
    console.print(f"{len(lines)} Dimona line(s) → {out}")


def write_dimona(out: Path, lines: list, line_type: type) -> None:  # type: ignore[type-arg]
    """CSV (one line per declaration, formulas neutralised) or JSON; mode 0600 whatever file
    was there before (it may hold national numbers)."""
    from documents.private_files import write_private
    from documents.spreadsheet import csv_bytes

    if out.suffix == ".json":
        data = json.dumps([asdict(line) for line in lines], indent=2).encode()
    else:
        columns = [f.name for f in fields(line_type)]
        data = csv_bytes(columns, ([asdict(line)[c] for c in columns] for line in lines))
    write_private(out, data)
