"""The workers bench reads its figures back from the Prefect API: the parent's serial steps are
those outside the parts' window, and each part's first render (its process warming up) is told
apart from the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest

from bench.fanout_figures import _chunk_tasks, _serial

T0 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def task_run(
    name: str, start: float, seconds: float, flow_run_id: object = None
) -> SimpleNamespace:
    begin = T0 + timedelta(seconds=start)
    return SimpleNamespace(
        name=f"{name}-{uuid4().hex[:3]}",
        start_time=begin,
        end_time=begin + timedelta(seconds=seconds),
        flow_run_id=flow_run_id,
    )


def test_only_the_parents_steps_outside_the_parts_window_are_serial() -> None:
    window = (T0 + timedelta(seconds=10), T0 + timedelta(seconds=100))
    tasks = [
        task_run("assembly-postal-pack", 101, 2),
        task_run("assembly-open-convening", 0, 3),
        task_run("assembly-progress", 1, 0.5),
        task_run("assembly-progress", 50, 0.5),  # while the parts run: not serial
        task_run("assembly-progress", 103, 0.5),
        SimpleNamespace(name="assembly-convening-part/x-abc", start_time=None, end_time=None),
    ]
    serial = _serial(tasks, window, outside=10.0)
    assert list(serial) == [
        "assembly-open-convening",
        "assembly-progress",
        "assembly-postal-pack",
        "flow code, polling, orchestration",
    ]
    assert serial["assembly-progress"] == pytest.approx(1.0)
    assert serial["flow code, polling, orchestration"] == pytest.approx(10.0 - 3 - 1 - 2)


def test_each_parts_first_render_is_told_apart_from_the_others() -> None:
    a, b = uuid4(), uuid4()
    runs = [
        task_run("assembly-prepare-chunk", 30, 1.0, a),
        task_run("assembly-prepare-chunk", 0, 20.0, a),  # a's first, listed second
        task_run("assembly-send-chunk", 21, 2.0, a),
        task_run("assembly-prepare-chunk", 5, 15.0, b),
        task_run("assembly-prepare-chunk", 25, 1.5, b),
        task_run("assembly-prepare-chunk", 40, 1.2, b),
    ]
    first, others, send = _chunk_tasks(runs)
    assert sorted(first) == [15.0, 20.0]
    assert sorted(others) == [1.0, 1.2, 1.5]
    assert send == [2.0]
