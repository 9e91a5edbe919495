"""`coop grants ...`: calls, applications (JSON import), reviews, board, reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from coopflow_cli.show import euros, facts
from coopflow_cli.staff_auth import code_option, verified_login
from governance.clock import utcnow
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.staff import DecisionKind

app = typer.Typer(help="Grant calls: applications, jury, board, instalments.", no_args_is_help=True)
console = Console()


def _now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fail(problem: RuleViolation) -> None:
    console.print(f"[red]refused[/red] {problem}")
    raise typer.Exit(1)


@app.command("create-call")
def create_call(
    spec_file: Path,
    staff: str = typer.Option(..., help="Your staff login (a board member)"),
    code: str | None = code_option(),
) -> None:
    """Open a call described by a JSON file (fields of CallSpec, criteria included)."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grants

    spec = grants.CallSpec.model_validate_json(spec_file.read_text(encoding="utf-8"))
    staff = verified_login(staff, code, DecisionKind.GRANT_CALL, f"grant-call:{spec.name}"[:120])
    try:
        with UnitOfWork() as uow:
            call_id = grants.create_call(uow, spec, staff)
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"call {call_id} opened")


@app.command("add-reviewer")
def add_reviewer(
    call: int = typer.Option(...),
    login: str = typer.Option(...),
    name: str = typer.Option(...),
    email: str = typer.Option(...),
    language: Language = typer.Option(Language.FR),
    member_id: int | None = typer.Option(None, help="When the reviewer is a member"),
    activity: list[str] = typer.Option([], help="Activities the reviewer works on"),
    staff: str = typer.Option(..., help="Your staff login (a board member)"),
    code: str | None = code_option(),
) -> None:
    """Put a staff member or a member on the call's jury (they score with their own login)."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_reviews

    staff = verified_login(staff, code, DecisionKind.GRANT_CALL, f"grant-jury:{call}:{login}")

    spec = grant_reviews.ReviewerSpec(
        login=login,
        name=name,
        email=email,
        language=language,
        member_id=member_id,
        activity_refs=activity,
    )
    try:
        with UnitOfWork() as uow:
            grant_reviews.add_reviewer(uow, call, spec, staff)
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"{login} reviews call {call}")


@app.command("declare-conflict")
def declare_conflict(
    call: int = typer.Option(...),
    login: str = typer.Option(...),
    member_id: int = typer.Option(...),
    relation: str = typer.Option(...),
    staff: str = typer.Option(...),
) -> None:
    """Record a reviewer's declared relation with a member (never assigned their file)."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_reviews

    try:
        with UnitOfWork() as uow:
            grant_reviews.declare_conflict(uow, call, login, member_id, relation, staff)
    except RuleViolation as problem:
        _fail(problem)
    console.print("conflict recorded")


@app.command("import")
def import_applications(call: int = typer.Option(...), file: Path = typer.Argument(...)) -> None:
    """Submit applications from a JSON list (fields of ApplicationSpec); each is one action."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grants

    specs = [
        grants.ApplicationSpec.model_validate(item)
        for item in json.loads(file.read_text(encoding="utf-8"))
    ]
    ok = 0
    for i, spec in enumerate(specs):
        try:
            with UnitOfWork() as uow:
                reference = grants.submit_application(uow, call, spec)
            ok += 1
            console.print(f"{reference}\tmember {spec.member_id}")
        except RuleViolation as problem:
            console.print(f"[red]item {i} refused[/red] {problem}")
    console.print(f"{ok} of {len(specs)} applications submitted")


@app.command("score")
def score(
    call: int = typer.Option(...),
    reference: str = typer.Option(...),
    login: str = typer.Option(..., help="Your staff login (on the call's jury)"),
    score: list[str] = typer.Option(..., help="criterion=score, once per criterion"),
    comment: str = typer.Option(""),
    now: str | None = typer.Option(None),
    code: str | None = code_option(),
) -> None:
    """A reviewer's scores for one file, proven by the reviewer's code."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_reviews

    try:
        scores = {k: int(v) for k, v in (item.split("=", 1) for item in score)}
    except ValueError:
        console.print("[red]refused[/red] scores: write them as criterion=whole number")
        raise typer.Exit(1) from None
    login = verified_login(login, code, DecisionKind.GRANT_REVIEW, f"grant-review:{reference}")
    try:
        with UnitOfWork() as uow:
            grant_reviews.submit_review(uow, call, reference, login, scores, _now(now), comment)
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"review of {reference} by {login} recorded")


