"""member-welcome: an admitted member gets a number, a welcome letter and an e-mail."""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.kernel.rules import mail_keys
from governance.kernel.rules.text import OneLineText
from tasks.mail import deliver_outbox
from tasks.members import welcome_member


class WelcomeParameters(PaperForm):
    member_id: int = Field(..., title="Member", description="The member's id in the register")
    share_class: OneLineText = Field("A", title="Share class", pattern=r"^[A-Z]$")
    shares: int = Field(1, title="Shares subscribed", ge=1)
    amount_cents: int = Field(3000, title="Amount (cents)", ge=0)
    staff: OneLineText = Field(
        "system", title="Started by", description="Staff login, for the timeline"
    )


FORM = titled("Member to welcome", "Member number, welcome letter and e-mail for one member")


@flow(name="member-welcome", flow_run_name="welcome · member {params.member_id}", log_prints=True)
def member_welcome(params: Annotated[WelcomeParameters, FORM]) -> str:
    """Welcome one member: number, letter in their language, e-mail with the letter."""
    number = welcome_member(
        params.member_id, params.share_class, params.shares, params.amount_cents, params.staff
    )
    deliver_outbox(keys_prefix=mail_keys.welcome(params.member_id))
    return number
