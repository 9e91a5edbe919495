"""Contract batch with PDFs: 2,000 declarations checked and documented (3 PDF each, every PDF
checked) by `contract-batch` through the PDF engine.

Side by side, in the same run: the plain approach on a sample (docxtpl, one `soffice
--convert-to pdf` process per document), extrapolated to every document, plus the import; and
the conversion alone with 1 then 2 converters, one document per conversion beside merged
conversions split (on a smaller size).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.pdf_tools import (
    TreeMemory,
    bench_size,
    conversion_rate,
    cores,
    cpu_seconds,
    engine_env,
    engine_rows,
    soffice_per_file,
    stop_engine,
)
from bench.result import Result, Stopwatch
from bench.scenarios.contracts import _seed, _submit
from bench.workspace import workspace
from governance.clock import business_today

PAPERS = ("client_agreement", "employment_contract", "invoice")  # a declaration's documents


def _plain(root: Path, sample_ids: list[int]) -> tuple[float, int]:
    """(seconds, documents) for the sample's documents the plain way."""
    from documents.contexts import Coop
    from documents.contract_papers import requests_for
    from documents.render import render_docx
    from governance.config import get_settings
    from governance.contracts.use_cases import contract_paperwork
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        papers = contract_paperwork.paperwork(uow.session, sample_ids)
    coop = Coop.from_settings(get_settings())
    requests = [r for p in papers for r in requests_for(p, coop, business_today())]
    out = root / "plain"
    out.mkdir()
    start = time.perf_counter()
    for n, r in enumerate(requests):
        source = out / f"{r.template}-{n}.docx"
        source.write_bytes(render_docx(r.template, str(r.language), r.context))
        soffice_per_file(source, out, root / "plain-profile")
    return time.perf_counter() - start, len(requests)


def run(quick: bool) -> list[Result]:
    from documents import pdf_pool
    from flows.contract_batch import BatchParameters, contract_batch

    if not pdf_pool.engine_available():
        return [Result("contract batch with PDF (LibreOffice not installed)", 0, 0.0)]
    size, sample = (60, 2) if quick else (2_000, 5)
    size = bench_size(size)
    with (
        tempfile.TemporaryDirectory(prefix="bench-contracts-pdf-") as tmp,
        workspace(Path(tmp)) as ws,
    ):
        lines = _seed(ws, size)
        watch = Stopwatch()
        with watch("Prefect temporary server start (excluded)"):
            from prefect import flow

            flow(name="bench-warm-up")(lambda: None)()
        n = min(4, cores())
        engine_env(n, n)
        memory = TreeMemory()
        cpu = cpu_seconds()
        with memory.watching():
            start = time.perf_counter()
            with watch("import (one transaction)"):
                _submit(lines)
            with watch("contract-batch flow (checks + 3 PDF each)"):
                counts = contract_batch(BatchParameters(chunk_size=250, deliver_mail=False))
            seconds = time.perf_counter() - start
            stop_engine()
        watch.phases["CPU s, whole process tree"] = cpu_seconds() - cpu
        plain, documents = _plain(Path(tmp), list(range(1, sample + 1)))
        made = counts["documents"]
        baseline = plain / documents * made + watch.phases["import (one transaction)"]
        scaling = min(3 * size, 600)  # a rate: 600 documents read it, one at a time is slow
        engine = engine_rows(
            "convert + check contract documents (agreement, contract, invoice in turn)",
            scaling,
            lambda n, chunk: conversion_rate(Path(tmp), PAPERS, scaling, n, chunk),
        )
    return [
        Result(
            f"contract-batch: {size} declarations, checks + 3 PDF each (PDF engine, "
            f"{n} render workers + {n} converters)",
            size,
            seconds,
            target="< 120 s for 2,000 declarations",
            baseline_seconds=baseline,
            breakdown={"plain approach, measured on the sample": plain, **watch.phases},
            notes=f"{counts}; {made / seconds:.1f} documents/s, "
            f"{made / seconds / cores():.1f} per core on {cores()} cores; plain = docxtpl + "
            f"one soffice per document, {plain / documents:.2f} s each on a {documents}-document "
            "sample, extrapolated; peak = the whole process tree (soffice included)",
            peak_rss_mb=memory.peak_mb,
        ),
        *engine,
    ]
