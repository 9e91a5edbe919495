"""GA convening at full scale: 75,000 shareholders, ballots (DOCX) + e-mails to the sink.

Side by side, in the same run: the plain approach on a sample (a new DocxTemplate per
document, segno's default QR, one yagmail `send` per message), extrapolated to the size.
The SMTP sink runs in a process of its own, as a real server would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bench.orchestration import task_coverage
from bench.result import Result, Stopwatch, peak_rss_mb
from governance.clock import business_today


def _sink(directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    from documents.sink import _free_port

    port = _free_port("127.0.0.1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coopflow_cli.main",
            "mail-sink",
            "--dir",
            str(directory),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
    )
    import socket

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port


@contextmanager
def mail_bench(root: Path, pdf_output: bool | None = False) -> Iterator[None]:
    """A local SMTP sink and the settings of a throw-away cooperative under `root` (SQLite,
    archive); `pdf_output` None leaves COOP_PDF_OUTPUT as the settings default it."""
    sink, port = _sink(root / "mail")
    try:
        settings = {
            "COOP_VAR_DIR": str(root),
            "COOP_ARCHIVE_DIR": str(root / "archive"),
            "COOP_DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
            "COOP_SMTP_HOST": "127.0.0.1",
            "COOP_SMTP_PORT": str(port),
            "COOP_SMTP_USER": "",
        }
        if pdf_output is not None:
            settings["COOP_PDF_OUTPUT"] = "true" if pdf_output else "false"
        os.environ.update(settings)
        yield
    finally:
        sink.terminate()
        sink.wait(30)


def _plain(root: Path, assembly_id: int, sample: int, pdf_profile: Path | None = None) -> float:
    """The plain approach on `sample` voters: seconds for them. With `pdf_profile`, each
    document is also converted by its own `soffice` process (the plain PDF path)."""
    import io

    import segno

    from bench.pdf_tools import soffice_per_file
    from documents import assembly_docs
    from documents.mail import YagmailSender
    from documents.render import render_docx
    from governance.assembly.use_cases import assembly as service
    from governance.assembly.use_cases.ballot_keys import ballot_codes
    from governance.assembly.use_cases.chunks import chunk_voters
    from governance.config import get_settings
    from governance.db.uow import UnitOfWork

    settings = get_settings()
    with UnitOfWork() as uow:
        view = service.get_assembly(uow.session, assembly_id)
        voters = chunk_voters(uow.session, assembly_id, 0)[:sample]
    codes = ballot_codes(settings, assembly_id, [v.member_id for v in voters])
    out = root / "plain"
    out.mkdir()
    client = YagmailSender(settings)  # yagmail composes each message, like the plain path
    today = business_today()
    start = time.perf_counter()
    for v in voters:
        lang = str(v.language)
        files: list[Path] = []
        for name, ctx in (
            ("assembly_convocation", assembly_docs.convocation(view, lang, settings, today)),
            ("assembly_proxy", assembly_docs.proxy_form(view, lang, settings, today)),
        ):
            path = out / f"{name}-{v.member_id}.docx"
            path.write_bytes(render_docx(name, lang, ctx))
            files.append(path)
        code = codes[v.member_id]
        png = io.BytesIO()
        segno.make(assembly_docs.ballot_url(settings, code)).save(png, kind="png", scale=4)
        ballot = assembly_docs.ballot(view, v, code, settings, today)
        path = out / f"ballot-{v.member_id}.docx"
        path.write_bytes(render_docx("assembly_ballot", lang, ballot, {"qr": png.getvalue()}))
        files.append(path)
        if pdf_profile is not None:
            files = [soffice_per_file(f, out, pdf_profile) for f in files]
        client.send(
            to=v.email or "postal@example.org",
            subject="Convocation",
            text="convocation",
            attachments=files,
            key=f"bench:plain{'-pdf' if pdf_profile else ''}:{v.member_id}",
            language=lang,
        )
    seconds = time.perf_counter() - start
    client.close()
    return seconds


def _cpu() -> dict[str, float]:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"self": own.ru_utime + own.ru_stime, "children": kids.ru_utime + kids.ru_stime}


def run(quick: bool) -> list[Result]:
    size = 1500 if quick else 75_000
    sample = 40 if quick else 200
    with tempfile.TemporaryDirectory(prefix="bench-assembly-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        with mail_bench(root):
            return _measure(root, size, sample)


def _measure(root: Path, size: int, sample: int) -> list[Result]:
    from prefect import flow

    from flows.assembly_convening import ConveningParameters, assembly_convening
    from governance.assembly.use_cases import assembly as service
    from governance.assembly.use_cases.convening import open_convening
    from governance.clock import utcnow
    from governance.config import get_settings, reset_settings
    from governance.db.engine import dispose_engines
    from governance.db.migrate import upgrade
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from seeding.assembly import sample_assembly, seed_shareholders

    reset_settings()
    dispose_engines()
    upgrade(get_settings().resolved_database_url())
    watch = Stopwatch()
    with watch("seed shareholders (not counted)"):
        seed_shareholders(size, date(2026, 1, 15))
        with UnitOfWork() as uow:
            assembly_id = service.create_assembly(
                uow, sample_assembly(utcnow()), Actor.staff("bench")
            )

    @flow(name="bench-warm-up")
    def warm_up() -> None:  # start the temporary Prefect server outside the measure
        return None

    warm_up()
    cpu_before = _cpu()
    start = time.perf_counter()
    state = assembly_convening(
        ConveningParameters(assembly_id=assembly_id, staff="bench"), return_state=True
    )
    seconds = time.perf_counter() - start
    summary = state.result()
    task_runs, covered, run_seconds = task_coverage(state.state_details.flow_run_id)
    from documents import workers

    workers.shutdown()  # reap the render workers: their CPU time joins RUSAGE_CHILDREN
    cpu = {k: v - cpu_before[k] for k, v in _cpu().items()}
    watch.phases["CPU s, flow process (tasks, SMTP client, database)"] = cpu["self"]
    watch.phases["CPU s, render worker processes"] = cpu["children"]
    rss = peak_rss_mb()
    eml = len(list((root / "mail").glob("*.eml")))
    with UnitOfWork() as uow:
        assembly_b = service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("bench"))
        open_convening(uow, assembly_b, now=utcnow(), actor=Actor.staff("bench"), chunk_size=500)
    plain = _plain(root, assembly_b, sample)
    baseline = plain / sample * size
    return [
        Result(
            "GA convening: ballots (DOCX, QR) + convocation e-mails, chunked flow",
            size,
            seconds,
            target="< 360 s for 75,000; ≥ 5× the plain approach; peak < 1 GiB",
            baseline_seconds=baseline,
            breakdown={"plain approach, measured on the sample": plain, **watch.phases},
            notes=(
                f"{summary}; {eml} .eml in the sink; plain approach measured on {sample} "
                f"shareholders ({plain / sample * 1000:.1f} ms each) and extrapolated"
            ),
            peak_rss_mb=rss,
        ),
        Result(
            "Prefect orchestration share of the convening run",
            size,
            run_seconds,
            target="< 10 % of wall time",
            breakdown={"inside tasks": covered, "outside any task": run_seconds - covered},
            notes=(
                f"{task_runs} task runs for {size} shareholders (chunks of 500); outside-task "
                f"time = {100 * (run_seconds - covered) / run_seconds:.1f}% of the run"
            ),
            peak_rss_mb=rss,
        ),
    ]
