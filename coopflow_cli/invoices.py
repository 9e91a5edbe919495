"""`coop invoices ...`: held e-invoices, a contract's invoicing, corrections, Peppol clients."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer
from rich.console import Console

from coopflow_cli.show import brussels
from coopflow_cli.staff_auth import code_option, verified_login
from governance.kernel.rules.staff import DecisionKind

app = typer.Typer(
    help="Client invoices: Peppol e-invoices, credit notes, clients on Peppol.",
    no_args_is_help=True,
)
console = Console()


def _fail(exc: Exception) -> None:
    console.print(f"[red]refused:[/red] {exc}")
    raise typer.Exit(1)


@app.command("held")
def held() -> None:
    """E-invoices held for staff (a rule failed): never sent until corrected and revalidated."""
    from governance.contracts.rules.einvoice import EInvoiceStatus
    from governance.contracts.use_cases import einvoicing
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        rows = einvoicing.by_status(uow.session, EInvoiceStatus.HELD)
    if not rows:
        console.print("no e-invoice is held")
        return
    for row in rows:
        console.print(f"[bold]{row.number}[/bold] (contract {row.declaration_id}) held")
        for rule in row.failed_rules:
            console.print(f"  {rule}")


def print_invoicing(declaration_id: int) -> bool:
    """The contract's invoice, credit notes and e-invoice statuses (False: no invoice)."""
    from governance.contracts.use_cases import einvoicing, invoicing
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import NotFound

    try:
        with UnitOfWork() as uow:
            inv = invoicing.records(uow.session, declaration_id).invoice
            credits = invoicing.credit_notes_of(uow.session, inv.id)
            sent = einvoicing.of_contract(uow.session, declaration_id)
            line = (
                f"invoice {inv.number} of {inv.issued_on:%d/%m/%Y}: {inv.form or 'pdf'}, "
                f"net {inv.net_cents / 100:.2f}, VAT {inv.vat_cents / 100:.2f}, "
                f"total {inv.total_cents / 100:.2f} EUR, {inv.status}"
            )
    except NotFound:
        return False
    console.print(line)
    for number, total in credits:
        console.print(f"credit note {number}: {total / 100:.2f} EUR")
    for e in sent:
        note = "; ".join(e.failed_rules) or e.delivery_report or e.receipt or ""
        console.print(f"Peppol {e.number}: {e.status.value} since {brussels(e.status_at)} {note}")
    return True


@app.command("show")
def show(declaration_id: int) -> None:
    """A contract's invoice, its credit notes and where each e-invoice stands."""
    if not print_invoicing(declaration_id):
        _fail(ValueError(f"declaration_id: contract {declaration_id} has no invoice"))


@app.command("revalidate")
def revalidate(
    number: str,
    staff: str = typer.Option(..., help="Your staff login (a contract approver)"),
    code: str | None = code_option(),
) -> None:
    """After correcting the data: build and validate a held e-invoice again (same number)."""
    staff = verified_login(staff, code, DecisionKind.CONTRACT_APPROVAL, f"einvoice:{number}")
    from governance.contracts.use_cases import einvoicing
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from tasks import invoices as einvoices

    try:
        with UnitOfWork() as uow:
            einvoicing.release_for_revalidation(uow, number, staff)
    except RuleViolation as exc:
        _fail(exc)
    counts = einvoices.issue()
    console.print(f"{number}: {counts['ready']} ready, {counts['held']} held again")


@app.command("issue")
def issue(send: bool = typer.Option(True, help="Hand the valid ones to the access point")) -> None:
    """Credit-note papers and every pending e-invoice: build, validate, then send."""
    from tasks import invoices as einvoices

    counts = einvoices.issue()
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    if send:
        sent = einvoices.send()
        console.print(", ".join(f"{k}: {v}" for k, v in sent.items()))


@app.command("correct")
def correct(
    declaration_id: int,
    amount_cents: int = typer.Option(..., help="The corrected amount excl. VAT, in cents"),
    reason: str = typer.Option(..., help="The client reads it on the credit note"),
    staff: str = typer.Option(..., help="Your staff login (a contract approver)"),
    code: str | None = code_option(),
) -> None:
    """A lower amount than invoiced: a credit note for the difference."""
    staff = verified_login(
        staff, code, DecisionKind.CONTRACT_APPROVAL, f"invoice-correction:{declaration_id}"
    )
    from governance.contracts.use_cases import invoicing
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            number = invoicing.correct_invoice_amount(
                uow, declaration_id, amount_cents, reason, staff
            )
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"credit note {number} issued (`coop invoices issue` sends it)")


@app.command("peppol-set")
def peppol_set(
    identifier: str = typer.Argument(..., help="The client's enterprise or VAT number"),
    staff: str = typer.Option(..., help="Your staff login (a contract approver)"),
    scheme: str = typer.Option("0208", help="Endpoint scheme: 0208 Belgian enterprise number"),
    endpoint: str = typer.Option("", help="Endpoint id (empty: the enterprise number)"),
    off: bool = typer.Option(False, "--off", help="The client does not receive Peppol"),
    code: str | None = code_option(),
) -> None:
    """Say whether a client receives Peppol e-invoices, and at which endpoint."""
    staff = verified_login(staff, code, DecisionKind.CONTRACT_APPROVAL, f"peppol:{identifier}")
    from governance.contracts.use_cases import einvoicing
    from governance.contracts.use_cases.invoicing import compact_number
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    endpoint = endpoint or compact_number(identifier).removeprefix("BE")
    try:
        with UnitOfWork() as uow:
            changed = einvoicing.set_participant(uow, identifier, not off, staff, scheme, endpoint)
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"{changed} client record(s) updated")


@app.command("peppol-import")
def peppol_import(
    file: Path = typer.Argument(..., help="CSV: identifier,scheme,endpoint_id (header row)"),
    staff: str = typer.Option(..., help="Your staff login (a contract approver)"),
    code: str | None = code_option(),
) -> None:
    """Mark the clients of a participants list as receiving Peppol (one transaction)."""
    staff = verified_login(
        staff, code, DecisionKind.CONTRACT_APPROVAL, f"peppol-import:{file.name}"
    )
    from governance.contracts.use_cases import einvoicing
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    reader = csv.DictReader(io.StringIO(file.read_text(encoding="utf-8-sig")))
    missing = {"identifier", "scheme", "endpoint_id"} - set(reader.fieldnames or [])
    if missing:
        _fail(ValueError(f"{file.name}: columns missing: {', '.join(sorted(missing))}"))
    rows = [(r["identifier"], r["scheme"], r["endpoint_id"]) for r in reader]
    try:
        with UnitOfWork() as uow:
            changed, unknown = einvoicing.import_participants(uow, rows, staff)
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"{changed} client record(s) on Peppol; {len(unknown)} unknown: {unknown[:10]}")
