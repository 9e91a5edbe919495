"""transition-campaign: every member without a share is invited to become a shareholder.

Run it on the campaign's first day, then daily (same parameters): each run invites whoever
is not invited yet, sends the reminder stage due (never to a payer, never twice), restricts
the members still without a share once the restriction date has come, and refreshes the
conversion figures. Payments arrive through the register's bank-statement import.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast
from uuid import UUID

from prefect import flow
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.restarts import Restarts, note_restart
from flows.transition_campaign_part import invite_ranges
from governance.config import get_settings
from governance.kernel.rules.text import OneLineText
from governance.placeholders import require_ready
from governance.register.use_cases.shares import brussels_today
from tasks import transition as t
from tasks.fanout import Part, fan_out


class TransitionParameters(PaperForm):
    name: OneLineText = Field(
        ..., title="Campaign name", description="e.g. 'Transition 2027'", max_length=120
    )
    share_class: OneLineText = Field(
        "A",
        title="Share class",
        description="Class of the share offered (statutes)",
        pattern=r"^[A-Z]$",
    )
    deadline: date = Field(..., title="Payment deadline", description="Pay before this date")
    reminder_days: list[int] = Field(
        [14, 3],
        title="Reminders (days before the deadline)",
        description="One reminder per value, to those who have not paid",
    )
    restriction_on: date = Field(
        ...,
        title="Restriction date",
        description="From this date, members without a share are restricted",
    )
    staff: OneLineText = Field(
        "system", title="Started by", description="Staff login, for the timeline"
    )
    as_of: date | None = Field(
        None,
        title="Run as of",
        description="Leave empty: today (Brussels). A date: catch up as on that day",
    )
    chunk_size: int = Field(500, title="Members per chunk", ge=10, le=5000)
    chunks_per_part: int = Field(
        4,
        title="Chunks per worker run",
        ge=1,
        le=100,
        description="The invitations go to the workers in parts of this many chunks",
    )


def _in_chunks(step, label: str, *args: object, tally: dict[str, int] | None = None) -> int:  # type: ignore[no-untyped-def]
    """Call a chunk task until it reports an empty chunk; progress shown as an artifact.
    Documents a chunk left as DOCX ("not_pdf") are added up in `tally`."""
    artifact = cast(UUID, create_progress_artifact(0.0, description=label))
    total = 0
    while (result := step(*args))["chunk"]:
        total += result["chunk"]
        if tally is not None:
            tally["not_pdf"] = tally.get("not_pdf", 0) + result.get("not_pdf", 0)
        if result.get("enrolled"):
            update_progress_artifact(artifact, 100.0 * result["invited"] / result["enrolled"])
    update_progress_artifact(artifact, 100.0)
    return total


FORM = titled("Campaign", "The campaign, with its dates")
PARTS = "transition-campaign-part/transition-campaign-part"


def _invite_in_parts(
    cid: int, params: TransitionParameters, today: date, tally: dict[str, int]
) -> int:
    """The members still to invite, in parts spread over the workers (here without them)."""
    before = t.invitations_so_far(cid)
    ranges = t.invitation_ranges(cid, params.chunk_size)
    size = params.chunks_per_part
    fixed = {"campaign_id": cid, "staff": params.staff, "today": today.isoformat()}
    parts = [
        Part(f"invitees {group[0][0]}-{group[-1][1]}", {**fixed, "ranges": group})
        for group in (ranges[i : i + size] for i in range(0, len(ranges), size))
    ]
    fan_out(PARTS, parts, lambda ps: [invite_ranges(**p) for p in ps], label=f"campaign {cid}")
    after = t.invitations_so_far(cid)
    tally["not_pdf"] = after["not_pdf"]
    return after["invited"] - before["invited"]


@flow(name="transition-campaign", flow_run_name="transition · {params.name}", log_prints=True)
def transition_campaign(
    params: Annotated[TransitionParameters, FORM], restarts: Restarts = 0
) -> dict[str, object]:
    """Invite, remind, restrict and report, in that order, for whatever is due today."""
    require_ready(
        get_settings(), "start the transition campaign"
    )  # production: no placeholder settings
    note_restart(restarts)
    today = params.as_of or brussels_today()
    cid = t.open_campaign(
        params.name,
        params.share_class,
        params.deadline,
        params.reminder_days,
        params.restriction_on,
        params.staff,
        today,
    )
    invited = reminded = restricted = 0
    tally: dict[str, int] = {}
    if today < params.restriction_on:
        if today < params.deadline:
            t.enrol_members(cid)
        invited = _invite_in_parts(cid, params, today, tally)
        reminded = _in_chunks(
            t.remind_chunk, "Reminders", cid, today, params.chunk_size, params.staff
        )
    else:
        restricted = _in_chunks(
            t.restrict_chunk, "Restriction", cid, today, params.chunk_size, params.staff
        )
    t.deliver_campaign_mail(cid)
    postal = t.postal_pack(cid, today)
    lifted = t.lift_restrictions(cid, params.staff)
    figures = t.publish_conversion(cid, today)
    print(
        f"invited {invited}, reminded {reminded}, restricted {restricted}, lifted {lifted}; {figures}"
    )
    return {
        "campaign_id": cid,
        "invited": invited,
        "invitations left as DOCX": tally.get("not_pdf", 0),
        "reminded": reminded,
        "restricted": restricted,
        "lifted": lifted,
        "postal_files": postal,
        "conversion": figures,
    }
