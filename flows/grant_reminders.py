"""grant-reminders (daily): reminders for reviews due soon and overdue reports; runs waiting on
a review round that is complete or past its deadline are resumed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.clock import utcnow
from governance.kernel.rules import mail_keys
from tasks.grants import queue_reminders, wake_review_rounds
from tasks.mail import deliver_outbox
from tasks.runs import dated


class GrantReminderParameters(PaperForm):
    now: datetime | None = Field(None, title="Clock", description="Empty: the real time")
    review_window_days: int = Field(
        3,
        ge=0,
        le=30,
        title="Review reminder window (days)",
        description="Remind reviewers whose deadline is this close",
    )


FORM = titled("Reminder settings", "Defaults suit the daily run")


@flow(name="grant-reminders", flow_run_name=dated("grant reminders"), log_prints=True)
def grant_reminders(
    params: Annotated[GrantReminderParameters, FORM] = GrantReminderParameters(),
) -> dict[str, int]:
    """Queue due reminders (each at most once per assignment / per report per week), send them."""
    now = params.now or utcnow()
    counts = queue_reminders(now, params.review_window_days)
    sent = deliver_outbox(keys_prefix=mail_keys.grants())
    woken = wake_review_rounds(now)  # suspended grant-awarding runs whose round is over
    return {**counts, "sent": sent["sent"], "review_rounds_resumed": woken}
