"""The transition campaign's first day with PDFs: 75,000 invitations (subscription + letter
with the EPC QR as a checked PDF + e-mail to the sink) through the PDF engine.

Side by side, in the same run: the plain approach on a sample (docxtpl with segno's QR, one
`soffice --convert-to pdf` process per letter, one yagmail send per member), extrapolated;
and the conversion alone with 1 then 2 converters, one document per conversion beside merged
conversions split (on a smaller size).
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.pdf_tools import (
    TreeMemory,
    bench_size,
    conversion_rate,
    cores,
    cpu_seconds,
    engine_env,
    engine_rows,
    fresh_database,
    soffice_per_file,
    stop_engine,
)
from bench.result import Result
from bench.scenarios.assembly import mail_bench


def _plain(root: Path, sample: int) -> float:
    """Seconds for `sample` invitations the plain way, in a database of their own (the
    campaign's subscriptions are made before the clock)."""
    import io

    import segno

    from documents import transition_docs as docs
    from documents.mail import YagmailSender
    from documents.render import render_docx
    from governance.config import get_settings
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.register.use_cases.shares import brussels_today
    from governance.transition.use_cases import transition as campaigns

    settings = get_settings()
    today = brussels_today()
    with UnitOfWork() as uow:
        campaign = campaigns.open_campaign(
            uow,
            name="Bench plain",
            share_class="A",
            deadline=today + timedelta(days=60),
            reminder_days=[3],
            restriction_on=today + timedelta(days=90),
            actor=Actor.staff("bench"),
            today=today,
        )
    with UnitOfWork() as uow:
        campaigns.enrol_members(uow, campaign.id)
    with UnitOfWork() as uow:
        letters = campaigns.prepare_invitations(uow, campaign.id, sample, Actor.staff("bench"))
    out = root / "plain"
    out.mkdir()
    client = YagmailSender(settings)
    start = time.perf_counter()
    for letter in letters:
        context = docs.invitation_context(
            letter, settings, today, today + timedelta(days=90), settings.staff_mailbox
        )
        png = io.BytesIO()
        segno.make(docs.payment_payload(letter, settings), error="m").save(png, kind="png")
        source = out / f"invitation-{letter.member_id}.docx"
        source.write_bytes(
            render_docx(docs.TEMPLATE, context.language, context, {"qr": png.getvalue()})
        )
        client.send(
            to="member@example.org",
            subject="Invitation",
            text="invitation",
            attachments=[soffice_per_file(source, out, root / "plain-profile")],
            key=f"bench:plain-invitation:{letter.member_id}",
            language=context.language,
        )
    seconds = time.perf_counter() - start
    client.close()
    return seconds


def run(quick: bool) -> list[Result]:
    from documents import pdf_pool

    if not pdf_pool.engine_available():
        return [Result("transition with PDF (LibreOffice not installed)", 0, 0.0)]
    size, sample = (200, 3) if quick else (75_000, 10)
    size = bench_size(size)
    with tempfile.TemporaryDirectory(prefix="bench-transition-pdf-") as tmp:
        root = Path(tmp)
        with mail_bench(root, pdf_output=None):
            try:
                return _measure(root, size, sample)
            finally:
                stop_engine()


def _measure(root: Path, size: int, sample: int) -> list[Result]:
    from prefect import flow

    from flows.transition_campaign import TransitionParameters, transition_campaign
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.members.use_cases.member_import import import_members
    from governance.register.use_cases.shares import brussels_today
    from seeding.transition import members_csv

    fresh_database(root, "plain")
    with UnitOfWork() as uow:
        import_members(uow, members_csv(sample, without_email_every=23), actor=Actor.staff("bench"))
    plain = _plain(root, sample)
    fresh_database(root, "full")
    with UnitOfWork() as uow:
        import_members(uow, members_csv(size, without_email_every=23), actor=Actor.staff("bench"))
    flow(name="bench-warm-up")(lambda: None)()  # the temporary Prefect server, not measured
    n = min(4, cores())
    engine_env(n, n)
    today = brussels_today()
    params = TransitionParameters(
        name="Bench transition",
        deadline=today + timedelta(days=60),
        reminder_days=[14, 3],
        restriction_on=today + timedelta(days=90),
        staff="bench",
        chunk_size=500,
    )
    memory = TreeMemory()
    cpu = cpu_seconds()
    with memory.watching():
        start = time.perf_counter()
        result = transition_campaign(params)
        seconds = time.perf_counter() - start
        stop_engine()
    cpu = cpu_seconds() - cpu
    eml = len(list((root / "mail").glob("*.eml")))
    invited = int(result["invited"])  # type: ignore[call-overload]
    scaling = min(size, 600)
    engine = engine_rows(
        "convert + check invitations (EPC QR)",
        scaling,
        lambda n, chunk: conversion_rate(root, ["transition_invitation"], scaling, n, chunk),
    )
    return [
        Result(
            "transition campaign, first day, PDF: subscriptions + invitation PDFs (EPC QR) + "
            f"e-mails (PDF engine, {n} render workers + {n} converters)",
            invited,
            seconds,
            target="≤ 60 min for 75,000 (aim 10); ≥ 6× the plain approach; peak < 1 GiB",
            baseline_seconds=plain / sample * invited,
            breakdown={
                "plain approach, measured on the sample": plain,
                "CPU s, whole process tree": cpu,
            },
            notes=f"{invited} invited, {result.get('invitations left as DOCX')} left as DOCX, "
            f"{eml} .eml; {invited / seconds / cores():.1f} invitations/s per core on "
            f"{cores()} cores; plain = docxtpl + one soffice per letter + one send, measured "
            f"on {sample} ({plain / sample:.2f} s each) and extrapolated; peak = the whole "
            "process tree (soffice included)",
            peak_rss_mb=memory.peak_mb,
        ),
        *engine,
    ]
