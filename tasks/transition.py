"""Transition campaign tasks: each opens its own unit of work and is safe to run twice."""

from __future__ import annotations

import base64
from datetime import date
from functools import partial

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from documents import archive, mass_pdf
from documents import transition_docs as docs
from documents.contexts.transition import ConversionLine
from documents.produce import DocumentRequest
from governance.config import Settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language
from governance.kernel.use_cases import documents as document_service
from governance.transition.rules.transition import Conversion, ConversionRow, conversion
from governance.transition.use_cases import transition as campaigns
from governance.transition.use_cases import transition_followup as followup
from tasks.common import IO_RETRIES, report_not_pdf
from tasks.documents import produce
from tasks.mail import deliver_prefix


def _actor(login: str) -> Actor:
    return Actor.system("transition") if login in ("", "system") else Actor.staff(login)


@task(name="open-transition-campaign", **IO_RETRIES)
def open_campaign(
    name: str,
    share_class: str,
    deadline: date,
    reminder_days: list[int],
    restriction_on: date,
    staff: str,
    today: date,
) -> int:
    """Create the campaign (or find it by name); returns its id."""
    with UnitOfWork() as uow:
        view = campaigns.open_campaign(
            uow,
            name=name,
            share_class=share_class,
            deadline=deadline,
            reminder_days=reminder_days,
            restriction_on=restriction_on,
            actor=_actor(staff),
            today=today,
        )
    return view.id


@task(name="enrol-members", **IO_RETRIES)
def enrol_members(campaign_id: int) -> int:
    """Add the members without a share who are not in the campaign yet."""
    with UnitOfWork() as uow:
        return campaigns.enrol_members(uow, campaign_id)


def invite_next_chunk(
    campaign_id: int,
    limit: int,
    staff: str,
    today: date,
    between: tuple[int, int] | None = None,
) -> dict[str, int]:
    """Subscriptions + queued e-mails, then the documents, then the chunk is marked invited."""
    actor = _actor(staff)
    with UnitOfWork() as uow:
        letters = campaigns.prepare_invitations(uow, campaign_id, limit, actor, between=between)
        campaign = campaigns.get_campaign(uow.session, campaign_id)
        settings = uow.settings
        done = document_service.existing_keys(uow.session, [x.document_key for x in letters])
    jobs = [
        docs.invitation_job(
            campaign_id,
            letter,
            docs.invitation_context(
                letter, settings, today, campaign.restriction_on, settings.staff_mailbox
            ),
            docs.payment_payload(letter, settings),
        )
        for letter in letters
        if letter.document_key not in done
    ]
    pdf_wanted = mass_pdf.wanted(settings)
    files = docs.render_invitations(settings.resolved_archive_dir(), jobs, with_pdf=pdf_wanted)
    not_pdf = 0
    if pdf_wanted:
        printed = {x.member_id: x.communication for x in letters}
        files, failed = docs.invitations_to_pdf(settings.resolved_archive_dir(), files, printed)
        not_pdf = report_not_pdf("invitation", failed)
    with UnitOfWork() as uow:
        marked = campaigns.mark_invited(
            uow, campaign_id, [x.member_id for x in letters], actor, documents=files
        )
        state = campaigns.progress(uow.session, campaign_id)
    return {
        "chunk": len(letters),
        "marked": marked,
        "invited": state.invited,
        "enrolled": state.enrolled,
        "not_pdf": not_pdf,
    }


@task(name="invite-chunk", **IO_RETRIES)
def invite_chunk(campaign_id: int, limit: int, staff: str, today: date) -> dict[str, int]:
    """Invite the next `limit` members not yet invited (0 in "chunk" when all are)."""
    return invite_next_chunk(campaign_id, limit, staff, today)


@task(name="invitation-ranges", **IO_RETRIES)
def invitation_ranges(campaign_id: int, size: int) -> list[list[int]]:
    """The members still to invite, as invitee-id ranges of `size` (one chunk each)."""
    with UnitOfWork() as uow:
        return [list(r) for r in campaigns.uninvited_ranges(uow.session, campaign_id, size)]


