"""grant-reminders (daily): reminders for reviews due soon and overdue reports; runs waiting on
a review round that is complete or past its deadline are resumed."""

from __future__ import annotations

from datetime import datetime

from prefect import flow
from pydantic import BaseModel, Field

from governance.clock import utcnow
from tasks.grants import queue_reminders, wake_review_rounds
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
    now = params.now or utcnow()
    counts = queue_reminders(now, params.review_window_days)
    sent = deliver_outbox(keys_prefix="mail:grants:")
    woken = wake_review_rounds(now)  # suspended grant-awarding runs whose round is over
    return {**counts, "sent": sent["sent"], "review_rounds_resumed": woken}
