"""Reminders of waiting applications: staff review overdue, information missing, closure.

Pure: the clock comes in as `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from governance.kernel.rules.calendar import after, working_days_later
from governance.members.rules.onboarding import ApplicationStatus

REVIEW_WORKING_DAYS = 2
INFO_REMINDER_AFTER = timedelta(days=7)
INFO_CLOSE_AFTER = timedelta(days=30)


class ReminderKind(StrEnum):
    STAFF_REVIEW = "staff_review"
    APPLICANT_INFO = "applicant_info"
    CLOSE_UNANSWERED = "close_unanswered"


@dataclass(frozen=True)
class WaitingApplication:
    """What the reminder rules need to know of an open application."""

    application_id: int
    status: ApplicationStatus
    waiting_since: datetime  # review requested, or information requested
    staff_reminders_sent: int = 0
    applicant_reminders_sent: int = 0


@dataclass(frozen=True)
class ReminderDue:
    application_id: int
    kind: ReminderKind
    sequence: int = 0  # the n-th reminder of this kind (idempotency)
    extra: dict[str, Any] = field(default_factory=dict)


def review_reminder_due_at(waiting_since: datetime, reminders_sent: int) -> datetime:
    """Every 2 working days without a review, one more reminder to the staff mailbox."""
    return working_days_later(waiting_since, REVIEW_WORKING_DAYS * (reminders_sent + 1))


def working_days_elapsed(start: datetime, now: datetime, limit: int = 400) -> int:
    """Whole working days between `start` and `now` (same Brussels time of day counts)."""
    elapsed = 0
    while elapsed < limit and working_days_later(start, elapsed + 1) <= now:
        elapsed += 1
    return elapsed


def due_reminders(waiting: WaitingApplication, now: datetime) -> ReminderDue | None:
    """What the reminder scan must do for this application now, if anything."""
    if waiting.status is ApplicationStatus.IN_REVIEW:
        # One reminder per 2 working days overdue; a scan that missed some sends one, not a burst.
        periods = working_days_elapsed(waiting.waiting_since, now) // REVIEW_WORKING_DAYS
        if periods > waiting.staff_reminders_sent:
            return ReminderDue(waiting.application_id, ReminderKind.STAFF_REVIEW, periods - 1)
        return None
    if waiting.status is ApplicationStatus.INFO_REQUESTED:
        if now >= after(waiting.waiting_since, INFO_CLOSE_AFTER):
            return ReminderDue(waiting.application_id, ReminderKind.CLOSE_UNANSWERED)
        if (
            now >= after(waiting.waiting_since, INFO_REMINDER_AFTER)
            and waiting.applicant_reminders_sent == 0
        ):
            return ReminderDue(waiting.application_id, ReminderKind.APPLICANT_INFO)
    return None