@task(name="invite-range", **IO_RETRIES)
def invite_range(campaign_id: int, first: int, last: int, staff: str, today: date) -> int:
    """Invite the members of one range of invitees (what a re-run finds done is skipped)."""
    return invite_next_chunk(campaign_id, last - first + 1, staff, today, (first, last))["chunk"]


@task(name="campaign-invitations", **IO_RETRIES)
def invitations_so_far(campaign_id: int) -> dict[str, int]:
    """Invited so far, and the invitations archived as DOCX though PDF was wanted."""
    with UnitOfWork() as uow:
        state = campaigns.progress(uow.session, campaign_id)
        formats = document_service.formats_for_subjects(
            uow.session, "transition_campaign", [str(campaign_id)]
        )
        pdf_wanted = mass_pdf.wanted(uow.settings)
    docx = formats.get(DocumentFormat.DOCX, 0) if pdf_wanted else 0
    return {"invited": state.invited, "enrolled": state.enrolled, "not_pdf": docx}


@task(name="deliver-campaign-mail", **IO_RETRIES)
def deliver_campaign_mail(campaign_id: int) -> dict[str, int]:
    """Send every due e-mail of this campaign (exactly once each)."""
    report = deliver_prefix(mail_keys.transition(campaign_id))
    get_run_logger().info("transition mail: %s", report)
    return {
        "sent": report.sent,
        "retrying": report.retrying,
        "bounced": report.bounced,
        "failed": report.failed,
    }


@task(name="transition-postal-pack", **IO_RETRIES)
def postal_pack(campaign_id: int, today: date) -> list[str]:
    """Invitations by post: an address CSV and one printable document per language."""
    with UnitOfWork() as uow:
        letters = campaigns.postal_letters(uow.session, campaign_id)
        campaign = campaigns.get_campaign(uow.session, campaign_id)
        settings = uow.settings
    root = settings.resolved_archive_dir()
    folder = f"transition/{campaign_id}/postal"
    # the pack is rebuilt on every run (new addresses, follow-ups): its files are replaced
    store = partial(archive.store, root, folder, replace=True)
    written = [store("invitations-addresses.csv", docs.postal_csv(letters))]
    for language in sorted({str(x.language) for x in letters}):
        contexts = [
            (
                docs.invitation_context(
                    x, settings, today, campaign.restriction_on, settings.staff_mailbox
                ),
                docs.payment_payload(x, settings),
            )
            for x in letters
            if str(x.language) == language
        ]
        written.append(store(f"invitations-{language}.docx", docs.merged_letters(contexts)))
    with UnitOfWork() as uow:
        followups = followup.postal_followups(uow.session, campaign_id)
    for name, rows in sorted(followups.items()):
        written.append(store(f"{name}-addresses.csv", docs.address_csv(rows)))
    return [w.relative_path for w in written]


@task(name="remind-chunk", **IO_RETRIES)
def remind_chunk(campaign_id: int, today: date, limit: int, staff: str) -> dict[str, int]:
    """Remind the next chunk of members who have not paid (never a payer, never twice)."""
    with UnitOfWork() as uow:
        result = followup.send_reminders(uow, campaign_id, today, limit, _actor(staff))
    return {"chunk": result.done, "emailed": result.emailed, "postal": len(result.postal)}


@task(name="restrict-chunk", **IO_RETRIES)
def restrict_chunk(campaign_id: int, today: date, limit: int, staff: str) -> dict[str, int]:
    """Restrict the next chunk of members still without a share, and tell them."""
    with UnitOfWork() as uow:
        result = followup.restrict_members(uow, campaign_id, today, limit, _actor(staff))
    return {"chunk": result.done, "emailed": result.emailed, "postal": len(result.postal)}


@task(name="lift-restrictions", **IO_RETRIES)
def lift_restrictions(campaign_id: int, staff: str) -> int:
    with UnitOfWork() as uow:
        return followup.lift_restrictions(uow, campaign_id, _actor(staff))


