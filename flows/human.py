"""Human tasks: a flow asks staff a question and waits (days if need be) for the answer.

One way to wait: `ask_staff(form, key=..., question=question_markdown, answered=...)`. Every
process that asks a person calls it. The decision request is the process's own (a task opened
it in a service and returns it: `answered=`), or a generic one opened and answered by
`ask_staff` itself (`request=NewRequest(...)`):

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
5. A task records the answer with the verified login (timeline: who decided): the process's
   own business task, or for a generic request `ask_staff` itself.

Suspension needs the flow to run from a deployment (see prefect.yaml); in an ad-hoc run, give the
decision first (`uow.decisions.decide`, or the process's own CLI command).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Protocol, Self, TypeVar

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
from governance.kernel.rules.staff import CODE_PATTERN, DecisionKind
from governance.kernel.rules.text import OneLineText
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


class Answered(Protocol):
    """What a process's own task says of its decision request: the answer, if given already
    (in the inbox, the CLI, or before a crash). A cancelled request carries its reason as the
    decision and no decider."""

    @property
    def decision(self) -> dict[str, Any] | None: ...

    @property
    def decided_by(self) -> str | None: ...


@dataclass(frozen=True)
class NewRequest:
    """For a process without a decision record of its own: the generic request `ask_staff`
    opens (idempotent by key) and on which it records the answer."""

    process: str
    subject_type: str
    subject_id: object
    due_in: timedelta
    member_id: int | None = None


Input = TypeVar("Input", bound=StaffInput)


def ask_staff(
    form: type[Input],
    *,
    key: str,
    question: str,
    answered: Answered | None = None,
    request: NewRequest | None = None,
    **initial: Any,
) -> Input:
    """The one way a flow waits for a person: the answer recorded already, else the question
    on the run and the run suspended (no worker held) with `form` as the resume form.

    The decision request is the process's own (its task opened it: pass what it returned as
    `answered`) or, with `request`, a generic one opened here and answered here. On resume the
    run starts again from the top and this call, with the same key, returns the answer."""
    if request is not None:
        opened = open_decision_request(
            key,
            request.process,
            request.subject_type,
            str(request.subject_id),
            question,
            int(request.due_in.total_seconds()),
            request.member_id,
        )
        answered = opened
        question += (
            f"\n\n*Due by {opened.due_at.astimezone(BRUSSELS):%d/%m/%Y %H:%M} (Brussels time).*"
        )
    if answered is not None and answered.decision is not None:
        if not answered.decided_by:
            raise DecisionCancelled(f"decision '{key}' was cancelled: {answered.decision}")
        return form.recorded(answered.decision, answered.decided_by)
    answer = _suspend_until_answered(form, key=key, description=question, initial=initial)
    if request is not None:
        record_decision(key, decision_of(answer), answer.staff)
    return answer


def _suspend_until_answered(
    form: type[Input], *, key: str, description: str, initial: dict[str, Any]
) -> Input:
    """Publish the question as a markdown artifact on the run, then suspend it with `form` as
    the resume form, until an answer is accepted.

    Two kinds of refusal ask again in the same run, the reason in words at the top of the form:
    an answer the form's Python checks refuse (which the UI cannot show), and a login or code
    that `verify_decider` refuses (nothing is recorded then)."""
    if getattr(form, "decision_kind", None) is None:  # a programming error
        raise TypeError(f"{form.__name__} must declare decision_kind")
    refused = staff_refusals(key)
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
        check = verify_staff_answer(
            slug(pause), key, answer.staff, answer.one_time_code, answer.decision_kind
        )
        if check.verified:
            return answer
        deliver_outbox(keys_prefix=check.mail_prefix)  # a lock is reported to administrators
        refused = StaffRefusals(count=refused.count + 1, last_reason=check.reason)
        notice, invalid = f"**Not recorded:** {check.reason}\n\n", 0


def _ask(form: type[Input], key: str, description: str, initial: dict[str, Any]) -> Input:
    """Publish the question (once) and suspend the run until `form` is submitted."""
    round_key = slug(key)
    if not _answered(round_key):
        _publish_question(round_key, description)
    described = form.with_initial_data(description=description, **initial)
    answer: Input = suspend_flow_run(wait_for_input=described, key=round_key, timeout=None)
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


def decision_of(answer: StaffInput) -> dict[str, Any]:
    """What is stored as the decision: the form's fields except the login (kept apart) and
    the code (never stored)."""
    return answer.model_dump(mode="json", exclude={"staff", "one_time_code"})


def slug(key: str) -> str:
    """Prefect pause and artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150]
