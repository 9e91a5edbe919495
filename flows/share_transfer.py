"""share-transfer: shares move between two holders once the board approves (typed input);
the receiver becomes a member if needed; both are notified with re-issued certificates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.human import StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text
from tasks.mail import deliver_outbox
from tasks.share_register import ask_board, record_board_decision
from tasks.shares import transfer_shares


class TransferParameters(PaperForm):
    from_member_id: int = Field(..., title="Giver", description="Member id of the holder")
    to_member_id: int = Field(
        ...,
        title="Receiver",
        description="Member id of the receiver "
        "(an applicant becomes an active member with the transfer)",
    )
    share_class: OneLineText = Field("A", title="Share class", pattern=r"^[A-Z]$")
    shares: int = Field(..., title="Number of shares", ge=1)
    effective_on: date = Field(..., title="Transfer date", description="Date of the signed deed")
    request_key: OneLineText = Field(
        ..., title="Request key", description="Same key = same transfer"
    )


class BoardApproval(StaffInput):
    """Given by a board member (verified): the login recorded is theirs."""

    decision_kind = DecisionKind.SHARE_TRANSFER

    decision: Literal["approved", "refused"] = Field(..., title="Board decision")
    staff: OneLineText = Field(
        ...,
        title="Your login (board member)",
        description="Your lower-case login, e.g. anna.peeters; recorded as who decided",
        min_length=2,
    )
    note: Text = Field("", title="Minutes reference or reason")


FORM = titled("Share transfer", "The signed transfer deed")


@flow(name="share-transfer", flow_run_name="share transfer · {params.request_key}", log_prints=True)
def share_transfer(params: Annotated[TransferParameters, FORM]) -> str:
    """Board approval → register entry → certificates → both parties e-mailed."""
    given = ask_board(params.model_dump(mode="json"))
    if given is None:  # wait for the board, without holding a worker
        answer = ask_staff(
            BoardApproval, key=f"board-{params.request_key}", question=ask_board_question(params)
        )
        given = record_board_decision(
            params.request_key, answer.decision, answer.note, answer.staff
        )
    if given["decision"] != "approved":
        return "refused"
    sequence = transfer_shares(
        params.from_member_id,
        params.to_member_id,
        params.share_class,
        params.shares,
        params.effective_on,
        given["staff"],
        params.request_key,
    )
    deliver_outbox(keys_prefix=mail_keys.share_transfer(sequence))
    return "transferred"


def ask_board_question(params: TransferParameters) -> str:
    return (
        f"**Share transfer {params.request_key}**: {params.shares} class "
        f"{params.share_class} share(s) from member {params.from_member_id} to member "
        f"{params.to_member_id}, dated {params.effective_on}. Approve or refuse."
    )
