"""The `coop` command: staff and operators' entry point (calls services, never SQL)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# the temporary server of in-process runs needs more than 20 s on a loaded machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import typer
from rich.console import Console

from coopflow_cli import assembly as assembly_cli
from coopflow_cli import backup as backup_cli
from coopflow_cli import contracts as contracts_cli
from coopflow_cli import (
    fleet,
    ops,
    transition,
)
from coopflow_cli import invoices as invoices_cli
from coopflow_cli import onboarding as onboarding_cli
from coopflow_cli import register as register_cli
from coopflow_cli import staff as staff_cli
from coopflow_cli import voting as voting_cli
from coopflow_cli.grants import app as grants_app
from coopflow_cli.keys import app as keys_app
from coopflow_cli.portal import command as portal_command

app = typer.Typer(help="coopflow: the cooperative's back office.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
outbox_app = typer.Typer(help="The e-mail outbox.", no_args_is_help=True)
templates_app = typer.Typer(help="Document templates.", no_args_is_help=True)
documents_app = typer.Typer(help="Documents as members read them.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(outbox_app, name="outbox")
app.add_typer(templates_app, name="templates")
app.add_typer(documents_app, name="documents")
app.add_typer(onboarding_cli.app, name="members")
register_cli.attach(app)  # register, payments, import, shares
register_cli.import_app.command("members")(transition.import_members)
app.add_typer(transition.app, name="transition")
app.add_typer(contracts_cli.app, name="contracts")
app.add_typer(invoices_cli.app, name="invoices")
app.add_typer(grants_app, name="grants")
app.add_typer(keys_app, name="keys")
app.add_typer(assembly_cli.app, name="assembly")
app.add_typer(staff_cli.app, name="staff")
voting_cli.register(assembly_cli.app)
app.command("ballot-web")(voting_cli.ballot_web)
app.command("portal")(portal_command.portal)
app.command("up")(ops.up)
app.command("server")(fleet.server)
app.command("worker")(fleet.worker)
app.command("deploy")(fleet.deploy)
app.command("backup")(backup_cli.backup)
app.command("restore")(backup_cli.restore)
app.command("down")(ops.down)
app.command("inbox")(ops.inbox)
console = Console()


@app.command("mail-sink")
def mail_sink(
    dir: Path = typer.Option(..., "--dir", help="Folder for the .eml files"),
    port: int = typer.Option(8025, help="Port on 127.0.0.1"),
) -> None:
    """A local SMTP server writing every message as an .eml file (Ctrl-C stops it)."""
    import signal
    import threading

    from documents.sink import MailSink

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with MailSink(dir, port=port) as sink:
        console.print(f"SMTP sink on 127.0.0.1:{sink.port} → {dir}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to COOP_DATABASE_URL."""
    from governance.config import get_settings
    from governance.db.migrate import upgrade

    url = get_settings().resolved_database_url()
    upgrade(url)
    console.print("schema up to date")


@templates_app.command("build")
def templates_build() -> None:
    """Rewrite the .docx templates from documents/template_sources."""
    from documents.authoring import build_all

    for path in build_all():
        console.print(str(path.name))


@documents_app.command("preview")
def documents_preview(
    template: str = typer.Argument(..., help="Template name, e.g. employment_contract"),
    language: str = typer.Option("fr", "--language", "-l", help="fr, nl, de or en"),
    out: Path = typer.Option(Path("var/preview"), "--out", help="Folder for the files"),
) -> None:
    """Render a template's sample to .docx, PDF and PNG pages, and proofread its text."""
    from documents.preview import UnknownTemplate, preview

    try:
        result = preview(template, language, out)
    except UnknownTemplate as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    for path in [result.docx, *([result.pdf] if result.pdf else []), *result.pages]:
        console.print(str(path))
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    for finding in result.findings:
        console.print(f"[red]{finding}[/red]")
    if result.findings:
        raise typer.Exit(1)


@app.command("doctor")
def doctor() -> None:
    """Settings that would reach a member with a placeholder, and the variable to set for
    each; exits 1 in production while one is left (mail and mass flows refuse then)."""
    from documents import pdf
    from governance.config import Environment, get_settings
    from governance.placeholders import placeholders

    settings = get_settings()
    found = placeholders(settings)
    console.print(f"COOP_ENVIRONMENT={settings.environment.value}")
    console.print(
        "PDF: " + ("LibreOffice found" if pdf.available() else "LibreOffice missing: DOCX sent")
    )
    if not found:
        console.print("[green]No placeholder setting reaches a member.[/green]")
        return
    from rich.table import Table

    table = Table(title="Settings still holding a placeholder", title_justify="left")
    for column in ("Set this variable", "Current value", "Seen by members as"):
        table.add_column(column, overflow="fold")
    for item in found:
        table.add_row(item.variable, repr(item.value), item.where)
    console.print(table)
    if settings.environment is Environment.PRODUCTION:
        console.print(
            "[red]Production refuses member mail and mass flows until they are set.[/red]"
        )
        raise typer.Exit(1)


@outbox_app.command("deliver")
def outbox_deliver() -> None:
    """Send every due e-mail now."""
    from dataclasses import asdict

    from coopflow_cli.show import facts
    from tasks.mail import deliver_pending

    console.print(facts("E-mail delivery", asdict(deliver_pending())))


@outbox_app.command("problems")
def outbox_problems() -> None:
    """Bounced and failed e-mails, with the server's reply."""
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        for problem in uow.outbox.undeliverable():
            console.print(
                f"{problem.id}\t{problem.status}\t{problem.to}\t{problem.template}\t{problem.reply}"
            )


def run() -> None:
    """The `coop` entry point: a refused key is one clear message (exit 2), not a traceback."""
    from governance.config import KeyRefused

    try:
        app()
    except KeyRefused as refused:
        Console(stderr=True).print(f"[red]{refused}[/red]")
        raise SystemExit(2) from None


if __name__ == "__main__":
    run()
