"""`coop import ...`: taking over data from the old system (all or nothing)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="Import data from another system (CSV, all or nothing).", no_args_is_help=True
)
console = Console()


@app.command("members")
def import_members(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="UTF-8 CSV with a header row"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file, write nothing"),
    staff: str = typer.Option("system", help="Staff login, for the timeline"),
) -> None:
    """Members of the old system who are not yet shareholders.

    Columns: member_ref, kind, first_name, last_name, company_name, company_number, email,
    language, office, street, postcode, city, country; optional: national_number, birth_date,
    phone, iban. Any error: every error printed as `line N: column: message`, nothing imported.
    """
    from governance.db.uow import UnitOfWork
    from governance.domain.member_import import MemberImportRejected
    from governance.services.member_import import import_members as run_import
    from governance.services.timeline import Actor

    actor = Actor.system("member-import") if staff == "system" else Actor.staff(staff)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        console.print(f"line 1: file: not UTF-8 text ({exc.reason})")
        raise typer.Exit(1) from None
    with UnitOfWork() as uow:
        try:
            summary = run_import(uow, text, actor=actor, dry_run=dry_run)
        except MemberImportRejected as exc:
            for problem in exc.problems:
                console.print(str(problem), markup=False, highlight=False)
            console.print(f"{len(exc.problems)} error(s): nothing was imported.", style="red")
            raise typer.Exit(1) from None
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{summary.rows} rows checked; {verb} {summary.rows if dry_run else summary.imported} "
        f"members ({summary.with_email} with e-mail, {summary.with_national_number} with a "
        "national number, stored encrypted)."
    )
    console.print(
        "by language: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_language.items()))
    )
    console.print(
        "by office: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_office.items()))
    )
