"""Typed inputs staff give to a suspended grant-awarding run, and its wait (the board and the
review round are decided on the grant records, not as decision requests)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import Field

from flows.forms import PaperForm
from flows.human import StaffInput, ask_staff
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text

T = TypeVar("T", bound=StaffInput)


class ReviewRoundInput(StaffInput):
    """Close the review round now; files below the review quorum stay unscored."""

    decision_kind = DecisionKind.GRANT_REVIEW_ROUND

    note: Text = Field("", title="Note", description="Why the round is closed early")


class BoardChangeInput(PaperForm):
    reference: OneLineText = Field(
        ..., title="File", description="Application reference, e.g. G001-0007"
    )
    amount_cents: int = Field(..., ge=0, title="Amount (cents)", description="0 = not funded")
    reason: Text = Field(..., min_length=3, title="Reason", description="Why the board changes it")


class BoardInput(StaffInput):
    """A board member approves the proposed awards, changing some with a reason."""

    decision_kind = DecisionKind.GRANT_AWARD

    staff: OneLineText = Field(
        ...,
        title="Your login (board member)",
        description="Your lower-case login, e.g. anna.peeters; recorded as who decided",
        min_length=2,
    )
    changes: list[BoardChangeInput] = Field(default_factory=list, title="Changes")
    note: Text = Field("", title="Minutes reference or note")

    def change_dicts(self) -> list[dict[str, Any]]:
        return [c.model_dump() for c in self.changes]


class ReportDecisionInput(StaffInput):
    """Accept a grantee's report (releases the next instalment) or reject it (with a note)."""

    decision_kind = DecisionKind.GRANT_REPORT
    report_id: int = Field(..., title="Report number", description="From the staff e-mail")
    accepted: bool = Field(..., title="Accept the report")
    note: Text = Field("", title="Note", description="Required when the report is rejected")


def wait_for(key: str, input_type: type[T], what: str) -> T | None:
    """Suspend until staff answer (deployed runs); None when the run cannot suspend (a run
    outside a deployment: the caller stops, and a later run continues from the database)."""
    from prefect.runtime import deployment

    if not deployment.id:
        print(f"{what}: waiting for a decision (key {key}); run again once it is given")
        return None
    return ask_staff(input_type, key=key, question=f"**{what}**")
