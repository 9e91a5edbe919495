"""`coop staff ...`: the staff registry, managed by administrators (every change on the timeline).

Bootstrap: while no administrator exists, `coop staff add` without `--admin` creates the first
one (it must have the role administrator) and enrols their app at once. From then on every
change names a verified administrator: `--admin LOGIN` and the code of their app.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from coopflow_cli.staff_auth import code_option, verified_login
from governance.kernel.rules.enums import Office
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.staff import DecisionKind, StaffRole

app = typer.Typer(help="Staff: who may decide, with which roles.", no_args_is_help=True)
console = Console()
ADMIN_HELP = "Your administrator login (not needed for the very first administrator)"


def _fail(exc: RuleViolation) -> None:
    console.print(f"[red]{exc.field or 'error'}[/red]: {exc.message}")
    raise typer.Exit(1)


def _admin(admin: str | None, code: str | None, what: str) -> str:
    if not admin:
        console.print("[red]admin[/red]: give --admin LOGIN (an administrator decides this)")
        raise typer.Exit(2)
    return verified_login(admin, code, DecisionKind.STAFF_ADMINISTRATION, f"staff:{what}")


@app.command("add")
def add(
    login: str = typer.Argument(..., help="Lower-case login, e.g. anna.peeters"),
    name: str = typer.Option(..., help="Full name"),
    email: str = typer.Option(..., help="Work e-mail (one login per person)"),
    office: Office = typer.Option(..., help="Office"),
    role: list[StaffRole] = typer.Option([], "--role", help="A role (repeat for several)"),
    admin: str | None = typer.Option(None, help=ADMIN_HELP),
    code: str | None = code_option(),
    qr_file: Path | None = typer.Option(None, help="Bootstrap only: also write the QR as PNG"),
) -> None:
    """Register a staff member (then `coop staff enrol LOGIN` for their app)."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.use_cases import staff

    with UnitOfWork() as uow:
        bootstrap = staff.needs_bootstrap(uow.session)
    by = None if bootstrap and admin is None else _admin(admin, code, f"add:{login}")
    try:
        spec = staff.StaffSpec(login=login, name=name, email=email, office=office, roles=role)
        with UnitOfWork() as uow:
            view = staff.add_staff(uow, spec, by=by)
    except RuleViolation as exc:
        _fail(exc)
    except ValueError as exc:
        console.print(f"[red]refused[/red]: {exc}")
        raise typer.Exit(1) from exc
    console.print(f"{view.login} added ({', '.join(view.roles) or 'no role'})")
    if by is None:
        console.print("first administrator (bootstrap): enrol your authenticator app now")
        with UnitOfWork() as uow:
            _show(staff.enrol(uow, login, by=None), qr_file)


@app.command("enrol")
def enrol(
    login: str = typer.Argument(...),
    admin: str = typer.Option(..., help="Your administrator login"),
    code: str | None = code_option(),
    qr_file: Path | None = typer.Option(None, help="Also write the QR code as PNG (mode 0600)"),
) -> None:
    """A new authenticator key and recovery codes for LOGIN (a new or lost phone): shown once."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.use_cases import staff

    by = _admin(admin, code, f"enrol:{login}")
    try:
        with UnitOfWork() as uow:
            enrolment = staff.enrol(uow, login, by=by)
    except RuleViolation as exc:
        _fail(exc)
    _show(enrolment, qr_file)


@app.command("roles")
def roles(
    login: str = typer.Argument(...),
    role: list[StaffRole] = typer.Option([], "--role", help="The new roles (all of them)"),
    admin: str = typer.Option(..., help="Your administrator login"),
    code: str | None = code_option(),
) -> None:
    """Replace LOGIN's roles (nobody changes their own)."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.use_cases import staff

    by = _admin(admin, code, f"roles:{login}")
    try:
        with UnitOfWork() as uow:
            view = staff.set_roles(uow, login, role, by=by)
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"{view.login}: {', '.join(view.roles) or 'no role'}")


@app.command("deactivate")
def deactivate(
    login: str = typer.Argument(...),
    reason: str = typer.Option(..., help="Why (kept on the timeline)"),
    admin: str = typer.Option(..., help="Your administrator login"),
    code: str | None = code_option(),
) -> None:
    """LOGIN can no longer decide; past decisions keep naming them."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.use_cases import staff

    by = _admin(admin, code, f"deactivate:{login}")
    try:
        with UnitOfWork() as uow:
            view = staff.deactivate(uow, login, reason, by=by)
    except RuleViolation as exc:
        _fail(exc)
    console.print(f"{view.login}: deactivated")


@app.command("list")
def list_(all_: bool = typer.Option(False, "--all", help="Also the deactivated")) -> None:
    """The registered staff, their roles and whether their app is enrolled."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.use_cases import staff

    with UnitOfWork() as uow:
        rows = staff.list_staff(uow.session, include_inactive=all_)
    table = Table(title=f"{len(rows)} staff member(s)")
    for column in ("login", "name", "e-mail", "office", "roles", "app", "active"):
        table.add_column(column, overflow="fold")
    for r in rows:
        locked = f" locked until {r.locked_until:%H:%M} UTC" if r.locked_until else ""
        table.add_row(
            r.login,
            r.name,
            r.email,
            r.office.value,
            ", ".join(r.roles),
            ("enrolled" if r.enrolled else "NOT enrolled") + locked,
            "yes" if r.active else "no",
        )
    console.print(table)


def _show(enrolment, qr_file: Path | None) -> None:  # type: ignore[no-untyped-def]
    """The key as a terminal QR code (and a 0600 PNG if asked) and the recovery codes: once."""
    import segno

    qr = segno.make(enrolment.uri, error="m")
    console.print(f"Scan with the authenticator app of {enrolment.login} (shown once):")
    qr.terminal(compact=True)
    console.print(f"or type the key: [bold]{enrolment.secret}[/bold]")
    if qr_file is not None:
        fd = os.open(qr_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            qr.save(out, kind="png", scale=6)
        os.chmod(qr_file, 0o600)
        console.print(f"QR code written to {qr_file} (only you can read it: delete it after use)")
    console.print("Recovery codes (each works once in place of a code; keep them on paper):")
    for code in enrolment.recovery_codes:
        console.print(f"  {code}")
