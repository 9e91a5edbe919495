"""Human tasks: a flow asks staff a question and waits (days if need be) for the answer.

Every process flow uses `await_decision` the same way:

    class ContractReview(StaffInput):
        verdict: Literal["approve", "refuse"] = Field(..., title="Decision")
        reason: Text = Field("", title="Reason", description="Told to the member if refused")

    review = await_decision(key=f"contract-approval:{contract_id}", process="contract-approval",
                            subject_type="contract", subject_id=contract_id,
                            question_markdown=table_of_checks, input_model=ContractReview,
                            due_in=timedelta(days=2), member_id=member_id)

How it works:
1. A task opens the `DecisionRequest` (idempotent by `key`). If staff already decided (e.g. with
   the CLI, or before a crash), the recorded answer is returned and the flow does not stop.
2. Otherwise the question is published as a markdown artifact on the run, and the run is
   *suspended* with `input_model` as the resume form; the question is the form's description.
   Suspension frees the worker; the run waits in the UI (and in `coop inbox`) until resumed.
   The server validates the answer against the form's JSON schema, so constraints must be
   expressible there (`pattern`, `min_length`, `Literal`...), not in Python validators.
3. On resume the flow **re-runs from the top**: every step before `await_decision` must be
   idempotent (check the status in the database, or use keyed documents/outbox rows). The
   suspension with the same `key` then returns the answer instead of stopping again.
4. A task records the answer with the staff login given in the form (timeline: who decided).

Suspension needs the flow to run from a deployment (see prefect.yaml); in an ad-hoc run, give the
decision first through the service (`governance.services.decisions.record_decision`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, TypeVar

from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import Field

from governance.domain.text import OneLineText
from tasks.human import open_decision_request, record_decision

STAFF_LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{1,39}$"


class StaffInput(RunInput):
    """Base of every staff decision form: who decides is always asked."""

    staff: OneLineText = Field(
        ...,
        title="Your staff login",
        description="Lower-case login (e.g. anna.peeters); recorded on the member's timeline",
        pattern=STAFF_LOGIN_PATTERN,
        min_length=2,
        max_length=40,
    )


class DecisionCancelled(Exception):
    """The decision request was cancelled: the process stops here."""


Input = TypeVar("Input", bound=StaffInput)
Form = TypeVar("Form", bound=RunInput)


def suspend_for(form: type[Form], *, key: str, description: str, **initial: Any) -> Form:
    """Suspend the run until staff submit `form` (its description and `initial` values shown
    in the UI); no worker is held meanwhile. On resume the run starts again from the top and
    this call, with the same key, returns the answer the server validated against the form."""
    described = form.with_initial_data(description=description, **initial)
    answer: Form = suspend_flow_run(wait_for_input=described, key=slug(key), timeout=None)
    return answer


def await_decision(
    *,
    key: str,
    process: str,
    subject_type: str,
    subject_id: object,
    question_markdown: str,
    input_model: type[Input],
    due_in: timedelta,
    member_id: int | None = None,
) -> Input:
    """Ask staff (from a flow, not a task); return their validated answer once given."""
    opened = open_decision_request(
        key,
        process,
        subject_type,
        str(subject_id),
        question_markdown,
        int(due_in.total_seconds()),
        member_id,
    )
    if opened.status == "cancelled":
        raise DecisionCancelled(f"decision '{key}' was cancelled: {opened.decision}")
    if opened.status == "decided" and opened.decision is not None:
        return input_model.model_validate({**opened.decision, "staff": opened.decided_by})
    if opened.created:
        due = f"{opened.due_at:%Y-%m-%d %H:%M} UTC"
        create_markdown_artifact(
            markdown=f"{question_markdown}\n\n*Due by {due}. Decision key `{key}`.*",
            key=slug(f"decision-{key}"),
            description=f"Staff decision asked by {process}",
        )
    answer = suspend_for(input_model, key=key, description=question_markdown)
    record_decision(key, decision_of(answer), answer.staff)
    return answer


def decision_of(answer: StaffInput) -> dict[str, Any]:
    """What is stored as the decision: the form's fields except the login (kept apart)."""
    return answer.model_dump(mode="json", exclude={"staff"})


def slug(key: str) -> str:
    """Prefect pause and artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150]
