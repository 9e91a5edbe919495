"""assembly-convening-part: one part of a convening (a few chunks), on whichever worker is free.

The convening (flows/assembly_convening.py) starts one run of this deployment per part; any worker
polling the pool takes it. A part renders its chunks' ballots (PDF), queues their e-mails and sends
them; it is safe to run again (what is done is skipped), which is how a part lost with its machine
is finished on another one.
"""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from tasks.assembly import prepare_chunk, send_chunk

Chunks = Annotated[
    list[int],
    Field(json_schema_extra={"title": "Chunks", "description": "Chunk numbers of this part"}),
]


def convene_chunks(assembly_id: int, chunks: list[int], connections: int = 3) -> int:
    """Prepare chunk n while chunk n-1 is sent; returns the ballots left as DOCX."""
    sending, not_pdf = None, 0
    for number in chunks:
        not_pdf += prepare_chunk(assembly_id, number)["not_pdf"]
        if sending is not None:
            sending.result()
        sending = send_chunk.submit(assembly_id, number, connections)
    if sending is not None:
        sending.result()
    return not_pdf


@flow(
    name="assembly-convening-part",
    flow_run_name="convening · assembly {assembly_id} · chunks {chunks}",
    log_prints=True,
)
def assembly_convening_part(
    assembly_id: Annotated[int, Field(json_schema_extra={"title": "Assembly"})],
    chunks: Chunks,
    connections: Annotated[
        int, Field(ge=1, le=10, json_schema_extra={"title": "SMTP connections"})
    ] = 3,
) -> dict[str, int]:
    """Ballots, e-mails and sending for these chunks of the convening."""
    return {
        "chunks": len(chunks),
        "ballots_left_as_docx": convene_chunks(assembly_id, chunks, connections),
    }
