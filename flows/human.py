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
4. Before anything is recorded, the login and the one-time code of the answer are verified
   (`verify_decider`: a registered, active staff member with the role the form's
   `decision_kind` needs, and a fresh code from their authenticator app). A refused answer
   records nothing: the run asks again under a new pause key, the reason shown in the form.
5. A task records the answer with the verified login (timeline: who decided).

Suspension needs the flow to run from a deployment (see prefect.yaml); in an ad-hoc run, give the
decision first through the service (`governance.services.decisions.record_decision`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar, Self, TypeVar

from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import Field, ValidationInfo, ValidatorFunctionWrapHandler, field_validator

from governance.domain.staff import CODE_PATTERN, DecisionKind
from governance.domain.text import OneLineText
from tasks.human import open_decision_request, record_decision
from tasks.mail import deliver_outbox
from tasks.staff import StaffRefusals, staff_refusals, verify_staff_answer

STAFF_LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{1,39}$"


class StaffInput(RunInput):
    """Base of every staff decision form: who decides is always asked, and proven by a code."""

    decision_kind: ClassVar[DecisionKind]  # each form says which decision (hence which role)

    staff: OneLineText = Field(
        ...,
        title="Your staff login",
        description="Lower-case login (e.g. anna.peeters); recorded on the member's timeline",
        pattern=STAFF_LOGIN_PATTERN,
        min_length=2,
        max_length=40,
    )
    one_time_code: str = Field(
        ...,
        title="Code from your authenticator app",
        description="The 6 digits your app shows now (or one of your recovery codes if you "
        "lost your phone); checked before anything is recorded",
        pattern=CODE_PATTERN,
        min_length=6,
        max_length=13,
    )

    @field_validator("one_time_code", mode="wrap")
    @classmethod
    def _recorded_needs_no_code(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if value == "" and info.context and info.context.get("recorded"):
            return value
        return handler(value)

    @classmethod
    def recorded(cls, decision: dict[str, Any], staff: str | None) -> Self:
        """A decision recorded already (its decider was verified then): no code to check."""
        given = {**decision, "staff": staff or "", "one_time_code": ""}
        return cls.model_validate(given, context={"recorded": True})


class DecisionCancelled(Exception):
    """The decision request was cancelled: the process stops here."""


Input = TypeVar("Input", bound=StaffInput)
Form = TypeVar("Form", bound=RunInput)


def suspend_for(form: type[Form], *, key: str, description: str, **initial: Any) -> Form:
    """Suspend the run until staff submit `form` (its description and `initial` values shown
    in the UI); no worker is held meanwhile. On resume the run starts again from the top and
    this call, with the same key, returns the answer the server validated against the form."""
    if not issubclass(form, StaffInput):
        return _suspend(form, key, description, initial)
    kind = getattr(form, "decision_kind", None)
    if kind is None:  # a programming error: every decision form names its kind (its role)
        raise TypeError(f"{form.__name__} must declare decision_kind")
    refused = staff_refusals(key)
    while True:  # a refused login or code records nothing: ask again, saying why
        pause = key if refused.count == 0 else f"{key}-code-{refused.count}"
        why = f"\n\n**Not recorded:** {refused.last_reason}" if refused.last_reason else ""
        answer = _suspend(form, pause, f"{description}{why}", initial)
        check = verify_staff_answer(slug(pause), key, answer.staff, answer.one_time_code, kind)
        if check.verified:
            return answer
        deliver_outbox(keys_prefix=check.mail_prefix)  # a lock is reported to administrators
        refused = StaffRefusals(count=refused.count + 1, last_reason=check.reason)


def _suspend(form: type[Form], key: str, description: str, initial: dict[str, Any]) -> Form:
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
        return input_model.recorded(opened.decision, opened.decided_by)
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
    """What is stored as the decision: the form's fields except the login (kept apart) and
    the code (never stored)."""
    return answer.model_dump(mode="json", exclude={"staff", "one_time_code"})


def slug(key: str) -> str:
    """Prefect pause and artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150]
