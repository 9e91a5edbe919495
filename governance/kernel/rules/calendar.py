"""The Belgian business calendar: Brussels dates, public holidays and working days.

Pure: every function takes its dates or instants as arguments. The current instant and
the business date come from `governance.clock`, which re-exports what is here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels_date(instant: datetime) -> date:
    """The Brussels calendar date of an aware instant: the date every business rule uses."""
    return to_brussels(instant).date()


def to_brussels(instant: datetime) -> datetime:
    """An aware instant shown on the Brussels wall clock (for people and documents)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: business instants are timezone-aware")
    return instant.astimezone(BRUSSELS)


def brussels_instant(day: date, at: time = time(0, 0)) -> datetime:
    """The UTC instant of a Brussels wall-clock time on a Brussels date.

    Across the spring change a wall time that does not exist (02:30 on the last Sunday of
    March) moves forward by the gap; across the autumn change an ambiguous one (02:30 on the
    last Sunday of October) is its first occurrence. Either way one instant, never two.
    """
    # fold=0 (PEP 495): the earlier offset, which gives exactly the two behaviours above.
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=BRUSSELS).astimezone(UTC)


def start_of_brussels_day(day: date) -> datetime:
    """The UTC instant at which a Brussels date begins (midnight in Brussels)."""
    return brussels_instant(day, time(0, 0))


def add_calendar_days(instant: datetime, days: int) -> datetime:
    """Move an instant by whole calendar days in Brussels, keeping its wall-clock time.

    A day across a DST change lasts 23 or 25 hours: "two days after 09:00" is 09:00 again.
    """
    local = to_brussels(instant)
    return brussels_instant(local.date() + timedelta(days=days), local.time())


def after(instant: datetime, duration: timedelta) -> datetime:
    """An instant plus a duration: whole days are calendar days in Brussels, the rest elapsed.

    "Due in 14 days" set at 10:00 is due at 10:00 Brussels fourteen days later, even when the
    clocks change in between (a timedelta cannot tell 48 hours from 2 days: both are days);
    "due in 36 hours" is 36 elapsed hours.
    """
    if duration % timedelta(days=1):
        return instant + duration
    return add_calendar_days(instant, duration.days)


@cache
def _belgian_holidays(year: int) -> frozenset[date]:
    # `holidays` also lists Easter Sunday and Whit Sunday; the law (AR 18/04/1974) names ten
    # days, and those two are Sundays anyway.
    sundays = {easter(year), easter(year) + timedelta(days=49)}
    return frozenset(holidays.country_holidays("BE", years=year).keys()) - sundays


def belgian_public_holidays(year: int) -> frozenset[date]:
    """The ten legal public holidays of Belgium in a year (Sunday holidays included)."""
    return _belgian_holidays(year)


def is_public_holiday(day: date) -> bool:
    """Whether a date is a Belgian legal public holiday."""
    return day in _belgian_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Belgian public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after a date (Dimona OUT: "by the next working day")."""
    return add_working_days(day, 1)


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days after `day` (before it when negative); 0 returns `day`."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_later(instant: datetime, days: int) -> datetime:
    """The same Brussels time of day, `days` working days later (weekends, holidays skipped)."""
    local = to_brussels(instant)
    return brussels_instant(add_working_days(local.date(), days), local.time())


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start` up to and including `end`."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))
