"""How much of a flow run's wall time is spent outside its task runs (orchestration + flow code)."""

from __future__ import annotations

from typing import Any


def task_coverage(flow_run_id: Any) -> tuple[int, float, float]:
    """(task runs, seconds covered by at least one running task, flow run seconds)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    page = 200  # the API returns at most this many per call: read every page
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        runs: list[Any] = []
        while True:
            batch = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])),
                limit=page,
                offset=len(runs),
            )
            runs.extend(batch)
            if len(batch) < page:
                break
    spans = sorted((r.start_time, r.end_time) for r in runs if r.start_time and r.end_time)
    covered, current_start, current_end = 0.0, None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                covered += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        covered += (current_end - current_start).total_seconds()
    assert flow_run.start_time and flow_run.end_time
    return len(runs), covered, (flow_run.end_time - flow_run.start_time).total_seconds()
