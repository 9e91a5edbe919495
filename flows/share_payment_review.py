"""share-payment-review: a payment the bank import would not guess about (too little, too
much, or no matching subscription) is decided by staff in the run's form: apply it (naming
the subscription when it matched none) or refund it. Shares it completes are issued and their
certificate e-mailed; an answer the rules refuse is explained and asked again."""

from __future__ import annotations

from typing import Annotated, Literal

from prefect import flow, runtime
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.human import StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.register.rules.register import PaymentStatus
from tasks.mail import deliver_outbox
from tasks.payment_reviews import decide_payment_review, open_payment_review
from tasks.share_register import wake_waiting_subscriptions
from tasks.shares import issue_certificate


class PaymentReviewParameters(PaperForm):
    payment_id: int = Field(
        ..., ge=1, title="Payment", description="The held payment (see `coop inbox`)"
    )


class PaymentReviewInput(StaffInput):
    decision_kind = DecisionKind.PAYMENT_REVIEW

    decision: Literal["apply", "refund"] = Field(
        ...,
        title="Decision",
        description="apply: count it on the subscription (shares issued once fully paid); "
        "refund: send it back, the register is unchanged",
    )
    subscription_id: int | None = Field(
        None,
        ge=1,
        title="Subscription",
        description="Only for a payment that matched no subscription: the one it is for",
    )


FORM = titled("Held payment", "The payment the bank import held for staff")


@flow(
    name="share-payment-review",
    flow_run_name="held payment {params.payment_id}",
    log_prints=True,
)
def share_payment_review(params: Annotated[PaymentReviewParameters, FORM]) -> str:
    """Ask staff (the form) → apply or refund → certificate and e-mail when shares are issued."""
    run_id = str(runtime.flow_run.id) if runtime.flow_run.id else None
    review = open_payment_review(params.payment_id, run_id)
    while review.held:
        if not runtime.deployment.id:  # an ad-hoc run cannot suspend: the review waits
            print(f"payment {params.payment_id}: waiting for staff (`coop inbox`)")
            return PaymentStatus.HELD.value
        refused = f"\n\n**Not carried out:** {review.last_refusal}" if review.last_refusal else ""
        answer = ask_staff(
            PaymentReviewInput,
            key=f"{review.key}-{review.refused_inputs}",
            question=f"**Held payment {params.payment_id}**\n\n{review.question}{refused}",
        )
        review = decide_payment_review(
            params.payment_id, answer.decision, answer.staff, answer.subscription_id
        )
    if review.issued_subscription_id is not None:
        issue_certificate(review.issued_subscription_id)
        wake_waiting_subscriptions([review.issued_subscription_id])
        deliver_outbox(keys_prefix=mail_keys.share_certificate(review.issued_subscription_id))
    return review.status.value
