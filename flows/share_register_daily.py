"""share-register-daily: bank statements, reminders, lapses, resignations due, certificates,
the SEPA repayment file, and the e-mails — every morning (Europe/Brussels)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.clock import business_today
from governance.kernel.rules.text import OneLineText
from tasks.mail import deliver_outbox
from tasks.payment_reviews import start_payment_reviews
from tasks.runs import dated
from tasks.share_register import (
    import_bank_statements,
    wake_waiting_subscriptions,
    write_repayment_batch,
)
from tasks.shares import certificates_due, daily_duties, issue_certificate


class DailyParameters(PaperForm):
    inbox: OneLineText = Field(
        "var/bank/inbox",
        title="Bank statements folder",
        description="camt.053 files dropped by the bank connector",
    )
    today: date | None = Field(None, title="Run as of", description="Empty: today in Brussels")


FORM = titled("Daily run settings", "Defaults suit the daily run")


@flow(name="share-register-daily", flow_run_name=dated("register daily run"), log_prints=True)
def share_register_daily(
    params: Annotated[DailyParameters, FORM] = DailyParameters(),
) -> dict[str, int]:
    """Import payments → remind / lapse → cancel resigned shares → certificates → SEPA → mail."""
    today = params.today or business_today()
    imported = import_bank_statements(params.inbox)
    reviews = start_payment_reviews()  # a run with its form for each payment held for staff
    duties = daily_duties(today)
    woken = wake_waiting_subscriptions(imported["issued"] + duties["cancelled"])
    due = certificates_due()
    for sub_id in due:
        issue_certificate(sub_id)
    sepa = write_repayment_batch(today.isoformat(), today + timedelta(days=1))
    sent = deliver_outbox()
    print(
        f"statements {imported['files']}, issued {len(imported['issued'])}, "
        f"reminded {len(duties['reminded'])}, lapsed {len(duties['cancelled'])}, "
        f"resigned {len(duties['resigned'])}, certificates {len(due)}, SEPA file {sepa}"
    )
    return {
        "issued": len(imported["issued"]),
        "reviews": imported["under"] + imported["over"] + imported["unknown"],
        "review runs": sum(1 for run in reviews.values() if not run.startswith("not started")),
        "certificates": len(due),
        "woken": woken,
        "reminded": len(duties["reminded"]),
        "lapsed": len(duties["cancelled"]),
        "resigned": len(duties["resigned"]),
        "sent": sent["sent"],
    }
