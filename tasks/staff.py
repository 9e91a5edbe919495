"""Staff tasks: verify who answered a form (once per answer), and apply registry changes."""

from __future__ import annotations

from prefect import task
from prefect.runtime import flow_run
from pydantic import BaseModel

from governance.db.uow import UnitOfWork
from governance.domain.staff import DecisionKind, StaffRole
from governance.services import staff as registry
from governance.services import staff_verification as verification
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
        )
    return StaffAnswer(
        verified=check.verified,
        login=check.login,
        reason=check.reason,
        mail_prefix=verification.lock_mail_prefix(login),
    )


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
