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
   the run is *suspended* with the form as the resume form (staff login and one-time code
   first); the question is the form's description. Suspension frees the worker; the run waits
   in the UI (and in `coop inbox`) until resumed. The server checks the answer against the
   form's JSON schema; checks it cannot express are Python validators: a refused answer is
   explained in words and the question asked again in the same run.
3. On resume the flow **re-runs from the top**: every step before the wait must be idempotent
   (check the status in the database, or use keyed documents/outbox rows). The suspension with
   the same key then returns the answer instead of stopping again.
4. Before anything is recorded, the login and the one-time code of the answer are verified
   (`verify_decider`: a registered, active staff member with the role the form's
   `decision_kind` needs, and a fresh code from their authenticator app). A refused answer
   records nothing: the run asks again under a new pause key, the reason shown in the form.
5. A task records the answer with the verified login (timeline: who decided).

Suspension needs the flow to run from a deployment (see prefect.yaml); in an ad-hoc run, give the
decision first (`uow.decisions.decide`, or the process's own CLI command).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar, Self, TypeVar

from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from flows.forms import PaperForm
from governance.clock import BRUSSELS, brussels_now
from governance.domain.staff import CODE_PATTERN, DecisionKind
from governance.domain.text import OneLineText
from tasks.human import open_decision_request, record_decision
from tasks.mail import deliver_outbox
from tasks.staff import StaffRefusals, staff_refusals, verify_staff_answer

STAFF_LOGIN = re.compile(r"[a-z][a-z0-9._-]{1,39}")
CODE = re.compile(CODE_PATTERN)


class StaffInput(PaperForm, RunInput):
    """Base of every staff decision form: who decides is always asked first, and proven by a
    code from their authenticator app."""

    decision_kind: ClassVar[DecisionKind]  # each form says which decision (hence which role)

    staff: OneLineText = Field(
        ...,
        title="Your staff login",
        description="Your lower-case login, e.g. anna.peeters; recorded as who decided",
        min_length=2,
        max_length=40,
    )
    one_time_code: str = Field(
        ...,
        title="Code from your authenticator app",
        description="The 6 digits your app shows now (or one of your recovery codes if you "
        "lost your phone); checked before anything is recorded",
        max_length=13,
    )

    @field_validator("one_time_code", mode="wrap")
    @classmethod
    def _a_code(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if value == "" and info.context and info.context.get("recorded"):
            return value  # a decision recorded already: its decider was verified then
        if not isinstance(value, str) or not CODE.match(value):
            raise ValueError(
                "write the 6 digits your authenticator app shows now (e.g. 123 456), or one "
                "of your recovery codes (e.g. k3x9p-2mq7w)"
            )
        return handler(value)

    @classmethod
    def recorded(cls, decision: dict[str, Any], staff: str | None) -> Self:
        """A decision recorded already (its decider was verified then): no code to check."""
        given = {**decision, "staff": staff or "", "one_time_code": ""}
        return cls.model_validate(given, context={"recorded": True})

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
    starts again from the top and this call, with the same key, returns the answer.

    Two kinds of refusal ask again in the same run, the reason in words at the top of the form:
    an answer the form's Python checks refuse (which the UI cannot show), and for staff
    decisions a login or code that `verify_decider` refuses (nothing is recorded then)."""
    staff_form = issubclass(form, StaffInput)
    kind = getattr(form, "decision_kind", None)
    if staff_form and kind is None:  # a programming error: every decision form names its kind
        raise TypeError(f"{form.__name__} must declare decision_kind")
    refused = staff_refusals(key) if staff_form else StaffRefusals(count=0, last_reason=None)
    notice = f"**Not recorded:** {refused.last_reason}\n\n" if refused.last_reason else ""
    invalid = 0  # answers the form refused in this verification round (replayed on resume)
    while True:
        base = key if refused.count == 0 else f"{key}-code-{refused.count}"
        pause = base if invalid == 0 else f"{base}-again-{invalid}"
        try:
            answer = _ask(form, pause, f"{notice}{description}", initial)
        except ValidationError as exc:
            invalid += 1
            if invalid >= 100:
                raise RuntimeError(f"decision '{key}': too many refused answers") from exc
            notice = f"**Not accepted, please answer again:** {explain(exc, form)}\n\n"
            continue
        if not isinstance(answer, StaffInput):
            return answer
        check = verify_staff_answer(
            slug(pause), key, answer.staff, answer.one_time_code, answer.decision_kind
        )
        if check.verified:
            return answer
        deliver_outbox(keys_prefix=check.mail_prefix)  # a lock is reported to administrators
        refused = StaffRefusals(count=refused.count + 1, last_reason=check.reason)
        notice, invalid = f"**Not recorded:** {check.reason}\n\n", 0


def _ask(form: type[Form], key: str, description: str, initial: dict[str, Any]) -> Form:
    """Publish the question (once) and suspend the run until `form` is submitted."""
    round_key = slug(key)
    if not _answered(round_key):
        _publish_question(round_key, description)
    described = form.with_initial_data(description=description, **initial)
    answer: Form = suspend_flow_run(wait_for_input=described, key=round_key, timeout=None)
    return answer


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
        return input_model.recorded(opened.decision, opened.decided_by)
    due = f"{opened.due_at.astimezone(BRUSSELS):%d/%m/%Y %H:%M} (Brussels time)"
    answer = suspend_for(
        input_model, key=key, description=f"{question_markdown}\n\n*Due by {due}.*"
    )
    record_decision(key, decision_of(answer), answer.staff)
    return answer


def decision_of(answer: StaffInput) -> dict[str, Any]:
    """What is stored as the decision: the form's fields except the login (kept apart) and
    the code (never stored)."""
    return answer.model_dump(mode="json", exclude={"staff", "one_time_code"})


def slug(key: str) -> str:
    """Prefect pause and artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150]
