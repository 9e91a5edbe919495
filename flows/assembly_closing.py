"""assembly-closing: close the vote, count it, publish the results, draft the minutes and
e-mail the results to every shareholder. Safe to run again: nothing changes twice.

The convening schedules this flow at the end of the voting window with only
`assembly_id`; staff may start it earlier with `close_early`: while the vote is open, the run
then waits for a board member's verified decision (login and code in its resume form, or given
first with `coop assembly close --early`)."""

from __future__ import annotations

from datetime import timedelta

from prefect import flow
from pydantic import Field

from flows.human import NewRequest, StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text
from tasks.mail import deliver_outbox
from tasks.voting import (
    close_assembly_voting,
    early_close_question,
    produce_minutes,
    publish_results,
    queue_results_mail,
)


class EarlyCloseInput(StaffInput):
    """A board member closes the vote before the end announced in the convocation."""

    decision_kind = DecisionKind.ASSEMBLY_EARLY_CLOSE

    reason: Text = Field("", title="Reason", description="Kept with the decision on the timeline")


# Prefect titles a flat parameter by its name unless `json_schema_extra` says otherwise.
@flow(
    name="assembly-closing",
    flow_run_name="closing · assembly {assembly_id}",
    log_prints=True,
    validate_parameters=True,
)
def assembly_closing(
    assembly_id: int = Field(
        ...,
        title="Assembly",
        json_schema_extra={"title": "Assembly"},
        description="The general assembly's id",
    ),
    close_early: bool = Field(
        False,
        title="Close before the window ends",
        json_schema_extra={"title": "Close before the window ends"},
        description="Closes the voting now even if it is open, once a board member confirms "
        "it with their login and code in the run's resume form",
    ),
    staff: OneLineText = Field(
        "system",
        title="Started by",
        json_schema_extra={"title": "Started by"},
        description="Staff login, for the timeline (an early close records the board member "
        "who confirmed it with their code)",
    ),
    mail_chunk_size: int = Field(
        1000,
        title="E-mails queued per chunk",
        json_schema_extra={"title": "E-mails queued per chunk"},
        ge=50,
        le=5000,
    ),
) -> dict[str, object]:
    """(Early: a board member decides) → close, count, publish, minutes, e-mail the results."""
    question = early_close_question(assembly_id) if close_early else None
    if question is not None:
        key, text = question
        decided = ask_staff(
            EarlyCloseInput,
            key=key,
            question=text,
            request=NewRequest("assembly-closing", "assembly", assembly_id, timedelta(days=1)),
        )
        staff = decided.staff
    sealed = close_assembly_voting(assembly_id, staff, close_early)
    publish_results(assembly_id)
    minutes = produce_minutes(assembly_id)
    queued = queue_results_mail(assembly_id, mail_chunk_size)
    mail = deliver_outbox(keys_prefix=mail_keys.assembly_results(assembly_id))
    return {**sealed, "minutes": minutes, "mails_queued": queued, "mail": mail}
