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
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, State
from prefect.client.schemas.responses import SetStateStatus
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.runtime import deployment as current_deployment
from prefect.runtime import flow_run as current_flow_run
from prefect.states import Cancelled

from governance.config import get_settings

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
    ran_here: int = 0  # parts no worker took in time, run by the parent itself

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "parts": self.parts,
            "restarted": self.restarted,
            "ran_here": self.ran_here,
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
    waiting = Waiting(
        attempts=attempts,
        poll_seconds=poll_seconds,
        start_within=get_settings().fan_out_start_within_seconds,
        on_wait=on_wait,
        here=here,
    )
    return _children(deployment_name, parts, label, waiting)


@dataclass(frozen=True)
class Waiting:
    """How the parent waits: restarts per part, poll period, and how long a part may stay
    unstarted (no free worker) before it is cancelled and run in the parent's process."""

    attempts: int
    poll_seconds: float
    start_within: float  # seconds; 0: wait for a worker however long it takes
    here: Callable[[list[Mapping[str, Any]]], object]
    on_wait: Callable[[], object] | None = None


@dataclass
class _Live:
    part: Part
    attempt: int
    started: float  # time.monotonic() when the run was created


def _children(
    deployment_name: str, parts: Sequence[Part], label: str, waiting: Waiting
) -> FanOutReport:
    log = get_run_logger()
    report = FanOutReport("workers", len(parts))
    live: dict[UUID, _Live] = {}
    for part in parts:
        run_id = _start(deployment_name, part, 1, label)
        live[run_id] = _Live(part, 1, time.monotonic())
        report.runs[part.key] = [str(run_id)]
    log.info("%d parts started as runs of %s", len(parts), deployment_name)
    given_up: list[str] = []
    while live:
        time.sleep(waiting.poll_seconds)
        if waiting.on_wait is not None:
            waiting.on_wait()
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(live)))
            )
            _take_over_unstarted(client, runs, live, waiting, report)
        for run in runs:
            if run.id not in live or run.state is None or not run.state.is_final():
                continue
            _settle(run, live, deployment_name, label, waiting.attempts, report, given_up)
    if given_up:
        raise PartsNotDone(
            f"{len(given_up)} of {len(parts)} parts did not complete: " + "; ".join(given_up)
        )
    return report


def _settle(
    run: FlowRun,
    live: dict[UUID, _Live],
    deployment_name: str,
    label: str,
    attempts: int,
    report: FanOutReport,
    given_up: list[str],
) -> None:
    """A child run ended: count it, start its part again, or give the part up."""
    log = get_run_logger()
    state = run.state
    assert state is not None
    entry = live.pop(run.id)
    part = entry.part
    if state.is_completed():
        report.workers[part.key] = str(run.labels.get("prefect.worker.name", "?"))
        return
    if entry.attempt >= attempts:
        log.error("%s: %s after %d attempts", part.key, state.name, entry.attempt)
        given_up.append(f"{part.key} ({state.name}: {state.message or ''})")
        return
    log.warning("%s: %s (%s); started again", part.key, state.name, state.message or "")
    again = _start(deployment_name, part, entry.attempt + 1, label)
    live[again] = _Live(part, entry.attempt + 1, time.monotonic())
    report.runs[part.key].append(str(again))
    report.restarted += 1


def _take_over_unstarted(
    client: SyncPrefectClient,
    runs: Sequence[FlowRun],
    live: dict[UUID, _Live],
    waiting: Waiting,
    report: FanOutReport,
) -> None:
    """Parts no worker took within `start_within` (every slot busy, e.g. one worker with a
    limit of one, held by this very parent): cancel the unstarted run and run the part here.
    A run a worker took meanwhile refuses the cancellation and is waited for as usual."""
    if not waiting.start_within:
        return
    now = time.monotonic()
    for run in runs:
        entry = live.get(run.id)
        if entry is None or run.state is None or not run.state.is_scheduled():
            continue
        if now - entry.started < waiting.start_within:
            continue
        cancelled: State[Any] = Cancelled(message="no worker took this part: the parent ran it")
        result = client.set_flow_run_state(run.id, cancelled, force=False)
        if result.status != SetStateStatus.ACCEPT:
            continue
        get_run_logger().warning(
            "%s: no worker took it within %.0f s; running it in the parent",
            entry.part.key,
            waiting.start_within,
        )
        del live[run.id]
        waiting.here([entry.part.parameters])
        report.workers[entry.part.key] = "parent"
        report.ran_here += 1
