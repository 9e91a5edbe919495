"""GA convening on the work pool, one worker then two, side by side (75,000 shareholders).

As production runs it: a real `prefect server`, the deployments of prefect.yaml, process workers
(limit 3 each) and PostgreSQL; the convening starts one run of `assembly-convening-part` per part
and any worker takes them. Assembly 1 is convened with one worker, then a second worker starts and
assembly 2 (same shareholders) is convened with both. Both workers share this machine's cores: the
second one adds run slots, not CPU, so the speed-up here is bounded; the third result says on paper
what N machines would give, from the one-worker run's measured serial steps and per-chunk cost.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from bench.fanout_figures import FanOutRun, read_fan_out
from bench.pool import Pool, postgres_database, work_pool
from bench.result import Result
from governance.db.keys import new_key

SLOTS = 3  # each worker's --limit: flow runs at once on its machine
WORKERS = 2
PARTS_PER_SLOT = 2  # at least this many parts per run slot of the two-worker run
MACHINES = (1, 2, 4, 8, 16)
PARTS = "assembly-convening-part"


def run(quick: bool) -> list[Result]:
    size, chunk = (3_000, 125) if quick else (75_000, 500)
    chunks = -(-size // chunk)
    per_part = max(1, chunks // (PARTS_PER_SLOT * SLOTS * WORKERS))
    with (
        tempfile.TemporaryDirectory(prefix="bench-workers-", ignore_cleanup_errors=True) as tmp,
        postgres_database() as database_url,
    ):
        root = Path(tmp)
        coop = {
            "COOP_DATABASE_URL": database_url,
            "COOP_VAR_DIR": str(root / "var"),
            "COOP_ARCHIVE_DIR": str(root / "archive"),
            "COOP_SMTP_USER": "",
            "COOP_PDF_OUTPUT": "false",  # like the convening bench: DOCX ballots
            # required on PostgreSQL; the bench's database is new and dropped: a key of its own
            "COOP_ENCRYPTION_KEY": os.environ.get("COOP_ENCRYPTION_KEY") or new_key(),
        }
        if os.environ.get("COOP_RENDER_WORKERS"):  # render processes per part run, to compare
            coop["COOP_RENDER_WORKERS"] = os.environ["COOP_RENDER_WORKERS"]
        first, second = _seed(coop, size)
        load = [os.getloadavg()[0]]
        with work_pool(root, coop) as pool:
            pool.start_worker("worker-1", SLOTS)
            one = _convene(pool, first, chunk, per_part, size)
            load.append(os.getloadavg()[0])
            pool.start_worker("worker-2", SLOTS)
            two = _convene(pool, second, chunk, per_part, size)
            load.append(os.getloadavg()[0])
    return _results(size, chunk, per_part, one, two, load, coop.get("COOP_RENDER_WORKERS"))


def _seed(coop: dict[str, str], size: int) -> tuple[int, int]:
    """Migrate, take `size` shareholders over, create two draft assemblies."""
    from governance.assembly.use_cases import assembly as service
    from governance.clock import utcnow
    from governance.config import reset_settings
    from governance.db.engine import dispose_engines
    from governance.db.migrate import upgrade
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from seeding.assembly import sample_assembly, seed_shareholders

    os.environ.update(coop)
    reset_settings()
    dispose_engines()
    upgrade(coop["COOP_DATABASE_URL"])
    seed_shareholders(size, date(2026, 1, 15))
    ids = []
    for _ in range(2):
        with UnitOfWork() as uow:
            ids.append(
                service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("bench"))
            )
    return ids[0], ids[1]


class Convened:
    def __init__(self, wall: float, figures: FanOutRun, progress: Any) -> None:
        self.wall = wall  # from the request to Completed, as staff wait for it
        self.figures = figures
        self.progress = progress

    @property
    def serial(self) -> float:
        """What more machines do not shorten: the parent's steps outside the parts, and its
        pick-up (request to running, plus the last poll)."""
        return self.wall - self.figures.window_seconds


def _convene(pool: Pool, assembly_id: int, chunk: int, per_part: int, size: int) -> Convened:
    from governance.assembly.use_cases.progress import mailing_progress
    from governance.db.uow import UnitOfWork

    params = {"assembly_id": assembly_id, "staff": "bench", "chunk_size": chunk}
    started = time.perf_counter()
    run_id: UUID = pool.start(
        "assembly-convening", {"params": {**params, "chunks_per_part": per_part}}
    )
    state = pool.wait_final(run_id, timeout=1800 if size <= 3000 else 4 * 3600)
    wall = time.perf_counter() - started
    if not state.is_completed():
        raise RuntimeError(f"convening {run_id}: {state.type} {state.message}\n{pool.log_tail()}")
    with pool.client() as client:
        figures = read_fan_out(client, run_id, PARTS)
    with UnitOfWork() as uow:
        progress = mailing_progress(uow.session, assembly_id)
    if progress.waiting or progress.sent + progress.postal != progress.voters:
        raise RuntimeError(f"convening {run_id} completed but the mailing is not: {progress}")
    return Convened(wall, figures, progress)


def _breakdown(c: Convened) -> dict[str, float]:
    f = c.figures
    return {
        "parent picked up + last poll": c.wall - f.parent_seconds,
        **{f"serial: {name}": seconds for name, seconds in f.serial.items()},
        "parts (first created → last ended)": f.window_seconds,
    }


def _notes(c: Convened, chunk: int, per_part: int, load: tuple[float, float]) -> str:
    f, p = c.figures, c.progress
    share = ", ".join(f"{w} {n}" for w, n in f.share().items())
    again = (
        f"; {f.attempts - len(f.parts)} part(s) started again" if f.attempts > len(f.parts) else ""
    )
    first, other, send = (statistics.fmean(x) if x else 0.0 for x in (f.first, f.prepare, f.send))
    return (
        f"{len(f.parts)} parts of {per_part} chunk(s) of {chunk} ({f.chunks} chunks){again}; "
        f"parts per worker: {share}; the parent ran on {f.parent_worker}. Mean part "
        f"{f.mean_part():.1f} s (+{f.mean_process_start():.1f} s to start its process); per chunk: "
        f"render {first:.2f} s the part's first (warm-up), {other:.2f} s the others, "
        f"send {send:.2f} s (overlaps the next render), "
        f"{f.per_chunk_in_parts():.2f} s of a part's run, {f.per_chunk_machine():.2f} s of wall "
        f"time for the whole pool. {p.voters} voters: {p.sent} e-mails sent, {p.postal} by post. "
        f"Load average (1 min) {load[0]:.1f} before, {load[1]:.1f} after."
    )


def _results(
    size: int,
    chunk: int,
    per_part: int,
    one: Convened,
    two: Convened,
    load: list[float],
    render_workers: str | None,
) -> list[Result]:
    limit = f"limit {SLOTS}: the parent holds one slot of its worker"
    if render_workers:
        limit += f"; COOP_RENDER_WORKERS={render_workers}"
    return [
        Result(
            f"GA convening on the work pool: 1 worker ({limit})",
            size,
            one.wall,
            target="reference",
            breakdown=_breakdown(one),
            notes=_notes(one, chunk, per_part, (load[0], load[1])),
        ),
        Result(
            f"GA convening on the work pool: 2 workers, same 2 cores ({limit})",
            size,
            two.wall,
            target="ratio = speed-up over 1 worker; bounded by the cores, not the workers",
            baseline_seconds=one.wall,
            breakdown=_breakdown(two),
            notes=_notes(two, chunk, per_part, (load[1], load[2])),
        ),
        _on_paper(size, per_part, one),
    ]


def _on_paper(size: int, per_part: int, one: Convened) -> Result:
    """T(N) = serial + chunks × (seconds per chunk on one machine) / N, from the 1-worker run."""
    f = one.figures
    per_chunk = f.per_chunk_machine()
    projected = {f"{n} machine(s)": one.serial + f.chunks * per_chunk / n for n in MACHINES}
    longest = max(p.seconds + p.process_start for p in f.parts)
    return Result(
        "On paper: N machines like this one, one worker each (from the 1-worker run)",
        size,
        one.serial,
        target="seconds: the serial floor no number of machines removes",
        breakdown=projected,
        notes=(
            f"T(N) = {one.serial:.1f} s serial (the parent's steps outside the parts: opening, "
            f"shared documents, final sweep, postal pack, follow-ups, summary; its pick-up and "
            f"polling) + {f.chunks} chunks × {per_chunk:.2f} s per chunk per machine / N. Holds "
            f"while every slot has parts to take: at least {PARTS_PER_SLOT} parts per slot, i.e. "
            f"chunks per part ≤ {f.chunks} / ({PARTS_PER_SLOT} × {SLOTS} × N); each part pays "
            f"{f.mean_process_start():.1f} s of process start, and no run ends before its longest "
            f"part ({longest:.0f} s here at {per_part} chunk(s) per part). PostgreSQL, the SMTP "
            "server and the Prefect server ran on the same 2 cores (their cost is inside the "
            "per-chunk figure) and are shared by all N machines: past a few machines they set "
            "the pace instead (not measured here)."
        ),
    )
