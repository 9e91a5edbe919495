"""General assembly tasks: open the convening, render a chunk of ballots, send a chunk, the
postal pack, reminders, progress and the closing run. All safe to run twice."""

from __future__ import annotations

import time
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from prefect import get_run_logger, task

from documents import archive, assembly_docs, mass_pdf, pdf, pdf_pool
from documents.produce import DocumentRequest
from documents.render import template_version
from governance.assembly.rules.views import AssemblyView
from governance.assembly.use_cases import convening, reminders
from governance.assembly.use_cases.assembly import get_assembly
from governance.assembly.use_cases.ballot_keys import ballot_codes, shared_document_key
from governance.assembly.use_cases.chunks import (
    PreparedBallot,
    chunk_voters,
    outbox_counts,
    postal_voters,
    record_chunk_mailed,
    record_chunk_prepared,
)
from governance.assembly.use_cases.progress import mailing_progress
from governance.clock import add_calendar_days, business_today, utcnow
from governance.config import get_settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules import delivery, mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat, Language, OutboxStatus
from governance.kernel.use_cases import documents as document_service
from governance.statutes import get_statutes
from tasks.common import IO_RETRIES, report_not_pdf
from tasks.documents import produce
from tasks.mail import deliver_prefix

SHARED_TEMPLATES = ("assembly_convocation", "assembly_proxy")


def _actor(staff: str) -> Actor:
    return Actor.staff(staff) if staff and staff != "system" else Actor.system("assembly-convening")


@task(name="assembly-open-convening", **IO_RETRIES)
def open_convening(assembly_id: int, staff: str, chunk_size: int = 500) -> dict[str, Any]:
    """Refuse (delay, board report) or freeze the voters at the record date and plan chunks."""
    with UnitOfWork() as uow:
        plan = convening.open_convening(
            uow, assembly_id, now=utcnow(), actor=_actor(staff), chunk_size=chunk_size
        )
    return {"chunks": plan.chunks, "voters": plan.voters, "postal": plan.postal}


def _today() -> Any:
    return business_today()


@task(name="assembly-shared-documents", **IO_RETRIES)
def prepare_shared_documents(assembly_id: int) -> int:
    """The convocation and the proxy form in each language (the same for every shareholder)."""
    settings = get_settings()
    with UnitOfWork() as uow:
        view = get_assembly(uow.session, assembly_id)
    requests = []
    for language in Language:
        lang = str(language)
        contexts = {
            "assembly_convocation": assembly_docs.convocation(view, lang, settings, _today()),
            "assembly_proxy": assembly_docs.proxy_form(view, lang, settings, _today()),
        }
        for template, context in contexts.items():
            requests.append(
                DocumentRequest(
                    key=shared_document_key(assembly_id, template, lang),
                    template=template,
                    language=language,
                    context=context,
                    subject_type="assembly",
                    subject_id=str(assembly_id),
                )
            )
    made = produce(requests)
    pdf.stop_converter()  # eight documents: the mass run's converters are the pool's
    return made


def mail_context(view: AssemblyView) -> dict[str, dict[str, Any]]:
    """What the convocation and reminder e-mails say, per language (strings only)."""
    settings = get_settings()
    out = {}
    for language in Language:
        lang = str(language)
        meeting = assembly_docs.meeting(view, lang, settings, _today())
        out[lang] = {
            "title": meeting.title,
            "meeting": meeting.when,
            "place": meeting.place,
            "online_link": meeting.online_link,
            "closes": meeting.voting_closes,
            "vote_url": meeting.vote_url,
            "coop_name": settings.coop_name,
        }
        if meeting.voting_opens:  # not yet open on the day the e-mail is written
            out[lang]["opens"] = meeting.voting_opens
    return out


@task(name="assembly-prepare-chunk", **IO_RETRIES)
def prepare_chunk(assembly_id: int, number: int) -> dict[str, int]:
    """Render the chunk's personalised ballots (worker processes), make their PDFs (converter
    pool) and queue their e-mails; counts the ballots prepared and those left as DOCX."""
    settings = get_settings()
    with UnitOfWork() as uow:
        view = get_assembly(uow.session, assembly_id)
        voters = [v for v in chunk_voters(uow.session, assembly_id, number) if not v.prepared]
    if not voters:
        return {"prepared": 0, "not_pdf": 0}
    codes = ballot_codes(settings, assembly_id, [v.member_id for v in voters])
    today = _today()
    shared = {
        str(lang): (
            assembly_docs.meeting(view, str(lang), settings, today),
            assembly_docs.ballot_lines(view, str(lang)),
        )
        for lang in Language
    }
    jobs = []
    for v in voters:
        context = assembly_docs.ballot(view, v, codes[v.member_id], settings, today, shared)
        url = assembly_docs.ballot_url(settings, codes[v.member_id])
        jobs.append(assembly_docs.ballot_job(assembly_id, number, context, v.member_id, url))
    pdf_wanted = mass_pdf.wanted(settings)
    files = assembly_docs.render_ballots(settings.resolved_archive_dir(), jobs, pdf_wanted)
    failed: dict[str, str] = {}
    if pdf_wanted:
        printed = {j.member_id: str(j.context["ballot_code"]) for j in jobs}
        files, failed = assembly_docs.ballots_to_pdf(
            settings.resolved_archive_dir(), files, printed
        )
        report_not_pdf("ballot", failed)
    ballots = [
        PreparedBallot(
            f.member_id,
            Language(f.language),
            f.path,
            f.sha256,
            f.size_bytes,
            f.template_version,
            DocumentFormat.PDF if f.path.endswith(".pdf") else DocumentFormat.DOCX,
        )
        for f in files
    ]
    with UnitOfWork() as uow:
        prepared = record_chunk_prepared(uow, assembly_id, number, ballots, mail_context(view))
    return {"prepared": prepared, "not_pdf": len(failed)}


