"""assembly-convening: convocation, personalised ballots and the mass mailing of a GA."""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.assembly_convening_part import convene_chunks
from flows.forms import PaperForm, titled
from flows.restarts import Restarts, note_restart
from governance.config import get_settings
from governance.kernel.rules.text import OneLineText
from governance.placeholders import require_ready
from tasks.assembly import (
    finish_delivery,
    open_convening,
    prepare_shared_documents,
    publish_progress,
    publish_summary,
    schedule_followups,
    write_postal_pack,
)
from tasks.exclusive import one_run_at_a_time
from tasks.fanout import fan_out, in_parts

PARTS = "assembly-convening-part/assembly-convening-part"


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
    chunks_per_part: int = Field(
        4,
        title="Chunks per worker run",
        ge=1,
        le=100,
        description="The chunks go to the workers in parts of this many (one run per part)",
    )
    connections: int = Field(3, title="SMTP connections", ge=1, le=10)


FORM = titled("Assembly to convene", "The general assembly, prepared as a draft")


@flow(
    name="assembly-convening",
    flow_run_name="convening · assembly {params.assembly_id}",
    log_prints=True,
)
def assembly_convening(
    params: Annotated[ConveningParameters, FORM], restarts: Restarts = 0
) -> dict[str, object]:
    """Convene: check the delay and board report, freeze the voters at the record date, send
    everyone their convocation, personal ballot and proxy form, in parts spread over the workers;
    never completed while an e-mail is still waiting; re-running finishes the job."""
    require_ready(
        get_settings(), "convene the general assembly"
    )  # production: no placeholder settings
    note_restart(restarts)
    # a second start while one runs is refused before it writes (the database decides)
    with one_run_at_a_time(
        f"assembly-convening:{params.assembly_id}",
        f"The convening of assembly {params.assembly_id}",
    ):
        plan = open_convening(params.assembly_id, params.staff, params.chunk_size)
        prepare_shared_documents(params.assembly_id)
        progress = publish_progress(params.assembly_id, None)
        parts = in_parts(
            plan["chunks"],
            params.chunks_per_part,
            assembly_id=params.assembly_id,
            connections=params.connections,
        )
        spread = fan_out(
            PARTS,
            parts,
            lambda parts: [convene_chunks(**p) for p in parts],
            label=f"convening · assembly {params.assembly_id}",
            on_wait=lambda: publish_progress(params.assembly_id, progress),
        )
        finish_delivery(params.assembly_id, plan["chunks"], params.connections)
        write_postal_pack(params.assembly_id)
        publish_progress(params.assembly_id, progress)
        schedule_followups(params.assembly_id)
        return publish_summary(params.assembly_id, spread.as_dict())