def _table(rows: list[ConversionLine]) -> list[dict[str, object]]:
    return [
        {
            "group": r.group,
            "invited": r.invited,
            "paid": r.paid,
            "% paid": r.percent,
            "not now": r.not_now,
            "resigned": r.resigned,
            "restricted": r.restricted,
        }
        for r in rows
    ]


@task(name="publish-conversion", **IO_RETRIES)
def publish_conversion(campaign_id: int, today: date) -> dict[str, object]:
    """Conversion tables (office, language, week), the chart and the board report (fr, nl)."""
    with UnitOfWork() as uow:
        campaign = campaigns.get_campaign(uow.session, campaign_id)
        facts = followup.conversion_facts(uow.session, campaign_id)
        state = campaigns.progress(uow.session, campaign_id)
        settings = uow.settings
    figures = conversion(facts)
    chart = docs.conversion_chart(figures, f"{campaign.name}: paid subscriptions")
    stored = archive.store(  # published again the same day: today's figures replace
        settings, f"transition/{campaign_id}/report", f"conversion-{today}.png", chart, replace=True
    )
    _conversion_artifacts(campaign, figures, state.postal, chart, stored.relative_path)
    produce(_board_reports(campaign, figures, state.postal, settings, today, chart))
    total = figures.total
    return {
        "invited": total.invited,
        "paid": total.paid,
        "percent_paid": total.percent_paid,
        "chart": stored.relative_path,
    }


def _conversion_artifacts(
    campaign: campaigns.CampaignView, figures: Conversion, postal: int, chart: bytes, path: str
) -> None:
    """The conversion tables and the summary with its chart, in the Prefect UI."""
    key = f"transition-{campaign.id}"

    def lines(rows: list[ConversionRow]) -> list[ConversionLine]:
        return [docs.conversion_line(r, "en") for r in rows]

    create_table_artifact(
        _table(lines(figures.by_office)), key=f"{key}-by-office", description="Conversion by office"
    )
    create_table_artifact(
        _table(lines(figures.by_language)),
        key=f"{key}-by-language",
        description="Conversion by language",
    )
    create_table_artifact(
        [{"week": w, "paid": n, "cumulative": c} for w, n, c in figures.paid_by_week],
        key=f"{key}-by-week",
        description="Paid subscriptions by ISO week",
    )
    total = figures.total
    image = base64.b64encode(chart).decode("ascii")
    create_markdown_artifact(
        f"# {campaign.name}\n\n"
        f"**{total.paid} of {total.invited} members paid ({total.percent_paid:.1f} %)**; "
        f"{total.not_now} not now, {total.resigned} resigned, {total.restricted} restricted; "
        f"{postal} invited by post.\n\n"
        f"Deadline {campaign.deadline}, reminders {list(campaign.reminder_days)} days before, "
        f"restriction from {campaign.restriction_on}.\n\n"
        f"![paid subscriptions over time](data:image/png;base64,{image})\n\n"
        f"Chart archived as `{path}`.",
        key=f"{key}-conversion",
        description="Transition campaign: conversion",
    )


def _board_reports(
    campaign: campaigns.CampaignView,
    figures: Conversion,
    postal: int,
    settings: Settings,
    today: date,
    chart: bytes,
) -> list[DocumentRequest]:
    """The board report of the day, in French and in Dutch, with the chart."""
    return [
        DocumentRequest(
            key=f"doc:transition:{campaign.id}:board_report:{today.isoformat()}:{language}",
            template="transition_board_report",
            language=Language(language),
            context=docs.board_report_context(
                campaign.name,
                campaign.share_class,
                campaign.deadline,
                campaign.restriction_on,
                figures,
                postal,
                settings,
                language,
                today,
            ),
            subject_type="transition_campaign",
            subject_id=str(campaign.id),
            images={"chart": chart},
        )
        for language in ("fr", "nl")
    ]
