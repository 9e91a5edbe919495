"""Reminders across the nights the clocks change: due at the Brussels wall time, sent once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from governance.kernel.rules.calendar import brussels_instant, to_brussels
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.rules.onboarding_reminders import (
    ReminderKind,
    WaitingApplication,
    due_reminders,
)

# (asked at 09:00 Brussels, the reminder due 7 calendar days later at 09:00 Brussels)
ACROSS_CHANGES = [
    pytest.param(
        datetime(2026, 3, 24, 8, tzinfo=UTC), datetime(2026, 3, 31, 7, tzinfo=UTC), id="spring"
    ),
    pytest.param(
        datetime(2026, 10, 20, 7, tzinfo=UTC), datetime(2026, 10, 27, 8, tzinfo=UTC), id="autumn"
    ),
]


def _scan_every_quarter_hour(waiting: WaitingApplication, days: int) -> list[datetime]:
    """A reminder scan every 15 minutes; each reminder found is sent and recorded."""
    sent: list[datetime] = []
    now = waiting.waiting_since
    while now < waiting.waiting_since + timedelta(days=days):
        due = due_reminders(waiting, now)
        if due is not None and due.kind is ReminderKind.APPLICANT_INFO:
            sent.append(now)
            waiting = replace(waiting, applicant_reminders_sent=1)
        now += timedelta(minutes=15)
    return sent


@pytest.mark.parametrize(("asked", "due"), ACROSS_CHANGES)
def test_the_seven_day_reminder_is_sent_once_at_the_same_brussels_time(
    asked: datetime, due: datetime
) -> None:
    waiting = WaitingApplication(8, ApplicationStatus.INFO_REQUESTED, asked)
    assert _scan_every_quarter_hour(waiting, days=10) == [due]
    assert to_brussels(due).time() == time(9, 0) == to_brussels(asked).time()


@pytest.mark.parametrize(
    ("friday", "tuesday"),
    [
        pytest.param((2026, 3, 27), (2026, 3, 31), id="spring"),
        pytest.param((2026, 10, 23), (2026, 10, 27), id="autumn"),
    ],
)
def test_the_two_working_day_staff_reminder_falls_due_at_the_same_brussels_time(
    friday: tuple[int, int, int], tuesday: tuple[int, int, int]
) -> None:
    since = brussels_instant(date(*friday), time(9))
    waiting = WaitingApplication(7, ApplicationStatus.IN_REVIEW, since)
    due_at = brussels_instant(date(*tuesday), time(9))
    assert due_reminders(waiting, due_at - timedelta(minutes=1)) is None
    assert due_reminders(waiting, due_at) is not None
