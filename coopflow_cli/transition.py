"""`coop transition ...` (answers to the campaign) and `coop import members` (the old system's
members, registered on the register's `import` group)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="The cooperative transition campaign.", no_args_is_help=True)
console = Console()


class Answer(StrEnum):
    NOT_NOW = "not-now"
    RESIGN = "resign"


@app.command("respond")
def respond(
    member: str = typer.Argument(..., help="Member id or member number (M0000042)"),
    answer: Answer = typer.Argument(..., help="not-now: no reminders; resign: leaves SMart"),
    campaign: str = typer.Option("", help="Campaign name (default: the latest campaign)"),
    staff: str = typer.Option(..., help="Your staff login, for the timeline"),
) -> None:
    """Record a member's answer to the invitation: "not now", or a resignation."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.register.use_cases.shares import brussels_today
    from governance.transition.rules.transition import InviteeResponse
    from governance.transition.use_cases.transition_followup import find_member_id, record_response

    response = InviteeResponse.NOT_NOW if answer is Answer.NOT_NOW else InviteeResponse.RESIGN
    with UnitOfWork() as uow:
        try:
            member_id = find_member_id(uow.session, member)
            result = record_response(
                uow,
                member_id=member_id,
                response=response,
                staff=staff,
                campaign_name=campaign or None,
                today=brussels_today(),
            )
        except RuleViolation as exc:
            console.print(f"refused: {exc}", style="red", markup=False)
            raise typer.Exit(1) from None
    if result.already:
        console.print(f"member {member}: answer already recorded ({result.response})")
        return
    extra = "; subscription cancelled, member resigned" if result.subscription_cancelled else ""
    console.print(f"member {member}: '{result.response}' recorded in {result.campaign}{extra}")


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
    from governance.kernel.rules.actor import Actor
    from governance.members.rules.member_import import MemberImportRejected
    from governance.members.use_cases.member_import import import_members as run_import

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
