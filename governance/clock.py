"""The one business clock: aware UTC instants for storage, the Brussels date for every rule.

Nothing else in the project reads the system clock (ruff bans `date.today()`,
`datetime.now()`, `datetime.utcnow()` and `datetime.today()` outside this module).

Tests and rehearsals move the clock with `frozen_at(...)`. It works through one environment
variable, `COOP_CLOCK_NOW`, so the same instant holds in this process, in its threads (Prefect
task runners) and in every subprocess started under it (Prefect workers, `coop` commands).
Only project code follows it: Prefect's own timers, heartbeats and schedules keep real time,
which is why the suite does not patch `time` globally (time-machine/freezegun would also
freeze the orchestration under test).

Values of `COOP_CLOCK_NOW`:
- `2026-12-31T23:30:00+00:00`: frozen at that instant;
- `2026-12-31T23:30:00+00:00@1764635400.0`: starts at that instant when the real clock read
  that POSIX timestamp, and runs on from there (for runs that wait for retries or leases).
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from governance.kernel.rules.calendar import (
    BRUSSELS,
    add_calendar_days,
    add_working_days,
    after,
    belgian_public_holidays,
    brussels_date,
    brussels_instant,
    is_public_holiday,
    is_working_day,
    next_working_day,
    start_of_brussels_day,
    to_brussels,
    working_days_between,
    working_days_later,
)

__all__ = [
    "BRUSSELS",
    "CLOCK_ENV",
    "add_calendar_days",
    "add_working_days",
    "after",
    "belgian_public_holidays",
    "brussels_date",
    "brussels_instant",
    "brussels_now",
    "business_today",
    "frozen_at",
    "is_public_holiday",
    "is_working_day",
    "next_working_day",
    "start_of_brussels_day",
    "to_brussels",
    "utcnow",
    "working_days_between",
    "working_days_later",
]

CLOCK_ENV = "COOP_CLOCK_NOW"


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC: what the database stores."""
    setting = os.environ.get(CLOCK_ENV)
    if not setting:
        return datetime.now(UTC)
    start, since = _parse(setting)
    if since is None:
        return start
    return start + timedelta(seconds=_time.time() - since)


def brussels_now() -> datetime:
    """The current instant on the Brussels wall clock (for people, never for storage)."""
    return to_brussels(utcnow())


def business_today() -> date:
    """Today's business date: the date in Brussels, whatever the machine's time zone."""
    return brussels_date(utcnow())


@contextmanager
def frozen_at(instant: datetime | str, *, ticking: bool = False) -> Iterator[datetime]:
    """Hold the clock at an instant (or start it there and let it run) inside the block."""
    at = _aware(datetime.fromisoformat(instant) if isinstance(instant, str) else instant)
    value = at.isoformat() + (f"@{_time.time()!r}" if ticking else "")
    previous = os.environ.get(CLOCK_ENV)
    os.environ[CLOCK_ENV] = value
    try:
        yield at
    finally:
        if previous is None:
            os.environ.pop(CLOCK_ENV, None)
        else:
            os.environ[CLOCK_ENV] = previous


@lru_cache(maxsize=16)
def _parse(setting: str) -> tuple[datetime, float | None]:
    instant, _, since = setting.partition("@")
    try:
        return _aware(datetime.fromisoformat(instant.strip())), float(since) if since else None
    except ValueError as exc:
        raise ValueError(
            f"{CLOCK_ENV}={setting!r} is not an ISO instant with its offset, e.g. "
            "2026-12-31T23:30:00+00:00 (optionally followed by @<POSIX seconds> to let it run)"
        ) from exc


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(
            f"{instant.isoformat()} has no UTC offset: give the clock an aware instant"
        )
    return instant.astimezone(UTC)
