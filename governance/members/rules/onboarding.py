"""Member onboarding rules: an application's states, why it waits for a person, the review.

The form and its validation are in `application_form`, duplicates in `duplicates`, reminders
in `onboarding_reminders`.
"""

from __future__ import annotations

from enum import StrEnum

from governance.kernel.rules.errors import RuleViolation


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    CLOSED = "closed"


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFO_REQUESTED,
)


class ReviewReason(StrEnum):
    """Why an application waits for a staff member instead of being approved automatically."""

    SAME_IDENTITY = "same_identity"
    SAME_EMAIL = "same_email"
    SAME_NAME_AND_BIRTH_DATE = "same_name_and_birth_date"
    NO_NATIONAL_NUMBER = "no_national_number"
    MINOR = "minor"
    MANY_SHARES = "many_shares"
    INFORMATION_RECEIVED = "information_received"  # back to review after an answer


class ReviewChoice(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class ReviewNoteMissing(RuleViolation):
    code = "review_note_missing"


def review_decision(choice: ReviewChoice, note: str) -> dict[str, str]:
    """The stored decision; a rejection needs its reason and a question its text."""
    note = note.strip()
    if choice is ReviewChoice.REJECT and not note:
        raise ReviewNoteMissing("give the reason for the rejection (it is e-mailed)", field="note")
    if choice is ReviewChoice.REQUEST_INFO and not note:
        raise ReviewNoteMissing(
            "write the question for the applicant (it is e-mailed)", field="note"
        )
    return {"choice": str(choice), "note": note}
