"""grant-reminders (daily): reviews due soon and overdue reports get a reminder e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow
from pydantic import BaseModel, Field

from tasks.grants import queue_reminders
from tasks.mail import deliver_outbox


class GrantReminderParameters(BaseModel):
    now: datetime | None = Field(None, title="Clock", description="Empty: the real time")
    review_window_days: int = Field(
        3,
        ge=0,
        le=30,
        title="Review reminder window (days)",
        description="Remind reviewers whose deadline is this close",
    )


@flow(name="grant-reminders", log_prints=True)
def grant_reminders(params: GrantReminderParameters | None = None) -> dict[str, int]:
    """Queue due reminders (each at most once per assignment / per report per week), send them."""
    params = params or GrantReminderParameters()
    now = params.now or datetime.now(UTC)
    counts = queue_reminders(now, params.review_window_days)
    sent = deliver_outbox(keys_prefix="mail:grants:")
    return {**counts, "sent": sent["sent"]}
