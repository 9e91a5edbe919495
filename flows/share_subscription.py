"""share-subscription: a member subscribes shares; the flow waits (suspended, no worker held)
for the payment, confirmed by staff or found in a bank statement; then the certificate."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from prefect import flow, runtime
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.human import StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText
from governance.register.rules.register import SubscriptionStatus
from tasks.mail import deliver_outbox
from tasks.shares import (
    apply_payment_confirmation,
    ask_payment_confirmation,
    issue_certificate,
    start_subscription,
    subscription_status,
)


class SubscriptionParameters(PaperForm):
    member_id: int = Field(..., title="Member", description="The member's id")
    share_class: OneLineText = Field(
        "A",
        title="Share class",
        pattern=r"^[A-Z]$",
        description="A = users of the services, B = clients",
    )
    shares: int = Field(1, title="Number of shares", ge=1, le=10_000)
    request_key: OneLineText | None = Field(
        None,
        title="Request key",
        description="Same key = same subscription (leave empty: one per flow run)",
    )
    staff: OneLineText = Field(
        "system", title="Started by", description="Staff login, for the timeline"
    )


class PaymentConfirmation(StaffInput):
    decision_kind = DecisionKind.PAYMENT_CONFIRMATION

    decision: Literal["paid", "cancel"] = Field(
        ..., title="Decision", description="paid: the money arrived; cancel: drop the subscription"
    )
    amount_cents: int = Field(
        0,
        title="Amount received (cents)",
        ge=0,
        description="Exactly what the bank statement shows, in cents",
    )
    paid_on: date | None = Field(None, title="Date received")
    bank_reference: OneLineText | None = Field(None, title="Bank reference (optional)")


def payment_question(subscription_id: int) -> str:
    """What staff (or the bank import) answer; the worker is freed meanwhile."""
    return (
        f"**Payment of share subscription {subscription_id}**\n\nConfirm the amount and "
        "date found on the bank statement (`paid`), or `cancel` the subscription. A "
        "wrong amount is not issued: it becomes a payment review."
    )


FORM = titled("Share subscription", "Who subscribes what")


@flow(
    name="share-subscription",
    flow_run_name="subscription · member {params.member_id}",
    log_prints=True,
)
def share_subscription(params: Annotated[SubscriptionParameters, FORM]) -> str:
    """Subscribe → payment instructions → wait for payment → issue → certificate e-mailed."""
    run_id = runtime.flow_run.id
    key = params.request_key or f"flow-run:{run_id}"
    sub_id = start_subscription(
        params.member_id, params.share_class, params.shares, key, params.staff
    )
    deliver_outbox(keys_prefix=mail_keys.share_payment_instructions(sub_id))
    status = subscription_status(sub_id)
    if status == SubscriptionStatus.AWAITING_PAYMENT:
        given = ask_payment_confirmation(sub_id, str(run_id) if run_id else None)
        if given is None:  # nobody answered yet: wait, without holding a worker
            answer = ask_staff(
                PaymentConfirmation,
                key=f"share-payment-{sub_id}",
                question=payment_question(sub_id),
                decision="paid",
            )
            given = {
                "decision": answer.model_dump(
                    mode="json", exclude={"staff", "one_time_code", "metadata"}
                ),
                "staff": answer.staff,
            }
        status = apply_payment_confirmation(sub_id, given["decision"], given["staff"])
    if status == SubscriptionStatus.ISSUED:
        issue_certificate(sub_id)
        deliver_outbox(keys_prefix=mail_keys.share_certificate(sub_id))
    deliver_outbox(keys_prefix=mail_keys.share_subscription_cancelled(sub_id))
    return status
