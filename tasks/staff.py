"""Staff tasks: verify who answered a form (once per answer), and apply registry changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from prefect import get_client, task
from prefect.input.run_input import keyset_from_base_key
from prefect.runtime import flow_run
from pydantic import BaseModel

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import DecisionKind, StaffRole
from governance.kernel.use_cases import staff as registry
from governance.kernel.use_cases import staff_verification as verification
from tasks.common import IO_RETRIES


class StaffAnswer(BaseModel):
    """Whether the person who answered is proven; the reason shown to them when not."""

    verified: bool
    login: str
    reason: str | None = None
    mail_prefix: str  # outbox keys of a lock report, if this answer caused one


class StaffRefusals(BaseModel):
    count: int
    last_reason: str | None = None


@task(name="verify-staff-answer", **IO_RETRIES)
def verify_staff_answer(
    pause_key: str, decision_key: str, login: str, code: str, kind: DecisionKind
) -> StaffAnswer:
    """Check the login and code of one submitted answer (the same answer twice: same outcome)."""
    run = flow_run.get_id()
    with UnitOfWork() as uow:
        check = verification.check_answer(
            uow,
            answer_key=f"{run or 'no-run'}:{pause_key}"[:200],
            decision_key=decision_key,
            login=login,
            code=code,
            kind=kind,
            now=utcnow() - _since_answered(run, pause_key),
        )
    return StaffAnswer(
        verified=check.verified,
        login=check.login,
        reason=check.reason,
        mail_prefix=verification.lock_mail_prefix(login),
    )


def _since_answered(run: str | None, pause_key: str) -> timedelta:
    """How long ago the server received the answer: its code is checked as at the moment the
    person submitted it, not when a busy worker got round to resuming the run (which can take
    longer than a code's life)."""
    if run is None:
        return timedelta(0)
    key = keyset_from_base_key(f"suspended-{pause_key}")["response"]
    with get_client(sync_client=True) as client:
        found = [i for i in client.filter_flow_run_input(UUID(run), key, 10, set()) if i.key == key]
    if not found or found[0].created is None:
        return timedelta(0)
    server_now = datetime.now(UTC)  # noqa: TID251 - the server's stamp is real time, not business
    return max(server_now - found[0].created, timedelta(0))


@task(name="staff-refusals", **IO_RETRIES)
def staff_refusals(decision_key: str) -> StaffRefusals:
    """How many answers to this decision were refused for who gave them (and the last reason)."""
    with UnitOfWork() as uow:
        refused = verification.refused_answers(uow.session, decision_key)
    return StaffRefusals(count=refused.count, last_reason=refused.last_reason)


@task(name="change-staff", **IO_RETRIES)
def change_staff(
    action: str,
    spec: registry.StaffSpec,
    roles: list[StaffRole],
    reason: str,
    admin: str,
) -> registry.StaffView:
    """Apply one registry change made by the verified administrator `admin`."""
    with UnitOfWork() as uow:
        if action == "add":
            return registry.add_staff(uow, spec, by=admin)
        if action == "roles":
            return registry.set_roles(uow, spec.login, roles, by=admin)
        return registry.deactivate(uow, spec.login, reason, by=admin)
