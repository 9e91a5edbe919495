"""The share register at SMart's size: importing 75,000 members, the register as at a date,
verifying the chain."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.result import Result, Stopwatch
from bench.workspace import workspace


def run(quick: bool) -> list[Result]:
    size = 5_000 if quick else 75_000
    from seeding.register import register_csv

    text = register_csv(size)
    rows = text.count("\n") - 1
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)):
        from governance.db.repositories import register as store
        from governance.db.uow import UnitOfWork
        from governance.kernel.rules.actor import Actor
        from governance.register.use_cases import register_import, shares

        watch = Stopwatch()
        with watch("validate only (dry run)"):
            register_import.read_rows(text)
        start, cpu = time.perf_counter(), time.process_time()
        with UnitOfWork() as uow, watch("validate + write + commit"):
            summary = register_import.import_register(
                uow.session, text, actor=Actor.system("bench")
            )
            uow.commit()
        import_seconds = time.perf_counter() - start
        import_cpu = time.process_time() - cpu
        results = [
            Result(
                f"register import from CSV ({size:,} members)",
                rows,
                import_seconds,
                target="well under 60 s",
                breakdown=dict(watch.phases),
                notes=f"{summary.last_sequence:,} chained entries; {import_cpu:.1f} s CPU "
                "(wall time includes waiting for a shared CPU)",
            )
        ]
        as_at = date(2024, 12, 31)
        with UnitOfWork() as uow:
            start, cpu = time.perf_counter(), time.process_time()
            holdings = shares.holdings_as_at(uow.session, as_at)
            as_at_seconds = time.perf_counter() - start
            as_at_cpu = time.process_time() - cpu
        results.append(
            Result(
                f"register as at {as_at} ({size:,} members)",
                len(holdings),
                as_at_seconds,
                target="< 2 s",
                notes=f"holders computed from the entries; {as_at_cpu:.2f} s CPU in Python",
            )
        )
        with UnitOfWork() as uow:
            start = time.perf_counter()
            report = store.verify(uow.session)
            verify_seconds = time.perf_counter() - start
        results.append(
            Result(
                "register verify (hash chain + invariants + projection)",
                report.entries,
                verify_seconds,
                notes="OK" if report.ok else f"FAILED: {report.problem}",
            )
        )
    return results
