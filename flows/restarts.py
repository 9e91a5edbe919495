"""The `restarts` parameter of a mass job (the convening, the transition campaign, the contract
batch): how many times the restart automation (coopflow_cli.fleet) started the job again after
the machine running it was lost. Its maximum is the bound: the server refuses a run whose
parameters break the deployment's schema, so the automation stops at MAX_RESTARTS and the last
Crashed run stays for staff to look at."""

from __future__ import annotations

from typing import Annotated

from prefect import get_run_logger
from pydantic import Field

MAX_RESTARTS = 3

Restarts = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_RESTARTS,
        json_schema_extra={  # as flows.forms.titled: Prefect would title it `restarts`
            "title": "Automatic restarts",
            "description": "Set when a lost machine's run is started again; leave 0",
        },
    ),
]


def note_restart(restarts: int) -> None:
    """Say in the run's log that this run finishes the job of a lost one."""
    if restarts:
        get_run_logger().warning(
            "Started again after the machine running this job was lost (%d of at most %d); "
            "what the lost run finished is skipped",
            restarts,
            MAX_RESTARTS,
        )
