"""assembly-convening: convocation, personalised ballots and the mass mailing of a GA."""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.config import get_settings
from governance.domain.text import OneLineText
from governance.placeholders import require_ready
from tasks.assembly import (
    open_convening,
    prepare_chunk,
    prepare_shared_documents,
    publish_progress,
    publish_summary,
    schedule_followups,
    send_chunk,
    write_postal_pack,
)


class ConveningParameters(PaperForm):
    assembly_id: int = Field(..., title="Assembly", description="The assembly to convene (draft)")
    staff: OneLineText = Field(
        "system", title="Started by", description="Staff login, for the timeline"
    )
    chunk_size: int = Field(
        500,
        title="Shareholders per chunk",
        ge=10,
        le=5000,
        description="One task renders and one task sends each chunk",
    )
    connections: int = Field(3, title="SMTP connections", ge=1, le=10)


FORM = titled("Assembly to convene", "The general assembly, prepared as a draft")


@flow(
    name="assembly-convening",
    flow_run_name="convening · assembly {params.assembly_id}",
    log_prints=True,
)
def assembly_convening(params: Annotated[ConveningParameters, FORM]) -> dict[str, int]:
    """Convene: check the delay and board report, freeze the voters at the record date, send
    everyone their convocation, personal ballot and proxy form; re-running finishes the job."""
    require_ready(
        get_settings(), "convene the general assembly"
    )  # production: no placeholder settings
    plan = open_convening(params.assembly_id, params.staff, params.chunk_size)
    prepare_shared_documents(params.assembly_id)
    progress = publish_progress(params.assembly_id, None)
    sending, not_pdf = None, 0
    for number in plan["chunks"]:
        # ballots of chunk n while chunk n-1 is sent; a ballot left as DOCX is counted
        not_pdf += prepare_chunk(params.assembly_id, number)["not_pdf"]
        if sending is not None:
            sending.result()
            publish_progress(params.assembly_id, progress)
        sending = send_chunk.submit(params.assembly_id, number, params.connections)
    if sending is not None:
        sending.result()
    write_postal_pack(params.assembly_id)
    publish_progress(params.assembly_id, progress)
    schedule_followups(params.assembly_id)
    return publish_summary(params.assembly_id, not_pdf)
