"""`coop transition ...`: staff record members' answers to the transition campaign."""

from __future__ import annotations

from enum import StrEnum

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
    from governance.domain.errors import RuleViolation
    from governance.domain.transition import InviteeResponse
    from governance.services.shares import brussels_today
    from governance.services.transition_followup import find_member_id, record_response

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
