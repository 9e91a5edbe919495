"""`coop register …`, `coop payments import`, `coop import register`, `coop shares …`:
the share register for staff (calls services and tasks, never SQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import typer
from rich.console import Console

from coopflow_cli.show import euros
from coopflow_cli.staff_auth import code_option, verified_login
from governance.clock import business_today
from governance.kernel.rules.enums import Language
from governance.kernel.rules.staff import DecisionKind

register_app = typer.Typer(help="The share register.", no_args_is_help=True)
payments_app = typer.Typer(help="Payments received for shares.", no_args_is_help=True)
import_app = typer.Typer(help="Take over records from another system.", no_args_is_help=True)
shares_app = typer.Typer(help="Share subscriptions: staff answers.", no_args_is_help=True)
console = Console()


def attach(app: typer.Typer) -> None:
    """Register these command groups on the main `coop` application."""
    app.add_typer(register_app, name="register")
    app.add_typer(payments_app, name="payments")
    app.add_typer(import_app, name="import")
    app.add_typer(shares_app, name="shares")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


@register_app.command("verify")
def verify() -> None:
    """Walk the hash chain; report the first tampered entry (exit 1) or OK."""
    from governance.db.repositories import register
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        report = register.verify(uow.session)
    if not report.ok:
        raise _fail(f"TAMPERED: {report.problem} ({report.entries} entries checked before it)")
    console.print(f"OK: {report.entries} entries, chain intact, holdings match")


@register_app.command("export")
def export(
    as_at: str | None = typer.Option(
        None, "--as-at", help="YYYY-MM-DD (default: today in Brussels, when the command runs)"
    ),
    share_class: str = typer.Option(None, "--class", help="One class only (default: all)"),
    language: Language = typer.Option(Language.FR, help="Language of the document"),
    out: Path = typer.Option(Path("var/exports"), help="Folder for the files"),
    document: bool = typer.Option(True, help="Also the document (docx/pdf); XLSX always"),
) -> None:
    """The legal register as at DATE (CSA 6:24), as XLSX and as a document."""
    from governance.kernel.rules.errors import RuleViolation
    from tasks.share_register import export_register

    try:
        day = date.fromisoformat(as_at) if as_at else business_today()
        files = export_register.fn(day, str(out), share_class, language, document)
    except ValueError as exc:
        raise _fail(f"--as-at: {exc}") from None
    except RuleViolation as exc:
        raise _fail(str(exc)) from None
    for path in files:
        console.print(path)


@payments_app.command("import")
def payments_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import a camt.053 statement: exact payments issue shares, others become reviews."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases import payments

    try:
        payments.check_file_size(file.stat().st_size)
        with UnitOfWork() as uow:
            report = payments.import_bank_statement(
                uow, file.read_bytes(), actor=Actor.staff(_login())
            )
    except RuleViolation as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"{report.credits} credit(s): {report.exact} exact (shares issued), {report.under} "
        f"under, {report.over} over, {report.unknown} unknown, {report.not_awaiting} on "
        f"settled subscriptions, {report.duplicates} already imported, {report.reversals} "
        f"reversal(s) for staff, {report.ignored} ignored"
    )
    for key in report.review_keys:
        console.print(f"  review: {key}")


@payments_app.command("reversal-handled")
def reversal_handled(
    key: str = typer.Argument(..., help="The review key (coop inbox, bank-reversal-review:...)"),
    staff: str = typer.Option(..., help="Your login (a register keeper)"),
    note: str = typer.Option(..., help="What was done (member asked to pay again, ...)"),
    code: str | None = code_option(),
) -> None:
    """Close a bank reversal put in front of staff, saying what was done about it."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases import reversals

    staff = verified_login(staff, code, DecisionKind.REVERSAL_REVIEW, key)
    try:
        with UnitOfWork() as uow:
            reversals.mark_handled(uow, key=key, staff=staff, note=note)
    except RuleViolation as exc:
        raise _fail(str(exc)) from None
    console.print(f"{key}: handled by {staff}")