@app.command("recuse")
def recuse(
    call: int = typer.Option(...),
    login: str = typer.Option(..., help="Your staff login (on the call's jury)"),
    reference: str = typer.Option(...),
    reason: str = typer.Option(...),
    code: str | None = code_option(),
) -> None:
    """A reviewer steps back from a file (someone else is assigned on the next run)."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_reviews

    login = verified_login(login, code, DecisionKind.GRANT_REVIEW, f"grant-recusal:{reference}")
    try:
        with UnitOfWork() as uow:
            grant_reviews.recuse(uow, call, login, reference, reason)
    except RuleViolation as problem:
        _fail(problem)
    console.print("recusal recorded")


@app.command("close-reviews")
def close_reviews(
    call: int = typer.Option(...),
    staff: str = typer.Option(...),
    note: str = typer.Option(""),
    now: str | None = typer.Option(None),
    code: str | None = code_option(),
) -> None:
    """Close the review round before its deadline."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_ranking

    staff = verified_login(staff, code, DecisionKind.GRANT_REVIEW_ROUND, f"grants:{call}:reviews")
    try:
        with UnitOfWork() as uow:
            grant_ranking.close_review_round(uow, call, staff, note, _now(now))
    except RuleViolation as problem:
        _fail(problem)
    console.print("review round closed")


@app.command("board-decide")
def board_decide(
    call: int = typer.Option(...),
    staff: str = typer.Option(...),
    change: list[str] = typer.Option([], help="REF=CENTS:reason"),
    note: str = typer.Option(""),
    now: str | None = typer.Option(None),
    code: str | None = code_option(),
) -> None:
    """A board member records the board's approval of the awards, with reasoned changes."""
    from governance.db.uow import UnitOfWork
    from governance.grants.rules.grants import BoardChange
    from governance.grants.use_cases import grant_awards

    staff = verified_login(staff, code, DecisionKind.GRANT_AWARD, f"grants:{call}:board")
    changes = []
    for item in change:
        ref, _, rest = item.partition("=")
        cents, _, reason = rest.partition(":")
        changes.append(BoardChange(ref.strip(), int(cents), reason.strip()))
    try:
        with UnitOfWork() as uow:
            final = grant_awards.record_board_decision(uow, call, staff, changes, note, _now(now))
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"{sum(1 for v in final.values() if v)} awards, {euros(sum(final.values()))}")


@app.command("report")
def report(
    reference: str = typer.Option(...),
    summary: str = typer.Option(...),
    now: str | None = typer.Option(None),
) -> None:
    """Record a grantee's report for the next instalment."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_payments

    try:
        with UnitOfWork() as uow:
            report_id = grant_payments.submit_report(uow, reference, summary, _now(now))
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"report {report_id} recorded")


@app.command("accept-report")
def accept_report(
    report: int = typer.Option(...),
    staff: str = typer.Option(...),
    reject: bool = typer.Option(False),
    note: str = typer.Option(""),
    now: str | None = typer.Option(None),
    code: str | None = code_option(),
) -> None:
    """Accept (release the instalment) or --reject a report."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import grant_payments

    staff = verified_login(staff, code, DecisionKind.GRANT_REPORT, f"grant-report:{report}")
    try:
        with UnitOfWork() as uow:
            status = grant_payments.decide_report(uow, report, staff, not reject, note, _now(now))
    except RuleViolation as problem:
        _fail(problem)
    console.print(f"instalment {status}")


@app.command("status")
def status(call: int = typer.Option(...), now: str | None = typer.Option(None)) -> None:
    """Where a call stands: screening, reviews, budget, instalments, payment files."""
    from governance.db.uow import UnitOfWork
    from governance.grants.use_cases import (
        grant_payments,
        grant_ranking,
        grant_reviews,
    )

    with UnitOfWork() as uow:
        progress = grant_reviews.review_progress(uow, call, _now(now))
        pack = grant_ranking.decision_pack(uow.session, call)
        instalments = grant_payments.instalment_progress(uow, call)
        batches = grant_payments.payment_batches(uow, call)
    console.print(
        f"{pack.call_name}: reviews {progress.received}/{progress.expected}, "
        f"proposed {euros(pack.proposed_cents)} of {euros(pack.budget_cents)}"
    )
    console.print(
        f"instalments: {instalments.paid} paid, {instalments.released} released, "
        f"{instalments.awaiting_report} awaiting a report; reports to decide "
        f"{instalments.reports_to_decide}"
    )
    for reference, count, total, path in batches:
        console.print(f"payment file {reference}: {count} transfers, {euros(total)} → {path}")


@app.command("run")
def run(call: int = typer.Option(...), now: str | None = typer.Option(None)) -> None:
    """Run grant-awarding for a call here (it stops where a decision is awaited)."""
    from flows.grant_awarding import GrantAwardingParameters, grant_awarding

    result = grant_awarding(GrantAwardingParameters(call_id=call, now=_now(now) if now else None))
    console.print(facts(f"Grant call {call}", result))
