"""A mass job whose parts no worker takes (every slot busy, e.g. one worker with a limit of one
held by the parent itself) does not hang: after the start delay the parent cancels the
unstarted child runs and runs their parts itself; every part is done once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prefect import flow
from prefect.client.orchestration import get_client

from tasks.fanout import FanOutReport, Part, Waiting, _children


@flow(name="fan-out-child-nobody-runs")
def child(chunks: list[int]) -> int:
    return len(chunks)


def test_parts_no_worker_takes_are_run_by_the_parent(prefect_harness) -> None:  # type: ignore[no-untyped-def]
    child.to_deployment(name="fan-out-child-nobody-runs").apply()  # no worker polls it
    done: list[Mapping[str, Any]] = []

    @flow(name="fan-out-parent-alone")
    def parent() -> FanOutReport:
        parts = [Part(f"chunks {i}-{i}", {"chunks": [i]}) for i in (1, 2, 3)]
        waiting = Waiting(attempts=3, poll_seconds=0.2, start_within=1.0, here=done.extend)
        return _children("fan-out-child-nobody-runs/fan-out-child-nobody-runs", parts, "t", waiting)

    report = parent()
    assert sorted(p["chunks"][0] for p in done) == [1, 2, 3]
    assert report.ran_here == 3
    assert set(report.workers.values()) == {"parent"}
    with get_client(sync_client=True) as client:
        for runs in report.runs.values():
            assert client.read_flow_run(runs[0]).state.is_cancelled()
