"""A flow that runs until it is killed: the probe of the lost-run test (deployed by it only)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow


@flow(name="lost-run-probe")
def lost_run_probe(marker: str, seconds: float = 900) -> None:
    """Write this process's pid to `marker`, then wait."""
    Path(marker).write_text(f"{os.getpid()}\n")
    time.sleep(seconds)
