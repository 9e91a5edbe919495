"""What the mass-PDF scenarios share: the plain conversion (one soffice per document), the
memory of the whole process tree (soffice runs in grandchildren), and the engine's settings."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bench.result import Result

if TYPE_CHECKING:
    import psutil


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


ROLES = ("flow", "render workers", "converters", "SMTP sink", "other")


def _role(cmdline: Sequence[str], group: int, converters: set[int]) -> str:
    """What a process of the tree is, by its command line, or by its process group for a
    converter (each converter's driver leads one; soffice, its launcher and a soffice on its
    way out, whose command line is already empty, are in it)."""
    line = " ".join(cmdline)
    if group in converters or "uno_worker" in line or "soffice" in line:
        return "converters"
    if "multiprocessing" in line:
        return "render workers"
    if "mail-sink" in line:
        return "SMTP sink"
    return "other"


def _is_driver(proc: psutil.Process) -> bool:
    """A converter's driver (documents/uno_worker.py), the leader of its process group."""
    import psutil

    try:
        return any("uno_worker" in part for part in proc.cmdline())
    except (psutil.Error, OSError):
        return False


class TreeMemory:
    """Peak memory (proportional set size) of this process and every descendant (render
    workers, soffice converters, the SMTP sink; not the temporary Prefect server, which runs
    apart in production), sampled twice a second, in MiB; `roles`: each role's own peak
    (`ROLES`: this process is the flow), `at_peak`: the roles when the whole tree peaked."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.roles: dict[str, float] = dict.fromkeys(ROLES, 0.0)
        self.at_peak: dict[str, float] = dict.fromkeys(ROLES, 0.0)
        self.last: dict[str, float] = dict.fromkeys(ROLES, 0.0)  # the latest sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            now = dict.fromkeys(ROLES, 0.0)
            tree = [me, *me.children(recursive=True)]
            converters = {p.pid for p in tree if _is_driver(p)}
            for proc in tree:
                try:  # proportional: a shared library is counted once, not in every process
                    cmdline = proc.cmdline()
                    if any("prefect.server" in part for part in cmdline):
                        continue  # the bench's temporary Prefect server: a server of its own
                    group = os.getpgid(proc.pid)
                    role = "flow" if proc.pid == me.pid else _role(cmdline, group, converters)
                    now[role] += proc.memory_full_info().pss / 2**20
                except (psutil.Error, OSError):
                    pass
            self.last = now
            for role, mib in now.items():
                self.roles[role] = max(self.roles[role], mib)
            if sum(now.values()) > self.peak_mb:
                self.peak_mb, self.at_peak = sum(now.values()), now
            self._stop.wait(0.5)

    def breakdown(self) -> str:
        """Each role's peak, and the roles when the tree peaked, in MiB."""
        own = ", ".join(f"{r} {m:.0f}" for r, m in self.roles.items() if m)
        then = ", ".join(f"{r} {m:.0f}" for r, m in self.at_peak.items() if m)
        return f"peak by role (MiB): {own}; at the tree's peak: {then}"

    @contextmanager
    def watching(self) -> Iterator[TreeMemory]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


def engine_env(workers: int, converters: int, merge_chunk: int | None = None) -> None:
    """PDF on, with this many render workers and LibreOffice converters (pools restarted),
    `merge_chunk` documents per conversion (None: the setting's default; 1: one at a time)."""
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
    if merge_chunk is None:
        os.environ.pop("COOP_PDF_MERGE_CHUNK", None)
    else:
        os.environ["COOP_PDF_MERGE_CHUNK"] = str(merge_chunk)
    reset_settings()


def bench_size(default: int) -> int:
    """The scenario's size: `make bench BENCH_ARGS="--size N"` (BENCH_SIZE), else `default`."""
    return int(os.environ.get("BENCH_SIZE") or default)


def default_merge_chunk() -> int:
    from governance.config import Settings

    return int(Settings.model_fields["pdf_merge_chunk"].default)


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


