"""`coop assembly ...`: convene a general assembly, watch the mailing, send reminders."""

from __future__ import annotations

import typer
from rich.console import Console

from coopflow_cli.show import facts

app = typer.Typer(help="General assembly: convening and mailing.", no_args_is_help=True)
console = Console()


@app.command("convene")
def convene(
    assembly_id: int = typer.Argument(..., help="The assembly (draft, or convened: resumes)"),
    staff: str = typer.Option("system", help="Your staff login, for the timeline"),
    chunk_size: int = typer.Option(500, help="Shareholders per chunk"),
    connections: int = typer.Option(3, help="Parallel SMTP connections"),
) -> None:
    """Run the assembly-convening flow here (re-running it finishes an interrupted mailing)."""
    from flows.assembly_convening import ConveningParameters, assembly_convening

    summary = assembly_convening(
        ConveningParameters(
            assembly_id=assembly_id, staff=staff, chunk_size=chunk_size, connections=connections
        )
    )
    console.print(facts(f"Assembly {assembly_id}: convening", summary))


@app.command("progress")
def progress(assembly_id: int = typer.Argument(...)) -> None:
    """Where the convening mailing stands."""
    from dataclasses import asdict

    from governance.assembly.use_cases.progress import mailing_progress
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        progress = mailing_progress(uow.session, assembly_id)
    figures = {**asdict(progress), "fraction": progress.fraction}
    console.print(facts(f"Assembly {assembly_id}: convening mailing", figures))


@app.command("remind")
def remind(assembly_id: int = typer.Argument(...)) -> None:
    """Run the assembly-reminders flow now (shareholders who have not voted)."""
    from flows.assembly_reminders import assembly_reminders

    console.print(facts(f"Assembly {assembly_id}: reminders", assembly_reminders(assembly_id)))
