"""Human tasks: a flow asks staff a question and waits (days if need be) for the answer.

One way to wait: `suspend_for(form, key=..., description=question_markdown)`. Every process
that asks staff calls it (directly, after opening its own decision record in a service, or
through `await_decision`, which opens a generic `DecisionRequest` first):

    class ContractReview(StaffInput):
        verdict: Literal["approve", "refuse"] = Field(..., title="Decision")
        reason: Text = Field("", title="Reason", description="Told to the member if refused")

How it works:
1. The decision record is opened by a task (idempotent by key). If staff already decided (with
   the CLI, or before a crash), the recorded answer is returned and the flow does not stop.
2. Otherwise the question is published as a markdown artifact on the run (Artifacts tab), and
   the run is *suspended* with the form as the resume form (staff login first); the question
   is the form's description. Suspension frees the worker; the run waits in the UI (and in
   `coop inbox`) until resumed. The server checks the answer against the form's JSON schema;
   checks it cannot express are Python validators: a refused answer is explained in words and
   the question asked again in the same run.
3. On resume the flow **re-runs from the top**: every step before the wait must be idempotent
   (check the status in the database, or use keyed documents/outbox rows). The suspension with
   the same key then returns the answer instead of stopping again.
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
from pydantic import Field, ValidationError, field_validator

from flows.forms import PaperForm
from governance.clock import BRUSSELS, brussels_now
from governance.domain.text import OneLineText
from tasks.human import open_decision_request, record_decision

STAFF_LOGIN = re.compile(r"[a-z][a-z0-9._-]{1,39}")


class StaffInput(PaperForm, RunInput):
    """Base of every staff form: who answers is always asked, first."""

    staff: OneLineText = Field(
        ...,
        title="Your staff login",
        description="Your lower-case login, e.g. anna.peeters; recorded as who decided",
        min_length=2,
        max_length=40,
    )

    @field_validator("staff")
    @classmethod
    def _a_login(cls, value: str) -> str:
        value = value.strip()
        if not STAFF_LOGIN.fullmatch(value):
            raise ValueError(
                f"'{value}' is not a staff login: write yours in lower case, starting with a "
                "letter, with letters, digits, dots or dashes only (e.g. anna.peeters)"
            )
        return value


class DecisionCancelled(Exception):
    """The decision request was cancelled: the process stops here."""


Input = TypeVar("Input", bound=StaffInput)
Form = TypeVar("Form", bound=RunInput)


def suspend_for(form: type[Form], *, key: str, description: str, **initial: Any) -> Form:
    """The one way a flow waits for staff: publish the question as a markdown artifact on the
    run, then suspend it (no worker held) with `form` as the resume form. On resume the run
    starts again from the top and this call, with the same key, returns the answer. An answer
    the form refuses (its Python checks, which the UI cannot show) is explained in words and
    the question asked again, so staff correct it in the same page."""
    refusal = ""
    for attempt in range(100):
        asked = f"{refusal}{description}"
        round_key = slug(key if attempt == 0 else f"{key}-again-{attempt}")
        if not _answered(round_key):
            _publish_question(round_key, asked)
        described = form.with_initial_data(description=asked, **initial)
        try:
            answer: Form = suspend_flow_run(wait_for_input=described, key=round_key, timeout=None)
            return answer
        except ValidationError as exc:
            refusal = f"**Not accepted, please answer again:** {explain(exc, form)}\n\n"
    raise RuntimeError(f"decision '{key}': too many refused answers")


def explain(exc: ValidationError, form: type[RunInput]) -> str:
    """Each refused field by its form title, in words (never a regular expression)."""
    parts = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        field = form.model_fields.get(name)
        title = (field.title if field else None) or name
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{title}: {message}" if title else message)
    return "; ".join(parts)


def _answered(key: str) -> bool:
    """Whether staff already answered this round (the run is replaying after its resume)."""
    from prefect.input.actions import read_flow_run_input
    from prefect.input.run_input import keyset_from_base_key

    return read_flow_run_input(keyset_from_base_key(f"suspended-{key}")["response"]) is not None


def _publish_question(key: str, question: str) -> None:
    """The question and its facts on the run's Artifacts tab (once per question)."""
    asked_at = brussels_now()
    create_markdown_artifact(
        markdown=f"{question}\n\n*Asked {asked_at:%d/%m/%Y %H:%M} (Brussels time). "
        f"Answer with the run's Resume button.*",
        key=f"question-{key}"[:100],
        description="What staff are asked to decide",
    )


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
    due = f"{opened.due_at.astimezone(BRUSSELS):%d/%m/%Y %H:%M} (Brussels time)"
    answer = suspend_for(
        input_model, key=key, description=f"{question_markdown}\n\n*Due by {due}.*"
    )
    record_decision(key, decision_of(answer), answer.staff)
    return answer


def decision_of(answer: StaffInput) -> dict[str, Any]:
    """What is stored as the decision: the form's fields except the login (kept apart)."""
    return answer.model_dump(mode="json", exclude={"staff"})


def slug(key: str) -> str:
    """Prefect pause and artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150]
