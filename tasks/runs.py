"""The run itself, as staff see it in the Prefect UI."""

from __future__ import annotations

from uuid import UUID

from prefect import task
from prefect.runtime import flow_run

from tasks.common import IO_RETRIES


@task(name="name-run", **IO_RETRIES)
def name_run(name: str) -> None:
    """Name the current run after its subject, once known (never personal data)."""
    from prefect import get_client

    run_id = flow_run.get_id()
    if not run_id:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(UUID(str(run_id)), name=name)
