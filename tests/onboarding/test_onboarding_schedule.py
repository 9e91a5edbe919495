"""Reminder rules with a controllable clock: working days, 7-day reminder, 30-day closure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from governance.kernel.rules.calendar import belgian_public_holidays
from governance.kernel.rules.calendar import working_days_later as add_working_days
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.rules.onboarding_reminders import (
    ReminderDue,
    ReminderKind,
    WaitingApplication,
    due_reminders,
)

FRIDAY = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)  # Friday before Armistice (Wed 11 Nov)


def test_two_working_days_skip_the_weekend() -> None:
    assert add_working_days(FRIDAY, 2) == datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


def test_public_holidays_are_skipped() -> None:
    tuesday = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    assert add_working_days(tuesday, 2) == datetime(2026, 11, 13, 15, 0, tzinfo=UTC)


def test_easter_monday_and_ascension_are_holidays() -> None:
    holidays = belgian_public_holidays(2026)
    assert date(2026, 4, 6) in holidays and date(2026, 5, 14) in holidays
    assert date(2026, 5, 25) in holidays and len(holidays) == 10


def _review(since: datetime, sent: int = 0) -> WaitingApplication:
    return WaitingApplication(7, ApplicationStatus.IN_REVIEW, since, staff_reminders_sent=sent)


def test_staff_are_reminded_after_two_working_days_then_every_two() -> None:
    assert due_reminders(_review(FRIDAY), FRIDAY + timedelta(days=3)) is None  # Monday
    tuesday = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    assert due_reminders(_review(FRIDAY), tuesday) == ReminderDue(7, ReminderKind.STAFF_REVIEW, 0)
    assert due_reminders(_review(FRIDAY, sent=1), tuesday) is None
    # a scan that missed days sends one reminder (numbered by the periods overdue), not a burst
    assert due_reminders(_review(FRIDAY), datetime(2026, 11, 13, 15, tzinfo=UTC)) == (
        ReminderDue(7, ReminderKind.STAFF_REVIEW, 1)
    )
    assert due_reminders(_review(FRIDAY, sent=2), datetime(2026, 11, 13, 15, tzinfo=UTC)) is None
    assert due_reminders(_review(FRIDAY, sent=1), datetime(2026, 11, 13, 15, tzinfo=UTC)) == (
        ReminderDue(7, ReminderKind.STAFF_REVIEW, 1)
    )


def _info(since: datetime, sent: int = 0) -> WaitingApplication:
    return WaitingApplication(
        8, ApplicationStatus.INFO_REQUESTED, since, applicant_reminders_sent=sent
    )


def test_applicant_reminded_after_seven_days_once_and_closed_after_thirty() -> None:
    asked = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert due_reminders(_info(asked), asked + timedelta(days=6, hours=23)) is None
    assert due_reminders(_info(asked), asked + timedelta(days=7)) == ReminderDue(
        8, ReminderKind.APPLICANT_INFO
    )
    assert due_reminders(_info(asked, sent=1), asked + timedelta(days=20)) is None
    assert due_reminders(_info(asked, sent=1), asked + timedelta(days=30)) == ReminderDue(
        8, ReminderKind.CLOSE_UNANSWERED
    )
    # a scan that missed the 7th day closes directly after 30 days: no pointless reminder
    assert due_reminders(_info(asked), asked + timedelta(days=31)).kind is (  # type: ignore[union-attr]
        ReminderKind.CLOSE_UNANSWERED
    )


def test_decided_applications_need_nothing() -> None:
    done = WaitingApplication(9, ApplicationStatus.ADMITTED, FRIDAY)
    assert due_reminders(done, FRIDAY + timedelta(days=90)) is None