@task(name="assembly-send-chunk", **IO_RETRIES)
def send_chunk(assembly_id: int, number: int, connections: int = 3) -> dict[str, int]:
    """Deliver the chunk's convocations (exactly once; a re-run sends only what is missing)."""
    report = deliver_prefix(
        mail_keys.assembly_convocation(assembly_id, number), connections=connections
    )
    with UnitOfWork() as uow:
        counts = record_chunk_mailed(uow, assembly_id, number)
    get_run_logger().info("chunk %s: %s (now: %s)", number, counts, report)
    return counts


class MailStillWaiting(RuntimeError):
    """E-mails of the convening are still waiting: the run must not end green."""


def _unsent(assembly_id: int) -> tuple[int, int]:
    """E-mails of the convening still waiting: (claimed by a sender, not claimed)."""
    with UnitOfWork() as uow:
        counts = outbox_counts(uow.session, mail_keys.assembly_convocation(assembly_id))
    return counts.get(OutboxStatus.SENDING, 0), counts.get(OutboxStatus.PENDING, 0)


@task(name="assembly-finish-delivery", **IO_RETRIES)
def finish_delivery(assembly_id: int, chunks: list[int], connections: int = 3) -> dict[str, int]:
    """After every part: send what is still waiting. E-mails a lost machine had claimed wait for
    the end of their lease, then go. Raises while anything is waiting (the mail server refusing,
    say), so the convening never ends green with an e-mail undelivered; a re-run finishes it."""
    deadline = time.monotonic() + delivery.LEASE.total_seconds() + 60
    while True:
        claimed, pending = _unsent(assembly_id)
        if claimed or pending:
            for number in chunks:
                send_chunk.fn(assembly_id, number, connections)
            claimed, pending = _unsent(assembly_id)
        if not (claimed or pending):
            return {"waiting": 0}
        if pending or time.monotonic() > deadline:
            raise MailStillWaiting(
                f"{claimed + pending} e-mail(s) of assembly {assembly_id} are not sent yet; "
                "`coop outbox problems` lists them, a re-run of the convening sends them"
            )
        get_run_logger().warning("%d e-mail(s) claimed by a lost sender; again in 30 s", claimed)
        time.sleep(30)


@task(name="assembly-postal-pack", **IO_RETRIES)
def write_postal_pack(assembly_id: int) -> dict[str, int]:
    """Addresses (CSV) and one printable document per language for those without e-mail."""
    pdf_pool.shutdown()  # every ballot is converted: the converters' memory goes back first
    settings = get_settings()
    with UnitOfWork() as uow:
        view = get_assembly(uow.session, assembly_id)
        voters = postal_voters(uow.session, assembly_id)
    codes = ballot_codes(settings, assembly_id, [v.member_id for v in voters])
    folder = f"assembly/{assembly_id}/postal"
    records = []  # the pack is rebuilt on every run (addresses change): its files replaced
    store = partial(archive.store, settings, folder, replace=True)
    stored = store("postal-addresses.csv", assembly_docs.postal_csv(voters))
    records.append(("csv", "postal_addresses", Language.FR, stored))
    counts = {"postal": len(voters)}
    for language in Language:
        lang = str(language)
        mine = [v for v in voters if v.language == language]
        counts[lang] = len(mine)
        if not mine:
            continue
        ballots = [
            (
                assembly_docs.ballot(view, v, codes[v.member_id], settings, _today()),
                assembly_docs.ballot_url(settings, codes[v.member_id]),
            )
            for v in mine
        ]
        data = assembly_docs.postal_document(
            lang,
            assembly_docs.convocation(view, lang, settings, _today()),
            assembly_docs.proxy_form(view, lang, settings, _today()),
            ballots,
        )
        stored = store(f"postal-letters.{lang}.docx", data)
        records.append(("docx", "assembly_postal_pack", language, stored))
    documents = [
        ArchivedDocument(
            key=f"doc:assembly:{assembly_id}:postal:{template}:{lang}",
            template=template,
            template_version=template_version("assembly_ballot", str(lang))
            if kind == "docx"
            else "csv",
            language=lang,
            format=DocumentFormat(kind),
            path=s.relative_path,
            sha256=s.sha256,
            size_bytes=s.size_bytes,
            member_id=None,
            subject_type="assembly",
            subject_id=str(assembly_id),
        )
        for kind, template, lang, s in records
    ]
    with UnitOfWork() as uow:
        # A re-run rewrites the same files (same codes, same content): the index keeps one row.
        document_service.index_documents(uow, documents)
    return counts


