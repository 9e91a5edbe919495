"""The render workers: one pool of spawned processes per process, shared by every bulk renderer
(contract documents, GA ballots, transition letters) and kept across chunks, so a 75,000-member
run starts its interpreters once. Spawned, not forked: the flow process runs Prefect's threads,
and forking a threaded process is unsafe. Size: COOP_RENDER_WORKERS, else one per core (at most 4).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from documents import archive
from governance.config import Settings

J = TypeVar("J")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None
_LOCK = threading.Lock()


def worker_count(settings: Settings | None = None) -> int:
    configured = (settings or Settings()).render_workers
    return configured or max(1, min(4, os.cpu_count() or 1))


def pool() -> ProcessPoolExecutor:
    """The process's pool, its workers started at once on first use."""
    global _POOL
    with _LOCK:
        if _POOL is None:
            count = worker_count()
            _POOL = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
            with _main_not_imported():
                for started in [_POOL.submit(time.sleep, 0.3) for _ in range(count)]:
                    started.result()
        return _POOL


@contextmanager
def _main_not_imported() -> Iterator[None]:
    """While the workers start, hide what the main module is: a spawned interpreter imports the
    parent's main module first, and under a Prefect worker that is `prefect.engine` (every
    Prefect module, 10-25 s per worker on a busy machine, measured). The render functions live
    in documents modules, imported by name when the first job arrives."""
    main = sys.modules["__main__"]
    saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
    try:
        main.__spec__ = None
        if "__file__" in saved:
            del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def shutdown() -> None:
    """Stop the workers (benchmarks reap them to count their CPU time; tests clean up)."""
    global _POOL
    with _LOCK:
        if _POOL is not None:
            _POOL.shutdown()
            _POOL = None


def map_slices(
    render: Callable[[archive.Place, list[J]], list[R]],
    archive_dir: Path,
    jobs: list[J],
    *,
    inline_below: int,
    with_pdf: bool = False,
) -> list[R]:
    """`render(place, slice)` (the archive at archive_dir, with the configured store) over
    about two slices per worker, results in job order; fewer than `inline_below` jobs (or a
    single worker) stay in this process. Jobs also
    converted to PDF (`with_pdf`) under COOP_PDF_RENDER_INLINE stay in this process too, over as
    many threads as there would be workers (a render is mostly waiting for its file's fsync):
    no render worker is started, their memory is left to the LibreOffice converters."""
    settings = Settings()
    place = archive.Place.at(archive_dir, settings)
    workers = worker_count(settings)
    if workers == 1 or len(jobs) < inline_below:
        return render(place, jobs)
    step = -(-len(jobs) // (workers * 2))
    slices = [jobs[i : i + step] for i in range(0, len(jobs), step)]
    results: list[R] = []
    if with_pdf and settings.pdf_render_inline:
        with ThreadPoolExecutor(workers, thread_name_prefix="render") as threads:
            for part in threads.map(render, [place] * len(slices), slices):
                results.extend(part)
        return results
    for part in pool().map(render, [place] * len(slices), slices):
        results.extend(part)
    return results
