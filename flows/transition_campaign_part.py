"""transition-campaign-part: invitations for some ranges of members, on whichever worker is free.

The transition campaign (flows/transition_campaign.py) starts one run of this deployment per part;
any worker polling the pool takes it. Each range is one chunk: subscriptions opened, letters with
their EPC QR rendered (PDF), e-mails queued. Safe to run again: who is invited is skipped.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from prefect import flow
from pydantic import Field

from tasks.transition import invite_range


def invite_ranges(campaign_id: int, ranges: list[list[int]], staff: str, today: str) -> int:
    """Every range of this part, one after the other; the members invited."""
    day = date.fromisoformat(today)
    return sum(invite_range(campaign_id, first, last, staff, day) for first, last in ranges)


@flow(
    name="transition-campaign-part",
    flow_run_name="transition · campaign {campaign_id} · {ranges[0]}…",
    log_prints=True,
)
def transition_campaign_part(
    campaign_id: Annotated[int, Field(json_schema_extra={"title": "Campaign"})],
    ranges: Annotated[
        list[list[int]],
        Field(json_schema_extra={"title": "Ranges", "description": "Invitee ids, first and last"}),
    ],
    staff: Annotated[str, Field(json_schema_extra={"title": "Started by"})] = "system",
    today: Annotated[str, Field(json_schema_extra={"title": "As of (yyyy-mm-dd)"})] = "",
) -> dict[str, int]:
    """Invitations (letter with EPC QR, e-mail queued) for these ranges of the campaign."""
    return {"invited": invite_ranges(campaign_id, ranges, staff, today)}
