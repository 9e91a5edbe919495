"""staff-admin: an administrator adds a staff member, changes their roles or deactivates them.

The change is described in the deployment form; the run then waits for an administrator to
confirm it with their login and code (the same verification as every decision). Enrolling a
phone stays in the CLI (`coop staff enrol`): its key must never be stored by Prefect.
"""

# No `from __future__ import annotations` here: a deployment's runner must resolve the
# parameter model from the annotation.

from typing import Annotated, Literal

from prefect import flow, runtime
from pydantic import Field, model_validator

from flows.forms import PaperForm, titled
from flows.human import StaffInput, ask_staff
from governance.kernel.rules.enums import Office
from governance.kernel.rules.staff import LOGIN_PATTERN, DecisionKind, StaffRole
from governance.kernel.use_cases.staff import StaffSpec
from tasks.staff import change_staff


class StaffAdminParameters(PaperForm):
    action: Literal["add", "roles", "deactivate"] = Field(
        ..., title="Change", description="add a person, replace their roles, or deactivate them"
    )
    login: str = Field(..., title="Staff login", pattern=LOGIN_PATTERN)
    name: str = Field("", title="Full name", description="To add", max_length=200)
    email: str = Field("", title="Work e-mail", description="To add (one login per person)")
    office: Office = Field(Office("bruxelles"), title="Office", description="To add")
    roles: list[str] = Field(
        default_factory=list,
        title="Roles",
        description="To add or change roles: " + ", ".join(r.value for r in StaffRole),
    )
    reason: str = Field("", title="Reason", description="To deactivate (kept on the timeline)")

    @model_validator(mode="after")
    def _complete(self) -> "StaffAdminParameters":
        if self.action == "add" and not (self.name and self.email):
            raise ValueError("to add a staff member, give their full name and work e-mail")
        if self.action == "deactivate" and not self.reason:
            raise ValueError("to deactivate a staff member, give the reason")
        return self


class AdministratorConfirmation(StaffInput):
    """An administrator confirms the change described above."""

    decision_kind = DecisionKind.STAFF_ADMINISTRATION


@flow(name="staff-admin", flow_run_name="staff · {params.action} {params.login}", log_prints=True)
def staff_admin(
    params: Annotated[StaffAdminParameters, titled("Staff registry change", "Who and what")],
) -> str:
    """Describe the change → an administrator confirms with their code → the registry changes."""
    roles = [StaffRole(r) for r in params.roles]
    spec = StaffSpec(
        login=params.login,
        name=params.name or params.login,
        email=params.email or f"{params.login}@invalid.example",
        office=Office(params.office),
        roles=roles,
    )
    admin = ask_staff(
        AdministratorConfirmation,
        key=f"staff-admin-{runtime.flow_run.id}",
        question=f"**Staff registry: {params.action} `{params.login}`**\n\n"
        f"Roles: {', '.join(params.roles) or 'none'}. {params.reason}\n\n"
        "An administrator confirms with their login and code.",
    )
    view = change_staff(params.action, spec, roles, params.reason, admin.staff)
    return f"{view.login}: {params.action} by {admin.staff}"
