"""member-erasure: a member asked to be erased (GDPR art. 17); a register keeper decides."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal, Self

from prefect import flow
from pydantic import Field, model_validator

from flows.forms import PaperForm, titled
from flows.human import NewRequest, StaffInput, ask_staff
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text
from tasks.erasure_requests import erase_requested_member, record_erasure_request, refuse_erasure
from tasks.mail import deliver_outbox


class ErasureParameters(PaperForm):
    member: OneLineText = Field(
        ..., title="Member", description="Member number (M0000042) or id", min_length=1
    )
    request: OneLineText = Field(
        "",
        title="Request reference",
        description="Filled in by the member portal; leave empty when you start it yourself",
        max_length=200,
    )


class ErasureDecision(StaffInput):
    """The resume form: erase now, or refuse with the reason the member is told."""

    decision_kind = DecisionKind.ERASURE

    verdict: Literal["erase", "refuse"] = Field(
        ...,
        title="Decision",
        description="erase: personal data anonymised now (refused by the rules while shares "
        "are held or contracts run); refuse: the member is told why",
    )
    reason: Text = Field(
        "",
        title="Reason for the member",
        description="Needed to refuse; e-mailed to the member as you write it",
        max_length=1000,
    )

    @model_validator(mode="after")
    def _refusal_has_a_reason(self) -> Self:
        if self.verdict == "refuse" and not self.reason.strip():
            raise ValueError("write the reason the member is told when you refuse")
        return self


FORM = titled("Erasure request", "A member asked to be erased; a register keeper decides")


@flow(name="member-erasure", flow_run_name="erasure · member {params.member}", log_prints=True)
def member_erasure(params: Annotated[ErasureParameters, FORM]) -> str:
    """Record the request, ask a register keeper, then erase or tell the member why not."""
    # Recording the request is idempotent: the run re-runs from the top on resume.
    asked = record_erasure_request(params.member, params.request)
    answer = ask_staff(
        ErasureDecision,
        key=asked.key,
        question=asked.question,
        request=NewRequest(
            "member-erasure", "member", asked.member_id, timedelta(days=7), asked.member_id
        ),
    )
    if answer.verdict == "refuse":
        told = refuse_erasure(asked.key, answer.reason, answer.staff)
    else:
        told = erase_requested_member(asked.member_id, asked.key, answer.staff)
        if told == "erased":
            return f"erased by {answer.staff}"
    if told:
        deliver_outbox(keys_prefix=told)
    return f"refused by {answer.staff}" if answer.verdict == "refuse" else "kept: retention"
