"""Deployment steps run by Prefect on the worker, when a flow run starts.

Prefect resolves `{{ $VARIABLE }}` in prefect.yaml when deploying, on the deploying machine
(measured on 3.9: the pull step recorded the deploying checkout's absolute path). A step that
reads the variable itself reads it on the worker, so each machine runs its own checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


class CheckoutNotFound(RuntimeError):
    """The worker does not say where its checkout is, or it is not there."""


def enter_checkout(variable: str = "COOP_HOME") -> dict[str, str]:
    """Change into this worker's checkout of coopflow, named by its own $COOP_HOME."""
    directory = os.environ.get(variable, "")
    if not directory or not (Path(directory) / "prefect.yaml").is_file():
        raise CheckoutNotFound(
            f"{variable}={directory!r} on this worker does not name a checkout of coopflow "
            "(a folder holding prefect.yaml): set it in the worker's environment (`coop worker` "
            "sets it to its own checkout)"
        )
    os.chdir(directory)
    return {"directory": directory}
