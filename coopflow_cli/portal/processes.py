"""How the portal starts a business process: a deployment run on the Prefect server, with
an idempotency key (a form sent twice starts one run). Injectable: tests that do not run a
server record the calls instead."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID


class ProcessNotStarted(Exception):
    """The orchestration server did not take the run (down, unreachable): the record is
    stored; starting again with the same key later starts it once."""


class ProcessStarter(Protocol):
    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        """Start `deployment` with `parameters` once per `key`; returns the run's id."""
        ...

    def resume(self, run_id: str, run_input: dict[str, Any]) -> None:
        """Wake a run that waits for an answer recorded already (it re-reads the record)."""
        ...


class DeploymentStarter:
    """The real starter: `run_deployment(..., timeout=0, idempotency_key=key)`."""

    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        from prefect.client.schemas.objects import FlowRun
        from prefect.deployments import run_deployment

        try:
            run = run_deployment(
                f"{deployment}/{deployment}",
                parameters=parameters,
                timeout=0,
                idempotency_key=key,
                _sync=True,  # type: ignore[call-arg]  # async pages: else a coroutine
            )
        except Exception as exc:  # server down, network: the caller keeps the record
            raise ProcessNotStarted(str(exc)) from exc
        assert isinstance(run, FlowRun)  # forced synchronous: the run, not a coroutine
        return str(run.id)

    def resume(self, run_id: str, run_input: dict[str, Any]) -> None:
        from prefect.flow_runs import resume_flow_run

        try:
            resume_flow_run(UUID(run_id), run_input=run_input, _sync=True)  # type: ignore[call-arg]
        except Exception as exc:
            raise ProcessNotStarted(str(exc)) from exc
