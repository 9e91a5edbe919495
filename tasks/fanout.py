"""Mass jobs spread over the work pool: one child flow run per part, any worker, any machine.

A mass job (the convening, the transition campaign, the contract batch) splits its work into
parts; each part is a run of a *parts deployment* that any worker polling the pool picks up, so two
workers on two machines each take a share. The parent waits for its children and stays *Running*
until every part is completed: a part whose run failed or crashed (a machine lost, its run marked
*Crashed* by the lost-run automation) is started again, up to `attempts` times, on whichever worker
is free. Parts are idempotent (the use cases skip what is done), so a second run of a part only
finishes what the first left.

Outside a deployment (tests, `make demo`, a flow called in-process) or when the parts deployment
is not deployed, the parts run here, one after the other, as before. COOP_FAN_OUT=off forces that.

Each child run has an idempotency key made of the parent run, the part and the attempt: a parent
that is itself re-run finds its children instead of starting them twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.runtime import deployment as current_deployment
from prefect.runtime import flow_run as current_flow_run

POLL_SECONDS = 3.0


class PartsNotDone(RuntimeError):
    """Some parts never completed: the parent run fails, naming them (a re-run finishes them)."""


@dataclass(frozen=True)
class Part:
    key: str  # unique within the job, e.g. "chunks-1-5"
    parameters: Mapping[str, Any]


@dataclass
class FanOutReport:
    where: str  # "workers" or "here"
    parts: int = 0
    runs: dict[str, list[str]] = field(default_factory=dict)  # part -> its run ids, in order
    workers: dict[str, str] = field(default_factory=dict)  # part -> the worker that completed it
    restarted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "parts": self.parts,
            "restarted": self.restarted,
            "runs": {k: len(v) for k, v in self.runs.items()},
            "parts_per_worker": self.share(),
        }

    def share(self) -> dict[str, int]:
        """How many parts each worker completed (the fair-share figure)."""
        counts: dict[str, int] = {}
        for worker in self.workers.values():
            counts[worker] = counts.get(worker, 0) + 1
        return dict(sorted(counts.items()))


def in_parts(chunks: Sequence[int], size: int, **fixed: Any) -> list[Part]:
    """Chunk numbers grouped `size` at a time, each group a part with the `fixed` parameters."""
    groups = [list(chunks[i : i + size]) for i in range(0, len(chunks), max(1, size))]
    return [Part(f"chunks {g[0]}-{g[-1]}", {**fixed, "chunks": g}) for g in groups]


def _wanted(deployment_name: str) -> bool:
    if os.environ.get("COOP_FAN_OUT", "auto").lower() in ("off", "0", "false", "no"):
        return False
    if current_deployment.id is None:  # not a deployment run: in-process, as before
        return False
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(deployment_name)
        except ObjectNotFound:
            get_run_logger().warning(
                "%s is not deployed: the parts run in this process", deployment_name
            )
            return False
    return True


def _start(deployment_name: str, part: Part, attempt: int, label: str) -> UUID:
    run = run_deployment(
        name=deployment_name,
        parameters=dict(part.parameters),
        timeout=0,
        flow_run_name=f"{label} · {part.key}" + (f" · attempt {attempt}" if attempt > 1 else ""),
        idempotency_key=f"{current_flow_run.id}:{part.key}:{attempt}",
    )
    assert isinstance(run, FlowRun)  # called from a sync flow: the run, not a coroutine
    return run.id


def fan_out(
    deployment_name: str,
    parts: Sequence[Part],
    here: Callable[[list[Mapping[str, Any]]], object],
    *,
    label: str,
    attempts: int = 3,
    on_wait: Callable[[], object] | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> FanOutReport:
    """Run every part as a child run of `deployment_name`; return once every part completed, or
    raise PartsNotDone. Without a deployment, `here` runs the parts' parameters in this process
    (its own way: one after the other, or in threads)."""
    if not parts:
        return FanOutReport("here")
    if not _wanted(deployment_name):
        here([part.parameters for part in parts])
        return FanOutReport("here", len(parts))
    return _children(deployment_name, parts, label, attempts, on_wait, poll_seconds)


def _children(
    deployment_name: str,
    parts: Sequence[Part],
    label: str,
    attempts: int,
    on_wait: Callable[[], object] | None,
    poll_seconds: float,
) -> FanOutReport:
    log = get_run_logger()
    report = FanOutReport("workers", len(parts))
    live: dict[UUID, tuple[Part, int]] = {}
    for part in parts:
        run_id = _start(deployment_name, part, 1, label)
        live[run_id] = (part, 1)
        report.runs[part.key] = [str(run_id)]
    log.info("%d parts started as runs of %s", len(parts), deployment_name)
    given_up: list[str] = []
    while live:
        time.sleep(poll_seconds)
        if on_wait is not None:
            on_wait()
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(live)))
            )
        for run in runs:
            state = run.state
            if state is None or not state.is_final():
                continue
            part, attempt = live.pop(run.id)
            if state.is_completed():
                report.workers[part.key] = str(run.labels.get("prefect.worker.name", "?"))
                continue
            if attempt >= attempts:
                log.error("%s: %s after %d attempts", part.key, state.name, attempt)
                given_up.append(f"{part.key} ({state.name}: {state.message or ''})")
                continue
            log.warning("%s: %s (%s); started again", part.key, state.name, state.message or "")
            again = _start(deployment_name, part, attempt + 1, label)
            live[again] = (part, attempt + 1)
            report.runs[part.key].append(str(again))
            report.restarted += 1
    if given_up:
        raise PartsNotDone(
            f"{len(given_up)} of {len(parts)} parts did not complete: " + "; ".join(given_up)
        )
    return report
