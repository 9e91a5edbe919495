"""The render workers: one pool of spawned processes per process, shared by every bulk renderer
(contract documents, GA ballots, transition letters) and kept across chunks, so a 75,000-member
run starts its interpreters once. Spawned, not forked: the flow process runs Prefect's threads,
and forking a threaded process is unsafe. Size: COOP_RENDER_WORKERS, else one per core (at most 4).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from governance.config import Settings

J = TypeVar("J")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None
_LOCK = threading.Lock()


def worker_count(settings: Settings | None = None) -> int:
    configured = (settings or Settings()).render_workers
    return configured or max(1, min(4, os.cpu_count() or 1))


def pool() -> ProcessPoolExecutor:
    """The process's pool, started on first use."""
    global _POOL
    with _LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(
                worker_count(), mp_context=multiprocessing.get_context("spawn")
            )
        return _POOL


def shutdown() -> None:
    """Stop the workers (benchmarks reap them to count their CPU time; tests clean up)."""
    global _POOL
    with _LOCK:
        if _POOL is not None:
            _POOL.shutdown()
            _POOL = None


def map_slices(
    render: Callable[[str, list[J]], list[R]],
    archive_dir: Path,
    jobs: list[J],
    *,
    inline_below: int,
) -> list[R]:
    """`render(archive_dir, slice)` over about two slices per worker, results in job order;
    fewer than `inline_below` jobs (or a single worker) stay in this process."""
    workers = worker_count()
    if workers == 1 or len(jobs) < inline_below:
        return render(str(archive_dir), jobs)
    step = -(-len(jobs) // (workers * 2))
    slices = [jobs[i : i + step] for i in range(0, len(jobs), step)]
    results: list[R] = []
    for part in pool().map(render, [str(archive_dir)] * len(slices), slices):
        results.extend(part)
    return results
