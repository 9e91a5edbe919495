"""The cooperative transition at scale: the member import, then the campaign's first day
(75,000 invitations: subscription + DOCX with the EPC QR + e-mail to the sink), and, in the
same run and workspace, the GA convening for as many shareholders (the speed to match).

The SMTP sink runs in a process of its own, as a real server would.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.result import Result, Stopwatch, peak_rss_mb
from bench.scenarios.assembly import mail_bench


def run(quick: bool) -> list[Result]:
    size = 1500 if quick else 75_000
    with tempfile.TemporaryDirectory(prefix="bench-transition-") as tmp:
        root = Path(tmp)
        with mail_bench(root):
            return _measure(root, size)


def _measure(root: Path, size: int) -> list[Result]:
    from prefect import flow

    from flows.transition_campaign import TransitionParameters, transition_campaign
    from governance.config import get_settings, reset_settings
    from governance.db.engine import dispose_engines
    from governance.db.migrate import upgrade
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.members.use_cases.member_import import import_members
    from governance.register.use_cases.shares import brussels_today
    from seeding.transition import members_csv

    reset_settings()
    dispose_engines()
    upgrade(get_settings().resolved_database_url())
    watch = Stopwatch()
    with watch("write the CSV (not counted)"):
        text = members_csv(size, without_email_every=23)
    start = time.perf_counter()
    with UnitOfWork() as uow:
        summary = import_members(uow, text, actor=Actor.staff("bench"))
    import_seconds = time.perf_counter() - start

    @flow(name="bench-warm-up")
    def warm_up() -> None:  # start the temporary Prefect server outside the measure
        return None

    warm_up()
    today = brussels_today()
    params = TransitionParameters(
        name="Bench transition",
        deadline=today + timedelta(days=60),
        reminder_days=[14, 3],
        restriction_on=today + timedelta(days=90),
        staff="bench",
        chunk_size=500,
    )
    start = time.perf_counter()
    result = transition_campaign(params)
    seconds = time.perf_counter() - start
    rss = peak_rss_mb()
    eml = len(list((root / "mail").glob("*.eml")))
    ga_seconds = _ga_convening(size)
    return [
        Result(
            "transition: member import (CSV, validated, bulk insert, NN encrypted)",
            size,
            import_seconds,
            target="well under 60 s for 75,000",
            notes=f"{summary.imported} imported, {summary.with_national_number} national numbers",
        ),
        Result(
            "transition campaign, first day: subscriptions + invitations (DOCX, EPC QR) + e-mails",
            size,
            seconds,
            target="the GA convening's speed (baseline column = GA convening, same size, same run)",
            baseline_seconds=ga_seconds,
            breakdown=watch.phases,
            notes=f"{result['invited']} invited, {eml} .eml in the sink, postal files "
            f"{len(result['postal_files'])}",  # type: ignore[arg-type]
            peak_rss_mb=rss,
        ),
    ]


def _ga_convening(size: int) -> float:
    """The GA convening for `size` shareholders in the same workspace (the speed to match)."""
    from flows.assembly_convening import ConveningParameters, assembly_convening
    from governance.assembly.use_cases import assembly as service
    from governance.clock import utcnow
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from seeding.assembly import sample_assembly, seed_shareholders

    seed_shareholders(size, date(2026, 1, 15))
    with UnitOfWork() as uow:
        assembly_id = service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("bench"))
    start = time.perf_counter()
    assembly_convening(ConveningParameters(assembly_id=assembly_id, staff="bench"))
    return time.perf_counter() - start
