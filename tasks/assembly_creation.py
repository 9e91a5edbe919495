"""The task behind the `assembly-creation` form: one use case, the form's problems as data."""

from __future__ import annotations

from typing import Any

from prefect import task

from governance.assembly.rules.assembly_form import AssemblyForm
from governance.assembly.use_cases.assembly_form import AssemblyFormRefused, create_from_form
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from tasks.common import IO_RETRIES


@task(name="assembly-create-from-form", **IO_RETRIES)
def create_assembly_from_form(form: AssemblyForm) -> dict[str, Any]:
    """`{"assembly_id", "created", ...}`, or `{"problems": [...]}` when the rules refuse it."""
    try:
        with UnitOfWork() as uow:
            done = create_from_form(uow, form, Actor.staff(form.staff), utcnow())
    except AssemblyFormRefused as refused:
        return {"problems": refused.problems}
    return {
        "assembly_id": done.assembly_id,
        "created": done.created,
        "title": done.title,
        "meeting_at": done.meeting_at.isoformat(),
    }
