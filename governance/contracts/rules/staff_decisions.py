"""Staff decisions on a contract declaration: four eyes, reasons, and when it may be cancelled.

Pure: each broken rule raises its own `RuleViolation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from governance.contracts.rules.contracts import DeclarationStatus
from governance.kernel.rules.errors import InvalidTransition, RuleViolation


class DecisionAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CORRECT = "correct"  # ask the member to correct the declaration


class SameApproverTwice(RuleViolation):
    code = "same_approver_twice"


class ReasonMissing(RuleViolation):
    code = "reason_missing"


class CancellationTooLate(RuleViolation):
    code = "cancellation_too_late"


def check_decision(
    action: DecisionAction, staff: str, reason: str, approvers: Sequence[str]
) -> None:
    """Four eyes: a login that approved already cannot approve again; refusals need a reason."""
    if action is DecisionAction.APPROVE and staff.strip().lower() in {
        a.strip().lower() for a in approvers
    }:
        raise SameApproverTwice(
            f"{staff} already approved this declaration: a second, different staff member must approve",
            field="staff",
        )
    if action is not DecisionAction.APPROVE and not reason.strip():
        raise ReasonMissing("give the reason the member will read", field="reason")


def check_decidable(status: DeclarationStatus) -> None:
    if status is not DeclarationStatus.AWAITING_DECISION:
        raise InvalidTransition(
            f"the declaration is {status.value}: no decision is awaited", field="status"
        )


def check_cancellable(status: DeclarationStatus, first_day: date, today: date) -> None:
    """Only before the first work day, and only a declaration not already closed."""
    if status in (DeclarationStatus.CANCELLED, DeclarationStatus.REFUSED):
        raise InvalidTransition(f"the declaration is already {status.value}", field="status")
    if today >= first_day:
        raise CancellationTooLate(
            f"work starts on {first_day:%d/%m/%Y}: a contract can only be cancelled before its first work day",
            field="work_days",
        )
