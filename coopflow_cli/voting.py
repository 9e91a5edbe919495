"""`coop assembly ...` commands of the vote: tally, paper ballots, proxies, closing, verify;
and `coop ballot-web`. They call services, never SQL."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console

from coopflow_cli.staff_auth import code_option, verified_login
from coopflow_cli.web_options import checked_proxies, trusted_proxy_option
from governance.clock import utcnow
from governance.kernel.rules.staff import DecisionKind

app = typer.Typer(help="General assembly: votes, count, closing.", no_args_is_help=True)
console = Console(stderr=True)


def _now() -> datetime:
    return utcnow()


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command("tally")
def tally(
    scenario: Path = typer.Argument(..., help="Scenario JSON file ('-' reads stdin)"),
) -> None:
    """Count a scenario (rules, shareholders, present, resolutions, votes): JSON on stdout;
    exit 2 with the problem on stderr for bad input."""
    from governance.assembly.rules.tally import run_cli

    try:
        text = sys.stdin.read() if str(scenario) == "-" else scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"tally: cannot read {scenario}: {exc}") from exc
    code, out, err = run_cli(text)
    if out:
        sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    raise typer.Exit(code)


def _parse_choices(items: list[str]) -> dict[str, object]:
    """R1=for R2=against E1=C1,C3 (E1= for a blank election ballot)."""
    choices: dict[str, object] = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code:
            raise _fail(f"choice {item!r}: write RESOLUTION=for|against|abstain or E1=C1,C2")
        if value in ("for", "against", "abstain"):
            choices[code] = value
        else:
            choices[code] = [v for v in value.split(",") if v]
    return choices


@app.command("enter-paper")
def enter_paper(
    code: str = typer.Option(..., "--code", help="The ballot code printed on the paper ballot"),
    choice: list[str] = typer.Argument(..., help="R1=for R2=against R3=abstain E1=C1,C3"),
    staff: str = typer.Option(..., "--staff", help="Your staff login (a register keeper)"),
    staff_code: str | None = code_option("--staff-code"),
) -> None:
    """Enter a paper ballot returned by post, with the same checks as the web page; who
    entered it is proven by the code of their authenticator app (`--staff-code`: `--code` is
    the ballot's)."""
    from governance.assembly.use_cases.voting import enter_paper_ballot
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    choices = _parse_choices(choice)
    staff = verified_login(staff, staff_code, DecisionKind.PAPER_BALLOT, "paper-ballot")
    try:
        with UnitOfWork() as uow:
            receipt = enter_paper_ballot(uow, code, choices, staff=staff, now=_now())
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    typer.echo(f"ballot recorded; receipt {receipt.receipt}")


@app.command("give-proxy")
def give_proxy(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id"),
    giver: str = typer.Option(
        ..., "--giver", help="Member number (M0000042) of the shareholder giving it"
    ),
    holder: str = typer.Option(None, "--holder", help="Member number of the holder, if a member"),
    holder_name: str = typer.Option(None, "--holder-name", help="Name of a holder who is not"),
    staff: str = typer.Option(..., "--staff", help="Your staff login (a register keeper)"),
    code: str | None = code_option(),
) -> None:
    """Record a proxy (the statutes' cap per holder and holder rule apply)."""
    from governance.assembly.use_cases import voting
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.members.use_cases import members

    staff = verified_login(staff, code, DecisionKind.PROXY, f"proxy:{assembly}:{giver}")
    try:
        with UnitOfWork() as uow:
            giver_id = members.resolve_member(uow.session, giver)
            holder_id = members.resolve_member(uow.session, holder) if holder else None
            uow.rollback()
            proxy_id = voting.give_proxy(
                uow,
                assembly,
                giver_id,
                holder_member_id=holder_id,
                holder_name=holder_name,
                staff=staff,
            )
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    typer.echo(f"proxy {proxy_id} recorded")


@app.command("close")
def close(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id"),
    staff: str = typer.Option(..., "--staff", help="Your staff login (--early: a board member)"),
    early: bool = typer.Option(False, help="Close before the end of the voting window"),
    reason: str = typer.Option("", help="--early: why (kept with the decision)"),
    code: str | None = code_option(),
) -> None:
    """Run the closing flow now: close, seal, count, clean the storage, publish, write the
    minutes and e-mail the results (exactly what the scheduled `assembly-closing` does).
    With --early, while the vote is open, a board member decides with their code first."""
    from flows.assembly_closing import assembly_closing
    from governance.kernel.rules.errors import RuleViolation

    try:
        if early:
            staff = _decide_early_close(assembly, staff, code, reason)
        result = assembly_closing(assembly_id=assembly, close_early=early, staff=staff)
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    typer.echo(
        f"closed: {result['ballots']} ballots, seal {result['seal']}; minutes and "
        f"{result['mails_queued']} result e-mails done"
    )


def _decide_early_close(assembly: int, staff: str, code: str | None, reason: str) -> str:
    """The verified board member's decision, recorded for the closing run (no code is asked
    when the vote needs no early close any more)."""
    from governance.assembly.use_cases import voting_early_close
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        request = voting_early_close.early_close_request(uow.session, assembly)
    if request is None:
        return staff
    staff = verified_login(staff, code, DecisionKind.ASSEMBLY_EARLY_CLOSE, request.key)
    with UnitOfWork() as uow:
        voting_early_close.decide_early_close(uow, assembly, staff, reason)
    return staff


@app.command("forget-order")
def forget_order(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id (closed)"),
) -> None:
    """Make the database forget the order in which ballots were cast (the closing does it;
    run it again if the closing said another program kept the database busy)."""
    from governance.assembly.use_cases.voting_closing import forget_cast_order
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            scrub = forget_cast_order(uow, assembly)
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    typer.echo(f"{scrub.dialect}: the write history of the voting tables is gone")


@app.command("turnout")
def turnout(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id"),
) -> None:
    """How many shareholders have voted so far (a count only: no result before the close)."""
    from governance.assembly.use_cases.voting_results import turnout as count_turnout
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            seen = count_turnout(uow, assembly)
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    share = f"{100 * seen.voted / seen.eligible:.1f} %" if seen.eligible else "-"
    state = "closed" if seen.closed else "voting open"
    typer.echo(f"assembly {assembly} ({state}): {seen.voted} of {seen.eligible} voted ({share})")


@app.command("verify")
def verify(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id"),
    seal: str = typer.Option(None, "--seal", help="The seal published in the minutes"),
) -> None:
    """Recompute the whole result from the stored ballots; exit 1 on any discrepancy."""
    from governance.assembly.use_cases.voting_closing import verify as verify_assembly
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation

    try:
        with UnitOfWork() as uow:
            report = verify_assembly(uow, assembly, published_seal=seal)
    except RuleViolation as exc:
        raise _fail(f"refused: {exc}") from exc
    typer.echo(
        f"{report.ballots} ballots, {report.voters_marked} voters marked, seal {report.seal}"
    )
    for problem in report.problems:
        typer.echo(f"PROBLEM: {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    typer.echo("verified: every ballot matches its receipt, the seal and the result")


@app.command("export-scenario")
def export_scenario(
    assembly: int = typer.Option(..., "--assembly", help="Assembly id"),
) -> None:
    """Write the anonymous counting scenario (for `coop assembly tally`) on stdout, in the
    canonical form whose sha256 the seal keeps."""
    from governance.assembly.use_cases.voting_closing import build_scenario, scenario_text
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        scenario = build_scenario(uow.session, assembly)
    sys.stdout.write(scenario_text(scenario))


def ballot_web(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8765, help="Port"),
    trusted_proxy: list[str] = trusted_proxy_option(),
) -> None:
    """Serve the ballot page (FastAPI + uvicorn, no access log)."""
    from coopflow_cli.ballot_web.app import serve
    from governance.config import get_settings
    from governance.db.keys import key_material

    proxies = checked_proxies(trusted_proxy)
    key_material(get_settings())  # a key that does not open the codes' database: no start
    serve(host, port, proxies)


def register(target: typer.Typer) -> None:
    """Add these commands to another `coop assembly` group (the convening's), so both
    areas share one `assembly` command group."""
    target.registered_commands.extend(app.registered_commands)
