"""What the mass-PDF scenarios share: the plain conversion (one soffice per document), the
memory of the whole process tree (soffice runs in grandchildren), and the engine's settings."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast


def soffice_per_file(source: Path, out_dir: Path, profile: Path) -> Path:
    """The plain conversion: one `soffice --convert-to pdf` process for one document."""
    from documents import pdf

    binary = pdf.soffice_binary()
    assert binary is not None, "LibreOffice is not installed"
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    target = out_dir / (source.stem + ".pdf")
    assert target.exists(), f"no PDF for {source.name}"
    return target


class TreeMemory:
    """Peak memory (proportional set size) of this process and every descendant (render
    workers, soffice converters, the SMTP sink; not the temporary Prefect server, which runs
    apart in production), sampled twice a second, in MiB."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:  # proportional: a shared library is counted once, not in every process
                    if any("prefect.server" in part for part in proc.cmdline()):
                        continue  # the bench's temporary Prefect server: a server of its own
                    total += proc.memory_full_info().pss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._stop.wait(0.5)

    @contextmanager
    def watching(self) -> Iterator[TreeMemory]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


def engine_env(workers: int, converters: int) -> None:
    """PDF on, with this many render workers and LibreOffice converters (pools restarted)."""
    from documents import pdf_pool
    from documents import workers as render_workers
    from governance.config import reset_settings

    render_workers.shutdown()
    pdf_pool.shutdown()
    os.environ.update(
        {
            "COOP_PDF_OUTPUT": "true",
            "COOP_RENDER_WORKERS": str(workers),
            "COOP_PDF_CONVERTERS": str(converters),
        }
    )
    reset_settings()


def stop_engine() -> None:
    """Stop the converters (by PID) and the render workers: their CPU joins RUSAGE_CHILDREN."""
    from documents import pdf_pool, workers

    pdf_pool.shutdown()
    workers.shutdown()


def cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cores() -> int:
    return os.cpu_count() or 1


def fresh_database(root: Path, name: str) -> None:
    """A migrated SQLite database and archive of its own for one measured run (an assembly
    convenes every shareholder on file: runs must not see each other's)."""
    from governance.config import get_settings, reset_settings
    from governance.db.engine import dispose_engines
    from governance.db.migrate import upgrade

    os.environ["COOP_DATABASE_URL"] = f"sqlite:///{root / f'{name}.sqlite3'}"
    os.environ["COOP_ARCHIVE_DIR"] = str(root / name / "archive")
    reset_settings()
    dispose_engines()
    upgrade(get_settings().resolved_database_url())


def engine_rate(root: Path, count: int, n: int) -> tuple[float, float]:
    """The engine alone on `count` personalised ballots (four languages, QR), with `n` render
    workers and `n` converters, started before the clock: (seconds, CPU seconds of the tree)
    to render, convert and check them all."""
    from documents import assembly_docs, pdf_pool
    from documents.authoring import all_sources
    from documents.contexts.assembly import AssemblyBallot

    engine_env(n, n)
    os.environ["COOP_ARCHIVE_DIR"] = str(root / f"engine-{n}")
    source = {s.name: s for s in all_sources()}["assembly_ballot"]
    assert source.sample is not None
    jobs, codes = [], {}
    for i in range(count):
        context = cast(
            AssemblyBallot,
            source.sample(("fr", "nl", "de", "en")[i % 4]).model_copy(
                update={"member_number": f"M{i:07d}", "ballot_code": f"B{i:05d}-CODE"}
            ),
        )
        codes[i] = context.ballot_code
        jobs.append(assembly_docs.ballot_job(1, i // 500, context, i, f"https://vote/{i}"))
    warm = assembly_docs.render_ballots(root / f"engine-{n}", jobs[: 2 * n])
    assembly_docs.ballots_to_pdf(root / f"engine-{n}", warm, codes)  # start the converters
    cpu = cpu_seconds()
    start = time.perf_counter()
    files = assembly_docs.render_ballots(root / f"engine-{n}", jobs)
    pdfs, failed = assembly_docs.ballots_to_pdf(root / f"engine-{n}", files, codes)
    seconds = time.perf_counter() - start
    assert not failed, failed
    assert all(f.path.endswith(".pdf") for f in pdfs)
    pdf_pool.shutdown()
    stop_engine()
    return seconds, cpu_seconds() - cpu
