"""assembly-closing: close the vote, count it, publish the results, draft the minutes and
e-mail the results to every shareholder. Safe to run again: nothing changes twice.

The convening schedules this flow at the end of the voting window with only
`assembly_id`; staff may start it earlier with `close_early`."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from governance.domain.text import OneLineText
from tasks.mail import deliver_outbox
from tasks.voting import close_assembly_voting, produce_minutes, publish_results, queue_results_mail


# Prefect titles a flat parameter by its name unless `json_schema_extra` says otherwise.
@flow(name="assembly-closing", log_prints=True, validate_parameters=True)
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
        description="Only on a staff decision: closes the voting now even if it is open",
    ),
    staff: OneLineText = Field(
        "system",
        title="Started by",
        json_schema_extra={"title": "Started by"},
        description="Staff login, for the timeline",
    ),
    mail_chunk_size: int = Field(
        1000,
        title="E-mails queued per chunk",
        json_schema_extra={"title": "E-mails queued per chunk"},
        ge=50,
        le=5000,
    ),
) -> dict[str, object]:
    """Close, count, publish, draft the minutes, e-mail the results."""
    sealed = close_assembly_voting(assembly_id, staff, close_early)
    publish_results(assembly_id)
    minutes = produce_minutes(assembly_id)
    queued = queue_results_mail(assembly_id, mail_chunk_size)
    mail = deliver_outbox(keys_prefix=f"mail:assembly-results:{assembly_id}:")
    return {**sealed, "minutes": minutes, "mails_queued": queued, "mail": mail}
