"""`coop members ...`: applications, staff decisions and erasure (services and tasks only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from coopflow_cli.staff_auth import ask_code, code_option, verified_login
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.staff import DecisionKind

app = typer.Typer(help="Members: applications, reviews, erasure.", no_args_is_help=True)
console = Console()


def _fail(exc: RuleViolation) -> None:
    errors = getattr(exc, "errors", [exc])
    for error in errors:
        console.print(f"[red]{error.field or 'error'}[/red]: {error.message}")
    raise typer.Exit(1)


@app.command("apply")
def apply(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Application as JSON"),
    staff: str = typer.Option("system", help="Your login, for the timeline"),
    process: bool = typer.Option(
        False, help="Also run the member-onboarding deployment for it (needs a Prefect server)"
    ),
) -> None:
    """Submit an application from a JSON file; prints every field error, stores nothing then."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.members.rules.application_form import parse_application
    from governance.members.use_cases import onboarding, onboarding_screening

    raw = file.read_bytes()
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        console.print(f"[red]file[/red]: not valid JSON ({exc})")
        raise typer.Exit(1) from None
    try:
        form = parse_application(data if isinstance(data, dict) else {})
        with UnitOfWork() as uow:
            view = onboarding.submit_application(
                uow,
                form,
                actor=Actor.staff(staff) if staff != "system" else Actor.system("import"),
                request_key=f"file:{hashlib.sha256(raw).hexdigest()}",
            )
            view = onboarding_screening.screen_application(uow, view.id)
    except RuleViolation as exc:
        _fail(exc)
        return
    console.print(f"application {view.id} ({view.name}): {view.status}")
    for reason in view.review_reasons:
        console.print(f"  needs review: {reason['reason']}")
    if process:
        from prefect.deployments import run_deployment

        run = run_deployment(
            "member-onboarding/member-onboarding",
            parameters={"params": {"application_id": view.id, "staff": staff}},
            timeout=0,
        )
        console.print(f"flow run {getattr(run, 'id', run)} started")


@app.command("applications")
def applications() -> None:
    """Applications still open, with what they wait for."""
    from governance.db.uow import UnitOfWork
    from governance.members.use_cases import onboarding

    with UnitOfWork() as uow:
        for view in onboarding.open_applications(uow):
            reasons = ", ".join(r["reason"] for r in view.review_reasons)
            console.print(f"{view.id}\t{view.status}\t{view.name}\t{view.email}\t{reasons}")


def _resume(key: str, run_input: dict[str, Any]) -> None:
    """Resume the flow run suspended on this decision, if one is (else it reads the DB)."""
    from governance.db.uow import UnitOfWork
    from governance.members.use_cases import onboarding_review

    with UnitOfWork() as uow:
        run_id = onboarding_review.flow_run_waiting(uow, key)
    if not run_id:
        return
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(run_id), run_input=run_input)
        console.print(f"flow run {run_id} resumed")
    except Exception as exc:  # the decision is recorded anyway; a re-run picks it up
        console.print(f"[yellow]flow run {run_id} not resumed[/yellow]: {exc}")


@app.command("review")
def review(
    application_id: int = typer.Argument(...),
    staff: str = typer.Option(..., help="Your login"),
    approve: str = typer.Option("", "--approve", help="Accept, with this note for the file"),
    reject: str = typer.Option("", "--reject", help="Reject, with this reason (e-mailed)"),
    ask: str = typer.Option("", "--ask", help="Ask the applicant this question (e-mailed)"),
    code: str | None = code_option(),
) -> None:
    """Decide a review: --approve NOTE, --reject REASON or --ask QUESTION."""
    from governance.db.uow import UnitOfWork
    from governance.members.rules.onboarding import ReviewChoice
    from governance.members.use_cases import onboarding_review

    chosen = [
        (c, note)
        for c, note in (
            (ReviewChoice.APPROVE, approve),
            (ReviewChoice.REJECT, reject),
            (ReviewChoice.REQUEST_INFO, ask),
        )
        if note
    ]
    if len(chosen) != 1:
        console.print("[red]decision[/red]: give exactly one of --approve, --reject, --ask")
        raise typer.Exit(1)
    choice, note = chosen[0]
    code = ask_code(code)
    staff = verified_login(
        staff, code, DecisionKind.ONBOARDING_REVIEW, f"application:{application_id}"
    )
    try:
        with UnitOfWork() as uow:
            pending = onboarding_review.waiting_decision(uow, application_id)
            if pending is None or ":review:" not in pending.key:
                raise RuleViolation(
                    "this application is not waiting for a review", field="application_id"
                )
            view = onboarding_review.record_review(
                uow,
                application_id,
                pending.round,
                choice=choice,
                staff=staff,
                note=note,
            )
    except RuleViolation as exc:
        _fail(exc)
        return
    console.print(f"application {application_id}: {view.status}")
    _resume(
        pending.key,
        {"choice": str(choice), "note": note, "staff": staff, "one_time_code": code},
    )


@app.command("answer")
def answer(
    application_id: int = typer.Argument(...),
    text: str = typer.Argument(..., help="The applicant's answer"),
    staff: str = typer.Option(..., help="Your login"),
    code: str | None = code_option(),
) -> None:
    """Enter the applicant's answer to our question: back to review."""
    code = ask_code(code)
    staff = verified_login(
        staff, code, DecisionKind.ONBOARDING_REVIEW, f"application:{application_id}"
    )
    from governance.db.uow import UnitOfWork
    from governance.members.use_cases import onboarding_review

    try:
        with UnitOfWork() as uow:
            pending = onboarding_review.waiting_decision(uow, application_id)
            if pending is None or ":info:" not in pending.key:
                raise RuleViolation(
                    "this application is not waiting for an answer", field="application_id"
                )
            view = onboarding_review.record_information(
                uow, application_id, pending.round, answer=text, staff=staff
            )
    except RuleViolation as exc:
        _fail(exc)
        return
    console.print(f"application {application_id}: {view.status}")
    _resume(pending.key, {"answer": text, "staff": staff, "one_time_code": code})


@app.command("erase")
def erase(
    member: str = typer.Argument(..., help="Member number (M0000042) or id"),
    staff: str = typer.Option(..., help="Your login (a register keeper)"),
    code: str | None = code_option(),
) -> None:
    """Anonymise a member's personal data (refused while they hold shares or have contracts)."""
    staff = verified_login(staff, code, DecisionKind.ERASURE, f"erasure:{member}")
    from tasks.onboarding import erase_member_now

    try:
        done = erase_member_now(member, staff)
    except RuleViolation as exc:
        _fail(exc)
        return
    console.print(
        f"member {done.member_id} erased: {done.applications} application(s), "
        f"{done.messages} e-mail(s), {done.events} timeline event(s) anonymised, "
        f"{len(done.document_paths)} document(s) deleted"
    )
