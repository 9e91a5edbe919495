"""GA convening with PDFs: 75,000 personalised PDF ballots + the shared convocation and proxy
PDFs + e-mails, through the PDF engine (render workers + a pool of long-lived LibreOffice
converters, every PDF checked for its ballot code).

Side by side, in the same run: the plain approach on a sample (docxtpl for the three
documents, one `soffice --convert-to pdf` process per document, one yagmail send per member),
extrapolated to the size; and the engine alone with 1 then 2 render workers and converters,
one document per conversion beside merged conversions split (on a smaller size).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.pdf_tools import (
    TreeMemory,
    bench_size,
    cores,
    cpu_seconds,
    engine_env,
    engine_rate,
    engine_rows,
    fresh_database,
    stop_engine,
)
from bench.result import Result
from bench.scenarios.assembly import _plain as plain_convening
from bench.scenarios.assembly import mail_bench

TARGET = "≤ 60 min for 75,000 (aim 10); ≥ 6× the plain approach; peak < 1 GiB"


def _plain(root: Path, assembly_id: int, sample: int) -> float:
    """Seconds for `sample` voters the plain way (docxtpl, one soffice per document, a send)."""
    return plain_convening(root, assembly_id, sample, pdf_profile=root / "plain-profile")


def _convene(root: Path, name: str, size: int) -> tuple[float, float, dict[str, object]]:
    """A fresh database with `size` shareholders convened through the flow: (seconds, CPU
    seconds of the whole tree, summary)."""
    from flows.assembly_convening import ConveningParameters, assembly_convening
    from governance.assembly.use_cases import assembly as service
    from governance.clock import utcnow
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from seeding.assembly import sample_assembly, seed_shareholders

    fresh_database(root, name)
    seed_shareholders(size, date(2026, 1, 15))
    with UnitOfWork() as uow:
        assembly_id = service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("bench"))
    cpu = cpu_seconds()
    start = time.perf_counter()
    summary = assembly_convening(ConveningParameters(assembly_id=assembly_id, staff="bench"))
    seconds = time.perf_counter() - start
    stop_engine()  # the converters' and workers' CPU joins RUSAGE_CHILDREN once reaped
    return seconds, cpu_seconds() - cpu, summary


def run(quick: bool) -> list[Result]:
    from documents import pdf_pool

    if not pdf_pool.engine_available():
        return [Result("GA convening with PDF (LibreOffice not installed)", 0, 0.0)]
    size, scaling, sample = (200, 120, 3) if quick else (75_000, 600, 10)
    size = bench_size(size)
    scaling = min(scaling, size)
    with tempfile.TemporaryDirectory(prefix="bench-assembly-pdf-") as tmp:
        root = Path(tmp)
        with mail_bench(root, pdf_output=None):
            try:
                return _measure(root, size, scaling, sample)
            finally:
                stop_engine()


def _measure(root: Path, size: int, scaling: int, sample: int) -> list[Result]:
    from prefect import flow

    from governance.assembly.use_cases import assembly as service
    from governance.assembly.use_cases.convening import open_convening
    from governance.clock import utcnow
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from seeding.assembly import sample_assembly

    flow(name="bench-warm-up")(lambda: None)()  # the temporary Prefect server, not measured
    results = engine_rows(
        "render + convert + check ballots (QR), as many render workers as converters",
        scaling,
        lambda n, chunk: engine_rate(root, scaling, n, chunk),
    )
    engine_env(min(4, cores()), min(4, cores()))
    memory = TreeMemory()
    with memory.watching():
        seconds, cpu, summary = _convene(root, "full", size)
    with UnitOfWork() as uow:
        assembly_b = service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("bench"))
        open_convening(uow, assembly_b, now=utcnow(), actor=Actor.staff("bench"))
    plain = _plain(root, assembly_b, sample)
    results.insert(
        0,
        Result(
            "GA convening with PDF: ballots + convocation/proxy PDFs + e-mails, PDF engine",
            size,
            seconds,
            target=TARGET,
            baseline_seconds=plain / sample * size,
            breakdown={
                "plain approach, measured on the sample": plain,
                "CPU s, whole process tree": cpu,
            },
            notes=(
                f"{summary}; {size / seconds / cores():.1f} ballots/s per core on {cores()} "
                f"cores; plain = docxtpl + one soffice per document (3 per member) + one "
                f"send, measured on {sample} members ({plain / sample:.2f} s each) and "
                f"extrapolated; peak = the whole process tree (soffice included); "
                + memory.breakdown()
            ),
            peak_rss_mb=memory.peak_mb,
        ),
    )
    return results
