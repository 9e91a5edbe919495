"""What a fanned-out run did, read back from the Prefect API: the parent's serial steps, its part
runs (which worker, when taken, when started, when ended) and the chunk tasks inside them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

PAGE = 200  # the API returns at most this many rows per call


@dataclass(frozen=True)
class PartRun:
    worker: str
    chunks: int
    created: datetime
    taken: datetime  # a worker took it (Pending): its process starts
    start: datetime  # the flow runs (Running): the process is up
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def process_start(self) -> float:
        return (self.start - self.taken).total_seconds()


@dataclass(frozen=True)
class FanOutRun:
    parent_seconds: float  # the parent run, Running to Completed
    parent_worker: str
    window: tuple[datetime, datetime]  # the first part created -> the last part ended
    serial: dict[str, float]  # the parent's time outside the window: its steps, then the rest
    parts: list[PartRun]
    attempts: int  # part runs started (more than parts when one was started again)
    first: list[float]  # seconds of the render task of each part's first chunk
    prepare: list[float]  # seconds of the render task of the parts' other chunks
    send: list[float]  # seconds of each chunk's send task

    @property
    def window_seconds(self) -> float:
        return (self.window[1] - self.window[0]).total_seconds()

    @property
    def serial_seconds(self) -> float:
        return sum(self.serial.values())

    @property
    def chunks(self) -> int:
        return sum(p.chunks for p in self.parts)

    def share(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for part in self.parts:
            counts[part.worker] = counts.get(part.worker, 0) + 1
        return dict(sorted(counts.items()))

    def mean_part(self) -> float:
        return statistics.fmean(p.seconds for p in self.parts)

    def mean_process_start(self) -> float:
        return statistics.fmean(p.process_start for p in self.parts)

    def per_chunk_in_parts(self) -> float:
        """Seconds a part spends per chunk (its own run time over its chunks)."""
        return sum(p.seconds for p in self.parts) / self.chunks

    def per_chunk_machine(self) -> float:
        """Wall seconds per chunk for everything the workers run at once (the window)."""
        return self.window_seconds / self.chunks


def _task_runs(client: Any, flow_run_ids: list[UUID]) -> list[Any]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs: list[Any] = []
    while True:
        batch = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=flow_run_ids)),
            limit=PAGE,
            offset=len(runs),
        )
        runs.extend(batch)
        if len(batch) < PAGE:
            return runs


def _children(client: Any, parent_id: UUID, deployment: str) -> list[Any]:
    """Every run of the parts deployment the parent started (their idempotency keys name it)."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    runs: list[Any] = []
    while True:
        batch = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment])),
            limit=PAGE,
            offset=len(runs),
        )
        runs.extend(batch)
        if len(batch) < PAGE:
            break
    return [r for r in runs if (r.idempotency_key or "").startswith(f"{parent_id}:")]


def _task_name(run: Any) -> str:
    return str(run.name).rsplit("-", 1)[0]  # "assembly-open-convening-a1b" -> the task's name


def _part(client: Any, run: Any) -> PartRun:
    from prefect.client.schemas.objects import StateType

    states = client.read_flow_run_states(run.id)
    pending = [s.timestamp for s in states if s.type == StateType.PENDING]
    return PartRun(
        worker=str(run.labels.get("prefect.worker.name", "?")),
        chunks=len(run.parameters.get("chunks", [])),
        created=run.created,
        taken=min(pending) if pending else run.start_time,
        start=run.start_time,
        end=run.end_time,
    )


def _serial(
    tasks: list[Any], window: tuple[datetime, datetime], outside: float
) -> dict[str, float]:
    """The parent's steps that ran before or after the window, by task, plus the rest of the
    `outside` seconds (flow code, the fan-out's polling, orchestration)."""
    serial: dict[str, float] = {}
    timed = [r for r in tasks if r.start_time is not None and r.end_time is not None]
    for run in sorted(timed, key=lambda r: r.start_time):  # in the order the flow ran them
        if run.end_time <= window[0] or run.start_time >= window[1]:
            name = _task_name(run)
            serial[name] = serial.get(name, 0.0) + (run.end_time - run.start_time).total_seconds()
    serial["flow code, polling, orchestration"] = max(0.0, outside - sum(serial.values()))
    return serial


def _chunk_tasks(runs: list[Any]) -> tuple[list[float], list[float], list[float]]:
    """Seconds of the render tasks of each part's first chunk (its process warms up: render
    workers, templates), of the other render tasks, and of the send tasks."""
    renders: dict[UUID, list[tuple[datetime, float]]] = {}
    send = []
    for run in runs:
        if run.start_time is None or run.end_time is None:
            continue
        seconds = (run.end_time - run.start_time).total_seconds()
        if _task_name(run) == "assembly-prepare-chunk":
            renders.setdefault(run.flow_run_id, []).append((run.start_time, seconds))
        elif _task_name(run) == "assembly-send-chunk":
            send.append(seconds)
    first: list[float] = []
    others: list[float] = []
    for part in renders.values():
        ordered = [seconds for _, seconds in sorted(part)]
        first.append(ordered[0])
        others.extend(ordered[1:])
    return first, others, send


def read_fan_out(client: Any, parent_id: UUID, deployment: str) -> FanOutRun:
    """The figures of a completed parent run and of its completed part runs."""
    parent = client.read_flow_run(parent_id)
    children = _children(client, parent_id, deployment)
    parts = [_part(client, r) for r in children if r.state is not None and r.state.is_completed()]
    if not parts:
        raise RuntimeError(f"run {parent_id} has no completed part run of {deployment}")
    window = (min(p.created for p in parts), max(p.end for p in parts))
    parent_seconds = (parent.end_time - parent.start_time).total_seconds()
    outside = parent_seconds - (window[1] - window[0]).total_seconds()
    first, prepare, send = _chunk_tasks(_task_runs(client, [r.id for r in children]))
    return FanOutRun(
        parent_seconds=parent_seconds,
        parent_worker=str(parent.labels.get("prefect.worker.name", "?")),
        window=window,
        serial=_serial(_task_runs(client, [parent_id]), window, outside),
        parts=parts,
        attempts=len(children),
        first=first,
        prepare=prepare,
        send=send,
    )
