"""Real runs of a deployment's flow in this process: started from the deployment, run until
they suspend, and the resume form's description read back (where a refusal's reason shows)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun, State
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.input.actions import read_flow_run_input
from prefect.input.run_input import keyset_from_paused_state
from pydantic import BaseModel


def start(flow: Any, params: BaseModel) -> FlowRun:
    """A run of `flow` created from a deployment, as staff start one in the UI."""
    deployment_id = flow.to_deployment(name=f"{flow.name}-staff-test").apply()
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id, parameters={"params": params.model_dump(mode="json")}
        )


def run(flow: Any, flow_run_id: UUID) -> State[Any]:
    """Run (or resume) the flow run here until it ends or suspends; its state then."""
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:  # a worker would exit here; in-process the Pause propagates
        run_flow(flow, flow_run=flow_run, return_type="state", parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    assert state is not None
    return state


def paused_description(flow_run_id: UUID) -> str:
    """The markdown the resume form shows (the reason of a refused answer is in it)."""
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    keyset = keyset_from_paused_state(state)
    return str(read_flow_run_input(keyset["description"], flow_run_id=flow_run_id))
