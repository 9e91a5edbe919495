"""Proving who decides at the command line: `--staff LOGIN` and the code of their app."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from governance.kernel.rules.staff import DecisionKind

console = Console()


def code_option(flag: str = "--code") -> Any:
    """The option carrying the decider's code (`flag` where `--code` means something else)."""
    return typer.Option(
        None,
        flag,
        help="The 6-digit code of your authenticator app (asked, hidden, when not given)",
    )


def ask_code(code: str | None) -> str:
    """The code given with --code, else asked without echo."""
    return code or str(typer.prompt("Code from your authenticator app", hide_input=True))


def verified_login(staff: str, code: str | None, kind: DecisionKind, context: str) -> str:
    """The login, once proven for this kind of decision; exit 2 with the reason otherwise
    (nothing is recorded: the caller records only after this returns)."""
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.staff import StaffRuleViolation
    from governance.kernel.use_cases.staff_verification import lock_mail_prefix, verify_decider

    typed = ask_code(code)
    try:
        with UnitOfWork() as uow:
            return verify_decider(uow, staff, typed, kind, context=context).login
    except StaffRuleViolation as refused:
        _report_lock(lock_mail_prefix(staff))
        console.print(f"[red]{refused.field or 'staff'}[/red]: {refused.message}")
        raise typer.Exit(2) from refused


def _report_lock(prefix: str) -> None:
    """Send a lock report now (the outbox keeps it for the next delivery if SMTP is down)."""
    from tasks.mail import deliver_pending

    try:
        deliver_pending(keys_prefix=prefix)
    except OSError:
        pass