@task(name="assembly-progress", **IO_RETRIES)
def publish_progress(assembly_id: int, artifact_id: str | None) -> str:
    """Create or update the progress artifact staff watch in the Prefect UI."""
    from prefect.artifacts import create_progress_artifact, update_progress_artifact

    with UnitOfWork() as uow:
        progress = mailing_progress(uow.session, assembly_id)
    percent = round(progress.fraction * 100, 1)
    if artifact_id is None:
        created = create_progress_artifact(
            progress=percent,
            key=f"assembly-{assembly_id}-convening",
            description=f"Convening of assembly {assembly_id}: documents and e-mails",
        )
        return str(created)
    update_progress_artifact(UUID(artifact_id), percent)
    return artifact_id


@task(name="assembly-summary", **IO_RETRIES)
def publish_summary(assembly_id: int, spread: dict[str, Any] | None = None) -> dict[str, Any]:
    """The summary artifact: voters, sent, postal, bounced, still waiting, the ballots
    LibreOffice could not turn into a checked PDF (sent as DOCX, listed in the run's log), and
    how the parts were spread over the workers."""
    from prefect.artifacts import create_markdown_artifact

    with UnitOfWork() as uow:
        p = mailing_progress(uow.session, assembly_id)
        view = get_assembly(uow.session, assembly_id)
        not_pdf = (
            document_service.count_in_format(
                uow.session, "assembly", str(assembly_id), "assembly_ballot", DocumentFormat.DOCX
            )
            if mass_pdf.wanted(get_settings())
            else 0
        )
    summary: dict[str, Any] = {
        "voters": p.voters,
        "documents": p.prepared,
        "sent": p.sent,
        "postal": p.postal,
        "bounced": p.bounced,
        "waiting": p.waiting,
    }
    if not_pdf:
        summary["ballots left as DOCX"] = not_pdf
    rows = "\n".join(f"| {k} | {v} |" for k, v in summary.items())
    for worker, parts in (spread or {}).get("parts_per_worker", {}).items():
        rows += f"\n| parts run by {worker} | {parts} |"
    create_markdown_artifact(
        key=f"assembly-{assembly_id}-summary",
        markdown=f"## Convening: {view.title}\n\n| | count |\n|---|---|\n{rows}\n\n"
        "Bounced addresses are listed by `coop outbox problems`; the postal pack is in the "
        f"archive under `assembly/{assembly_id}/postal/`.",
        description="Convening summary",
    )
    return summary


@task(name="assembly-schedule-followups", **IO_RETRIES)
def schedule_followups(assembly_id: int) -> dict[str, str]:
    """Schedule the reminders (N days before the close) and the closing run (at the close)."""
    from prefect.deployments import run_deployment

    with UnitOfWork() as uow:
        view = get_assembly(uow.session, assembly_id)
        already = convening.closing_already_scheduled(uow.session, assembly_id)
    days = get_statutes().assembly.reminder_days_before_close

    plans: dict[str, tuple[str, datetime]] = {
        "reminders": (
            "assembly-reminders/assembly-reminders",
            add_calendar_days(view.voting_closes_at, -days),
        ),
        "closing": ("assembly-closing/assembly-closing", view.voting_closes_at),
    }
    out: dict[str, str] = {}
    for what, (name, when) in plans.items():
        if what == "closing" and already:
            out[what] = already
            continue
        try:
            run = run_deployment(
                name=name,
                parameters={"assembly_id": assembly_id},
                scheduled_time=max(when, utcnow()),
                timeout=0,
                idempotency_key=f"{what}-assembly-{assembly_id}",
            )
            out[what] = str(getattr(run, "id", run))
        except Exception as exc:  # no deployment (tests, demo without a server): say so
            out[what] = f"not scheduled: {type(exc).__name__}: {exc}"[:200]
    with UnitOfWork() as uow:
        closing = out["closing"]
        convening.record_closing_scheduled(
            uow, assembly_id, None if closing.startswith("not scheduled") else closing, closing
        )
    return out


@task(name="assembly-queue-reminders", **IO_RETRIES)
def queue_reminders(assembly_id: int) -> int:
    """Queue a reminder for every shareholder with an e-mail address who has not voted."""
    with UnitOfWork() as uow:
        view = get_assembly(uow.session, assembly_id)
        return reminders.queue_reminders(uow, assembly_id, now=utcnow(), context=mail_context(view))


@task(name="assembly-send-reminders", **IO_RETRIES)
def send_reminders(assembly_id: int) -> dict[str, int]:
    report = deliver_prefix(mail_keys.assembly_reminder(assembly_id))
    return {"sent": report.sent, "bounced": report.bounced, "retrying": report.retrying}
