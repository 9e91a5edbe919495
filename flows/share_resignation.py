"""resignation: a member asks to leave; refused outside the window (with the next possible
date), else accepted: the shares are cancelled at the end of the window by the daily run,
which also writes the SEPA repayment file and e-mails the letter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.kernel.rules.text import OneLineText
from tasks.mail import deliver_outbox
from tasks.shares import request_resignation


class ResignationParameters(PaperForm):
    member_id: int = Field(..., title="Member")
    requested_on: date = Field(..., title="Date of the signed letter")
    iban: OneLineText = Field(..., title="IBAN for the repayment", min_length=15, max_length=42)
    request_key: OneLineText = Field(
        ..., title="Request key", description="Same key = same request"
    )
    staff: OneLineText = Field("system", title="Recorded by", description="Staff login")


FORM = titled("Resignation letter", "What the signed letter says")


@flow(name="resignation", flow_run_name="resignation · member {params.member_id}", log_prints=True)
def resignation(params: Annotated[ResignationParameters, FORM]) -> dict[str, object]:
    """Check the window → accept (cancellation at its end) or refuse → e-mail the member."""
    outcome = request_resignation(
        params.member_id, params.requested_on, params.iban, params.request_key, params.staff
    )
    if outcome["mail_key"]:  # the letter the use case queued (none without an e-mail address)
        deliver_outbox(keys_prefix=outcome["mail_key"])
    return outcome