def engine_rate(root: Path, count: int, n: int, chunk: int | None = None) -> tuple[float, float]:
    """The engine alone on `count` personalised ballots (four languages, QR), with `n` render
    workers and `n` converters, started before the clock, `chunk` documents per conversion:
    (seconds, CPU seconds of the tree) to render, convert and check them all."""
    from documents import assembly_docs, pdf_pool
    from documents.authoring import all_sources
    from documents.contexts.assembly import AssemblyBallot

    engine_env(n, n, chunk)
    os.environ["COOP_ARCHIVE_DIR"] = str(root / f"engine-{n}-{chunk}")
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
    archive = root / f"engine-{n}-{chunk}"
    warm = assembly_docs.render_ballots(archive, jobs[: 2 * n])
    assembly_docs.ballots_to_pdf(archive, warm, codes)  # start the converters
    cpu = cpu_seconds()
    start = time.perf_counter()
    files = assembly_docs.render_ballots(archive, jobs)
    pdfs, failed = assembly_docs.ballots_to_pdf(archive, files, codes)
    seconds = time.perf_counter() - start
    assert not failed, failed
    assert all(f.path.endswith(".pdf") for f in pdfs)
    pdf_pool.shutdown()
    stop_engine()
    return seconds, cpu_seconds() - cpu


WITH_QR = ("assembly_ballot", "transition_invitation")  # templates with a QR picture


def conversion_rate(
    root: Path, templates: Sequence[str], count: int, n: int, chunk: int | None
) -> tuple[float, float]:
    """Conversion alone: `count` archived .docx (the templates in turn, four languages, each
    its own member number, a QR where the template has one) to checked, archived PDFs by
    documents/mass_pdf.py with `n` converters, `chunk` documents per conversion, converters
    started before the clock: (seconds, CPU seconds of the tree)."""
    from documents import mass_pdf, pdf_pool
    from documents.authoring import all_sources
    from documents.bulk_render import bulk_template, qr_png

    engine_env(1, n, chunk)
    archive = root / f"convert-{n}-{chunk}"
    samples = {s.name: s.sample for s in all_sources()}
    items = []
    for i in range(count):
        name, language = templates[i % len(templates)], ("fr", "nl", "de", "en")[i % 4]
        sample = samples[name]
        assert sample is not None
        context = sample(language)
        number = f"M{i:07d}"
        if hasattr(context, "member_number"):
            context = context.model_copy(update={"member_number": number})
        template = bulk_template(name, language)
        images = {"qr": qr_png(f"https://example.org/{i}")} if name in WITH_QR else {}
        path = archive / f"{name}-{i}.{language}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template.render(context, images))
        expect = number if hasattr(context, "member_number") else ""
        items.append(mass_pdf.ToConvert(path.name, expect))
    mass_pdf.convert_archived(archive, items[: 2 * n])  # start the converters
    cpu = cpu_seconds()
    start = time.perf_counter()
    result = mass_pdf.convert_archived(archive, items)
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed
    pdf_pool.shutdown()
    stop_engine()
    return seconds, cpu_seconds() - cpu


def engine_rows(
    what: str, count: int, rate: Callable[[int, int | None], tuple[float, float]]
) -> list[Result]:
    """Side by side, with 1 then 2 converters: one document per conversion, then merged
    conversions split (the default COOP_PDF_MERGE_CHUNK); `rate(n, chunk)` gives (seconds,
    CPU seconds) for `count` documents."""
    rows = []
    merged_by = default_merge_chunk()
    for n in (1, 2):
        alone, alone_cpu = rate(n, 1)
        merged, merged_cpu = rate(n, None)
        for how, seconds, cpu, baseline in (
            ("one document per conversion", alone, alone_cpu, None),
            (f"merged (≤ {merged_by} per conversion) then split", merged, merged_cpu, alone),
        ):
            used = min(n, cores())
            rows.append(
                Result(
                    f"PDF engine alone: {what}, {n} converter(s), {how}",
                    count,
                    seconds,
                    target="documents/s per core; growth with COOP_PDF_CONVERTERS (1, 2)",
                    baseline_seconds=baseline,
                    breakdown={"CPU s, whole process tree": cpu},
                    notes=f"{count / seconds:.1f} documents/s, {count / seconds / used:.1f} per "
                    f"core used ({used} of {cores()}); {count / cpu:.1f} per CPU second; "
                    "baseline = one document per conversion, same converters",
                )
            )
    return rows