@import_app.command("register")
def import_register(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, UTF-8"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report only"),
) -> None:
    """Take over a register from CSV: all or nothing, every error as `line N: column: …`."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.register.rules.register_import import RegisterImportRejected
    from governance.register.use_cases import register_import

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _fail("line 1: (file): the file is not UTF-8 text") from None
    try:
        with UnitOfWork() as uow:
            summary = register_import.take_over_register(
                uow, text, actor=Actor.staff(_login()), dry_run=dry_run
            )
    except RegisterImportRejected as exc:
        for problem in exc.problems:
            console.print(str(problem), markup=False, highlight=False)
        raise _fail(f"{len(exc.problems)} error(s): nothing was imported") from None
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{verb} {summary.rows} row(s): {summary.members} member(s), {summary.subscriptions} "
        f"subscription(s), issued shares {summary.issued_shares}, "
        f"{summary.awaiting_payment} awaiting payment"
        + (
            ""
            if dry_run
            else f"; register entries {summary.first_sequence}-{summary.last_sequence}"
        )
    )


@shares_app.command("confirm-payment")
def confirm_payment(
    subscription: int = typer.Argument(...),
    amount_cents: int = typer.Option(..., help="What the statement shows, in cents"),
    paid_on: str = typer.Option(..., help="YYYY-MM-DD"),
    staff: str = typer.Option(..., help="Your login"),
    bank_reference: str = typer.Option(None),
    code: str | None = code_option(),
) -> None:
    """Answer a waiting subscription: the payment arrived (a running flow picks it up)."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases import unpaid_subscriptions

    staff = verified_login(
        staff, code, DecisionKind.PAYMENT_CONFIRMATION, f"share-payment-confirmation:{subscription}"
    )

    try:
        with UnitOfWork() as uow:
            status = unpaid_subscriptions.confirm_payment(
                uow,
                subscription_id=subscription,
                amount_cents=amount_cents,
                paid_on=date.fromisoformat(paid_on),
                bank_reference=bank_reference,
                staff=staff,
            )
    except (RuleViolation, ValueError) as exc:
        raise _fail(str(exc)) from None
    console.print(f"subscription {subscription}: {status}")


@shares_app.command("review")
def review(
    payment: int = typer.Argument(..., help="Payment id (from the review item)"),
    decision: Literal["apply", "refund"] = typer.Argument(
        ..., help="apply: count the money on the subscription; refund: send it back"
    ),
    staff: str = typer.Option(..., help="Your login"),
    subscription: int = typer.Option(None, help="For an unknown payment: the subscription"),
    code: str | None = code_option(),
) -> None:
    """Decide on a held payment (under, over or unknown)."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases import share_payments

    staff = verified_login(
        staff, code, DecisionKind.PAYMENT_REVIEW, f"share-payment-review:{payment}"
    )

    try:
        with UnitOfWork() as uow:
            outcome = share_payments.settle_held_payment(
                uow,
                payment_id=payment,
                decision=share_payments.ReviewDecision(decision),
                staff=staff,
                subscription_id=subscription,
            )
    except (RuleViolation, ValueError) as exc:
        raise _fail(str(exc)) from None
    console.print(f"payment {payment}: {decision}; shares issued: {outcome.issued}")


@shares_app.command("refunds")
def refunds_waiting() -> None:
    """Refunds waiting for an account number (the others go in the daily SEPA batch)."""
    from governance.db.uow import UnitOfWork
    from governance.register.use_cases import refunds

    with UnitOfWork() as uow:
        rows = refunds.waiting_for_iban(uow.session)
        for r in rows:
            console.print(
                f"refund {r.id}: {euros(r.amount_cents)} to {r.name} ({r.reason}, "
                f"member {r.member_id or '-'}): give the IBAN with `coop shares refund-iban {r.id}`"
            )
    if not rows:
        console.print("no refund waits for an account number")


@shares_app.command("refund-iban")
def refund_iban(
    refund: int = typer.Argument(..., help="Refund id (from `coop shares refunds`)"),
    iban: str = typer.Argument(..., help="The account to pay back"),
    staff: str = typer.Option(..., help="Your login (a register keeper)"),
    code: str | None = code_option(),
) -> None:
    """Give the account of a refund that has none; the next SEPA batch pays it."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases import refunds

    staff = verified_login(staff, code, DecisionKind.REFUND_ACCOUNT, f"refund:{refund}")

    try:
        with UnitOfWork() as uow:
            given = refunds.give_iban(uow, refund, iban, staff)
        done = f"refund {refund}: due, {euros(given.amount_cents)} to {given.iban}"
    except RuleViolation as exc:
        raise _fail(str(exc)) from None
    console.print(done)


def _login() -> str:
    import getpass

    return getpass.getuser() or "staff"
