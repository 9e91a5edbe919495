"""assembly-reminders: remind the shareholders who have not voted, N days before the close."""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from governance.config import get_settings
from governance.placeholders import require_ready
from tasks.assembly import queue_reminders, send_reminders


@flow(
    name="assembly-reminders", flow_run_name="reminders · assembly {assembly_id}", log_prints=True
)
def assembly_reminders(
    assembly_id: Annotated[
        int,
        Field(json_schema_extra={"title": "Assembly", "description": "The general assembly's id"}),
    ],
) -> dict[str, int]:
    """Queue one reminder per shareholder who has not voted (with an e-mail), then send them."""
    require_ready(
        get_settings(), "send the assembly reminders"
    )  # production: no placeholder settings
    queued = queue_reminders(assembly_id)
    sent = send_reminders(assembly_id)
    return {"queued": queued, **sent}
