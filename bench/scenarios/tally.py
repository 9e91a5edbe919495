"""The count at closing: 75,000 stored ballots x 10 resolutions, loaded from the database
and counted by governance.assembly.rules.tally; plus casting through the service, verify, close."""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.result import Result, Stopwatch, peak_rss_mb
from bench.workspace import workspace
from governance.clock import utcnow


def _seed(size: int, now: datetime) -> tuple[int, dict[int, str]]:
    """`size` members (taken over through the register import), a sample assembly with them
    as voters, and a stored ballot from each (seeding.ballots: bulk, as casting leaves them)."""
    from governance.clock import brussels_date
    from governance.db.uow import UnitOfWork
    from seeding.assembly import seed_shareholders
    from seeding.ballots import seed_cast_ballots
    from seeding.voting import seed_assembly

    ids = seed_shareholders(size, brussels_date(now) - timedelta(days=30))
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now, extra_motions=6)
    with UnitOfWork() as uow:
        seed_cast_ballots(uow, sample.assembly_id)
    return sample.assembly_id, sample.codes


def _cast_sample(count: int, now: datetime) -> float:
    """Casting through the service (lock, checks, ballot, attendance, timeline), one by one."""
    from sqlalchemy import select

    from governance.assembly.use_cases import voting as service
    from governance.db.models import Member
    from governance.db.uow import UnitOfWork
    from seeding.voting import random_choices, seed_assembly

    with UnitOfWork() as uow:
        ids = list(uow.session.scalars(select(Member.id).order_by(Member.id).limit(count)))
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    rng = random.Random(5)
    start = time.perf_counter()
    for member_id in ids:
        with UnitOfWork() as uow:
            service.cast_ballot(uow, sample.codes[member_id], random_choices(rng), now=now)
    return time.perf_counter() - start


def run(quick: bool) -> list[Result]:
    size = 7_500 if quick else 75_000
    now = utcnow()
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)):
        from governance.assembly.rules import tally
        from governance.assembly.use_cases import voting_closing
        from governance.db.uow import UnitOfWork
        from governance.kernel.rules.actor import Actor

        assembly_id, _codes = _seed(size, now)
        watch = Stopwatch()
        with watch("db load (ballots + voters + attendance -> scenario)"), UnitOfWork() as uow:
            scenario = voting_closing.build_scenario(uow.session, assembly_id)
        with watch("canonical JSON + sha256 (kept in the seal)"):
            text = voting_closing.scenario_text(scenario)
        cpu = time.process_time()
        with watch("count (governance.assembly.rules.tally)"):
            result = voting_closing.count_scenario(scenario)
        cpu = time.process_time() - cpu
        with watch("auditor's path: parse the JSON text and count (coop assembly tally)"):
            tally.count_json(text)
        assert len(result["resolutions"]) == 10
        results.append(
            Result(
                f"tally: {size:,} stored ballots x 10 resolutions",
                size,
                watch.phases["count (governance.assembly.rules.tally)"],
                target="count < 2 s",
                breakdown=dict(watch.phases),
                peak_rss_mb=peak_rss_mb(),
                notes=f"seconds = counting only (CPU {cpu:.2f} s); the DB load is apart "
                f"in the breakdown; load average {os.getloadavg()[0]:.1f} on "
                f"{os.cpu_count()} cores during the run",
            )
        )
        casts = 100 if quick else 1000
        results.append(
            Result(
                "cast a ballot through the service (one transaction each)",
                casts,
                _cast_sample(casts, now),
                notes="SQLite; each cast is one transaction with a row lock",
                peak_rss_mb=peak_rss_mb(),
            )
        )
        start, cpu_close = time.perf_counter(), time.process_time()
        with UnitOfWork() as uow:
            summary = voting_closing.close_voting(
                uow, assembly_id, now=now, actor=Actor.system("bench"), early=True
            )
        close_seconds = time.perf_counter() - start
        cpu_close = time.process_time() - cpu_close
        assert summary.ballots == size
        start, cpu_verify = time.perf_counter(), time.process_time()
        with UnitOfWork() as uow:
            report = voting_closing.verify(uow, assembly_id, published_seal=summary.seal)
        verify_seconds = time.perf_counter() - start
        cpu_verify = time.process_time() - cpu_verify
        assert report.ok, report.problems
        results.append(
            Result(
                f"close (rewrite ballots in receipt order, seal, load, count): {size:,} ballots",
                size,
                close_seconds,
                peak_rss_mb=peak_rss_mb(),
                notes=f"CPU {cpu_close:.1f} s in this process (the rest: the database, other "
                f"processes; load average {os.getloadavg()[0]:.1f})",
            )
        )
        results.append(
            Result(
                f"verify (every receipt, seal, recount): {size:,} ballots",
                size,
                verify_seconds,
                peak_rss_mb=peak_rss_mb(),
                notes=f"CPU {cpu_verify:.1f} s in this process",
            )
        )
    return results
