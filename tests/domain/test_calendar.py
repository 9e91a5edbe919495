"""The Belgian business calendar: public holidays, working days, and days across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from governance.contracts.rules.contracts import dimona_deadlines
from governance.kernel.rules.calendar import (
    add_calendar_days,
    add_working_days,
    after,
    belgian_public_holidays,
    brussels_date,
    brussels_instant,
    is_working_day,
    next_working_day,
    working_days_between,
    working_days_later,
)

HOLIDAYS_2026 = {
    date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25),
    date(2026, 7, 21), date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11), date(2026, 12, 25),
}
HOLIDAYS_2027 = {
    date(2027, 1, 1), date(2027, 3, 29), date(2027, 5, 1), date(2027, 5, 6), date(2027, 5, 17),
    date(2027, 7, 21), date(2027, 8, 15), date(2027, 11, 1), date(2027, 11, 11), date(2027, 12, 25),
}


@pytest.mark.parametrize(("year", "expected"), [(2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)])
def test_the_ten_legal_public_holidays_of_the_year(year: int, expected: set[date]) -> None:
    assert belgian_public_holidays(year) == expected


def test_a_public_holiday_on_a_weekday_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(date(2026, 11, 11))  # Armistice, a Wednesday
    assert is_working_day(date(2026, 11, 12))


def test_working_days_skip_good_friday_weekend_and_easter_monday_correctly() -> None:
    # Good Friday is not a legal holiday; Easter Monday is.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 3)  # Thu -> Good Friday
    assert add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)  # Fri -> Tue after Easter
    assert add_working_days(date(2026, 4, 3), 3) == date(2026, 4, 9)


def test_seven_working_days_from_christmas_eve_cross_christmas_new_year_and_two_weekends() -> None:
    # 24/12/2026 is a Thursday; 25/12 and 1/1 are holidays (both Fridays).
    assert add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 6)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 6)) == 7


def test_working_days_can_count_backwards_and_zero_is_the_same_day() -> None:
    assert add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 3)
    assert add_working_days(date(2026, 4, 5), 0) == date(2026, 4, 5)


def test_dimona_out_is_due_the_next_working_day_after_a_holiday_weekend() -> None:
    last_day = date(2026, 4, 3)  # Good Friday
    deadlines = dimona_deadlines([date(2026, 4, 1), last_day])
    assert deadlines.out_by == next_working_day(last_day) == date(2026, 4, 7)
    assert dimona_deadlines([date(2026, 12, 31)]).out_by == date(2027, 1, 4)


def test_the_brussels_date_of_23_30_utc_in_winter_is_the_next_day() -> None:
    assert brussels_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert brussels_date(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == date(2026, 12, 31)


def test_the_brussels_date_of_22_30_utc_in_summer_is_the_next_day() -> None:
    assert brussels_date(datetime(2026, 7, 14, 22, 30, tzinfo=UTC)) == date(2026, 7, 15)
    assert brussels_date(datetime(2026, 7, 14, 21, 59, tzinfo=UTC)) == date(2026, 7, 14)


def test_nine_o_clock_in_brussels_is_one_instant_on_both_change_days() -> None:
    assert brussels_instant(date(2026, 3, 28), time(9)) == datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert brussels_instant(date(2026, 3, 29), time(9)) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert brussels_instant(date(2026, 10, 25), time(9)) == datetime(2026, 10, 25, 8, tzinfo=UTC)


def test_a_wall_time_skipped_in_spring_moves_forward_and_a_repeated_one_is_the_first() -> None:
    assert brussels_instant(date(2026, 3, 29), time(2, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert brussels_instant(date(2026, 10, 25), time(2, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime(2026, 3, 28, 8, tzinfo=UTC), datetime(2026, 3, 29, 7, tzinfo=UTC)),  # 23 h
        (datetime(2026, 10, 24, 7, tzinfo=UTC), datetime(2026, 10, 25, 8, tzinfo=UTC)),  # 25 h
    ],
    ids=["spring", "autumn"],
)
def test_a_day_across_a_clock_change_is_a_calendar_day(start: datetime, expected: datetime) -> None:
    assert add_calendar_days(start, 1) == expected
    assert after(start, timedelta(days=1)) == expected


def test_a_part_day_duration_stays_elapsed_time_across_a_clock_change() -> None:
    start = datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert after(start, timedelta(hours=36)) == start + timedelta(hours=36)


def test_working_days_later_keeps_the_brussels_time_across_the_spring_change() -> None:
    friday = datetime(2026, 3, 27, 14, tzinfo=UTC)  # 15:00 in Brussels (UTC+1)
    assert working_days_later(friday, 1) == datetime(2026, 3, 30, 13, tzinfo=UTC)  # 15:00 UTC+2


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        brussels_date(datetime(2026, 1, 1, 12))  # noqa: DTZ001 - the point of the test
