"""Closing tasks: close and count, publish the results, the draft minutes, the e-mails."""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from documents.contexts import Coop
from documents.contexts.voting import minutes_context, minutes_rows, results_summary
from documents.labels import assembly_name
from documents.produce import DocumentRequest
from governance.assembly.use_cases import voting_closing, voting_early_close, voting_results
from governance.clock import business_today, utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.calendar import brussels_date
from governance.kernel.rules.enums import Language
from tasks.common import IO_RETRIES
from tasks.documents import produce

ARTIFACT_RECEIPTS = 5000


def minutes_key(assembly_id: int, language: str) -> str:
    return f"doc:assembly_minutes:{assembly_id}:{language}"


@task(name="close-assembly-voting", **IO_RETRIES)
def close_assembly_voting(assembly_id: int, staff: str, early: bool) -> dict[str, Any]:
    """Close the voting, seal the ballots and count them (a second run returns the seal)."""
    actor = Actor.staff(staff) if staff != "system" else Actor.system("assembly-closing")
    with UnitOfWork() as uow:
        summary = voting_closing.close_voting(
            uow, assembly_id, now=utcnow(), actor=actor, early=early
        )
    with UnitOfWork() as uow:  # every run: a crash may have come between the two steps
        voting_closing.forget_cast_order(uow, assembly_id)
    get_run_logger().info(
        "assembly %s: %s ballots, seal %s (closed now: %s)",
        assembly_id,
        summary.ballots,
        summary.seal,
        summary.closed_now,
    )
    return {"ballots": summary.ballots, "seal": summary.seal, "closed_now": summary.closed_now}


@task(name="early-close-question", **IO_RETRIES)
def early_close_question(assembly_id: int) -> tuple[str, str] | None:
    """The decision key and question of an early close, while the vote is still open."""
    with UnitOfWork() as uow:
        request = voting_early_close.early_close_request(uow.session, assembly_id)
    return (request.key, request.question) if request else None


@task(name="publish-assembly-results", **IO_RETRIES)
def publish_results(assembly_id: int) -> int:
    """The results table and the tracker list as Prefect artifacts (no personal data)."""
    with UnitOfWork() as uow:
        view = voting_results.closed_assembly(uow, assembly_id)
    motions, candidates, elected = minutes_rows(view, "en")
    rows: list[dict[str, Any]] = [
        {
            "resolution": f"{m.code}. {m.title}",
            "for": m.votes_for,
            "against": m.against,
            "abstain": m.abstain,
            "rule": m.test,
            "result": m.outcome,
        }
        for m in motions
    ]
    rows += [
        {
            "resolution": f"{c.election}: {c.name}",
            "for": c.votes,
            "against": "",
            "abstain": "",
            "rule": "election",
            "result": "ELECTED" if c.elected == "yes" else "",
        }
        for c in candidates
    ]
    create_table_artifact(
        key=f"assembly-{assembly_id}-results",
        table=rows,
        description=f"{view.title}: results ({len(view.trackers)} ballots, seal {view.seal}). "
        f"{elected}",
    )
    shown = view.trackers[:ARTIFACT_RECEIPTS]
    trackers = "\n".join(f"- `{r}`" for r in shown) or "(no ballot)"
    if len(view.trackers) > len(shown):  # keep the artifact small; the full list is elsewhere
        trackers += (
            f"\n\n… and {len(view.trackers) - len(shown)} more: the full list is annexed to "
            "the minutes and searchable on the ballot page (/receipts/<assembly>)."
        )
    create_markdown_artifact(
        key=f"assembly-{assembly_id}-trackers",
        markdown=f"# Vote receipts — {view.title}\n\nSeal: `{view.seal}`\n\n{trackers}\n",
        description="Every voter can find their receipt here.",
    )
    return len(rows)


@task(name="produce-assembly-minutes", **IO_RETRIES)
def produce_minutes(assembly_id: int) -> list[str]:
    """The draft minutes in each language of the assembly's voters (idempotent by key)."""
    with UnitOfWork() as uow:
        view = voting_results.closed_assembly(uow, assembly_id)
        coop = Coop.from_settings(uow.settings)
    today = business_today()
    requests = [
        DocumentRequest(
            key=minutes_key(assembly_id, lang),
            template="assembly_minutes",
            language=Language(lang),
            context=minutes_context(view, lang, coop, today),
            subject_type="assembly",
            subject_id=str(assembly_id),
        )
        for lang in view.languages
    ]
    produce(requests)
    return [r.key for r in requests]


@task(name="queue-assembly-results-mail", **IO_RETRIES)
def queue_results_mail(assembly_id: int, chunk_size: int = 1000) -> int:
    """Queue the results e-mail for every shareholder with an address, chunk by chunk."""
    with UnitOfWork() as uow:
        view = voting_results.closed_assembly(uow, assembly_id)
    summaries = {lang.value: results_summary(view, lang.value) for lang in Language}
    queued, after = 0, 0
    while True:
        with UnitOfWork() as uow:
            count, last = voting_results.queue_result_mails(
                uow,
                assembly_id,
                summaries=summaries,
                title={
                    lang.value: assembly_name(
                        view.kind,
                        brussels_date(view.meeting_at).year,
                        lang.value,
                        second_meeting=view.second_meeting,
                    )
                    for lang in Language
                },
                seal=view.seal,
                after_voter_id=after,
                limit=chunk_size,
            )
        queued += count
        if last is None:
            return queued
        after = last
