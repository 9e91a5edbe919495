"""onboarding-reminders: chase reviews and answers that are late; close what is abandoned."""

# No `from __future__ import annotations` here: a deployment's runner must resolve the
# parameter model from the annotation (a string annotation fails parameter validation).

from datetime import datetime
from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.clock import utcnow
from governance.kernel.rules import mail_keys
from governance.members.rules.onboarding_reminders import ReminderKind
from tasks import onboarding as steps
from tasks.mail import deliver_outbox
from tasks.runs import dated


class RemindersParameters(PaperForm):
    now: datetime | None = Field(
        None,
        title="As at",
        description="Leave empty for the current time; set a moment to replay or test",
    )


FORM = titled("Reminder settings", "Defaults suit the daily run")


@flow(name="onboarding-reminders", flow_run_name=dated("onboarding reminders"), log_prints=True)
def onboarding_reminders(
    params: Annotated[RemindersParameters, FORM] = RemindersParameters(),
) -> dict[str, int]:
    """Review waiting 2 working days → staff mailbox; answer missing 7 days → applicant;
    30 days → application closed and applicant told."""
    now = params.now or utcnow()
    due = steps.find_due_reminders(now)
    outcomes = steps.apply_reminders(due, now) if due else []
    closed_runs = [
        o.flow_run_id
        for o in outcomes
        if o.done and o.kind is ReminderKind.CLOSE_UNANSWERED and o.flow_run_id
    ]
    if closed_runs:
        steps.cancel_waiting_runs(closed_runs, "application closed: no answer within 30 days")
    deliver_outbox(keys_prefix=mail_keys.onboarding())
    counts = {str(kind): 0 for kind in ReminderKind}
    for outcome in outcomes:
        counts[str(outcome.kind)] += int(outcome.done)
    print(f"onboarding reminders at {now:%Y-%m-%d %H:%M} UTC: {counts}")
    return counts
