"""contract-reminders: a contract decision waiting more than 48 hours is escalated to staff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.kernel.rules import mail_keys
from tasks.contracts import send_contract_reminders
from tasks.mail import deliver_outbox
from tasks.runs import dated


class ReminderParameters(PaperForm):
    now: datetime | None = Field(None, title="As at", description="Empty: now")


FORM = titled("Reminder settings", "Defaults suit the scheduled run")


@flow(name="contract-reminders", flow_run_name=dated("contract reminders"), log_prints=True)
def contract_reminders(params: Annotated[ReminderParameters, FORM] = ReminderParameters()) -> int:
    """E-mail the staff mailbox once per overdue 48-hour period of each open decision."""
    sent = send_contract_reminders(params.now)
    deliver_outbox(keys_prefix=mail_keys.contract_reminders())
    return sent
