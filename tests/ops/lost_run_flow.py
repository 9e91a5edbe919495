"""The probes of the lost-run test (deployed by it only): a flow that runs until it is killed,
and one that waits for a person, suspended, its process gone on purpose."""

from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow
from prefect.flow_runs import suspend_flow_run


@flow(name="lost-run-probe")
def lost_run_probe(marker: str, seconds: float = 900) -> None:
    """Write this process's pid to `marker`, then wait."""
    Path(marker).write_text(f"{os.getpid()}\n")
    time.sleep(seconds)


@flow(name="waiting-probe")
def waiting_probe() -> None:
    """Suspend at once, as a flow waiting for a staff decision does (no heartbeat, no process)."""
    suspend_flow_run(timeout=None)
