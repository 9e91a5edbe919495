"""The one business clock: real time by default, frozen or shifted for tests and subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from governance import clock
from governance.clock import CLOCK_ENV, business_today, frozen_at, utcnow


def test_the_clock_is_aware_utc_and_follows_real_time_when_not_frozen() -> None:
    assert CLOCK_ENV not in os.environ
    first = utcnow()
    assert first.tzinfo is UTC
    assert abs(first - datetime.now(UTC)) < timedelta(seconds=5)  # noqa: TID251 - the reference


def test_at_23_30_utc_in_winter_the_business_date_is_already_the_next_day() -> None:
    with frozen_at("2026-12-31T23:30:00+00:00") as at:
        assert utcnow() == at
        assert business_today() == date(2027, 1, 1)
        assert clock.brussels_now().isoformat() == "2027-01-01T00:30:00+01:00"
    assert CLOCK_ENV not in os.environ


def test_at_22_30_utc_in_summer_the_business_date_is_already_the_next_day() -> None:
    with frozen_at(datetime(2026, 7, 14, 22, 30, tzinfo=UTC)):
        assert business_today() == date(2026, 7, 15)


@pytest.mark.parametrize(
    ("instant", "brussels"),
    [
        ("2026-03-29T00:59:00+00:00", "2026-03-29T01:59:00+01:00"),
        ("2026-03-29T01:30:00+00:00", "2026-03-29T03:30:00+02:00"),
        ("2026-10-25T00:30:00+00:00", "2026-10-25T02:30:00+02:00"),
        ("2026-10-25T01:30:00+00:00", "2026-10-25T02:30:00+01:00"),
    ],
)
def test_the_change_nights_read_correctly_on_the_brussels_wall_clock(
    instant: str, brussels: str
) -> None:
    with frozen_at(instant):
        assert clock.brussels_now().isoformat() == brussels


def test_a_ticking_clock_starts_at_the_instant_and_runs_on() -> None:
    with frozen_at("2026-12-31T23:30:00+00:00", ticking=True) as at:
        now = utcnow()
    assert at <= now < at + timedelta(seconds=5)


def test_frozen_blocks_nest_and_restore_the_outer_instant() -> None:
    with frozen_at("2026-12-31T23:30:00+00:00"):
        with frozen_at("2026-07-14T22:30:00+00:00"):
            assert business_today() == date(2026, 7, 15)
        assert business_today() == date(2027, 1, 1)


def test_a_naive_instant_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="no UTC offset"), frozen_at("2026-12-31T23:30:00"):
        pass


def test_a_malformed_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_ENV, "tomorrow")
    with pytest.raises(ValueError, match=CLOCK_ENV):
        utcnow()


def test_a_subprocess_started_inside_the_block_reads_the_same_business_date() -> None:
    code = "from governance.clock import business_today; print(business_today())"
    with frozen_at("2026-12-31T23:30:00+00:00"):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    assert out.stdout.strip() == "2027-01-01"


RUFF = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise"]


@pytest.mark.parametrize(
    "call",
    ["date.today()", "datetime.now()", "datetime.now(UTC)", "datetime.utcnow()", "datetime.today()"],
)
def test_the_linter_refuses_reading_the_system_clock_outside_the_clock_module(call: str) -> None:
    source = f"from datetime import UTC, date, datetime\n\nx = ({call}, UTC, date, datetime)\n"
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    found = subprocess.run(
        [*RUFF, "--stdin-filename", "tasks/probe.py", "-"],
        input=source, capture_output=True, text=True, cwd=root, check=False,
    )
    assert found.returncode == 1 and "TID251" in found.stdout, found.stdout
    allowed = subprocess.run(
        [*RUFF, "--stdin-filename", "governance/clock.py", "--select", "TID251", "-"],
        input=source, capture_output=True, text=True, cwd=root, check=False,
    )
    assert allowed.returncode == 0, allowed.stdout
