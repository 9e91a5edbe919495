"""contract-reminders: a contract decision waiting more than 48 hours is escalated to staff."""

from __future__ import annotations

from datetime import datetime

from prefect import flow
from pydantic import BaseModel, Field

from tasks.contracts import send_contract_reminders
from tasks.mail import deliver_outbox


class ReminderParameters(BaseModel):
    now: datetime | None = Field(None, title="As at", description="Empty: now")


@flow(name="contract-reminders", log_prints=True)
def contract_reminders(params: ReminderParameters = ReminderParameters()) -> int:
    """E-mail the staff mailbox once per overdue 48-hour period of each open decision."""
    sent = send_contract_reminders(params.now)
    deliver_outbox(keys_prefix="mail:contract-reminder:")
    return sent
