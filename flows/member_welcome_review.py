"""member-welcome-review: a second staff member confirms before the welcome pack goes out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.human import NewRequest, StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import Text
from tasks.mail import deliver_outbox
from tasks.members import welcome_member
from tasks.welcome_review import describe_member_for_review


class WelcomeReviewParameters(PaperForm):
    member_id: int = Field(..., title="Member", description="The member's id in the register", ge=1)
    share_class: Literal["A", "B"] = Field("A", title="Share class")
    shares: int = Field(1, title="Shares subscribed", ge=1, le=1000)
    amount_cents: int = Field(3000, title="Amount received (cents)", ge=0)


class WelcomeConfirmation(StaffInput):
    """The resume form: send the welcome pack, or hold it with a note."""

    decision_kind = DecisionKind.ONBOARDING_REVIEW

    verdict: Literal["send", "hold"] = Field(
        ..., title="Decision", description="send: number, letter and e-mail; hold: nothing is sent"
    )
    note: Text = Field(
        "", title="Note", description="Why it is held (kept on the timeline)", max_length=500
    )


FORM = titled(
    "Member to welcome after review", "A second staff member confirms before the pack goes out"
)


@flow(
    name="member-welcome-review",
    flow_run_name="welcome review · member {params.member_id}",
    log_prints=True,
)
def member_welcome_review(params: Annotated[WelcomeReviewParameters, FORM]) -> str:
    """Show the member's facts to staff; on "send", welcome the member (number, letter, e-mail)."""
    # Everything before the decision is read-only: the run re-runs from the top on resume.
    question = describe_member_for_review(
        params.member_id, params.share_class, params.shares, params.amount_cents
    )
    answer = ask_staff(
        WelcomeConfirmation,
        key=f"member-welcome-review:{params.member_id}",
        question=question,
        request=NewRequest(
            "member-welcome-review", "member", params.member_id, timedelta(days=2), params.member_id
        ),
    )
    if answer.verdict == "hold":
        return f"held by {answer.staff}: {answer.note}"
    number = welcome_member(
        params.member_id, params.share_class, params.shares, params.amount_cents, answer.staff
    )
    deliver_outbox(keys_prefix=mail_keys.welcome(params.member_id))
    return number
