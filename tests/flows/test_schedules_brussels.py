"""Every schedule in prefect.yaml runs on the Brussels wall clock, once a day across DST."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from governance.clock import BRUSSELS, brussels_date

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def _schedules() -> list[dict[str, Any]]:
    spec = yaml.safe_load(PREFECT_YAML.read_text())
    return [s for d in spec["deployments"] for s in (d.get("schedules") or [])]


def test_every_schedule_names_the_brussels_time_zone() -> None:
    assert _schedules(), "prefect.yaml declares no schedule"
    assert {s.get("timezone") for s in _schedules()} == {"Europe/Brussels"}


@pytest.mark.parametrize(
    "night",
    [
        pytest.param(datetime(2026, 3, 27, tzinfo=UTC), id="spring"),
        pytest.param(datetime(2026, 10, 23, tzinfo=UTC), id="autumn"),
    ],
)
def test_each_scheduled_run_fires_once_a_day_at_its_brussels_hour_across_the_change(
    night: datetime,
) -> None:
    from prefect.server.schemas.schedules import CronSchedule

    for spec in {(s["cron"], s["timezone"]) for s in _schedules()}:
        schedule = CronSchedule(cron=spec[0], timezone=spec[1])
        end = night.replace(day=night.day + 4)
        runs = asyncio.run(schedule.get_dates(start=night, end=end))
        per_day = Counter(brussels_date(r) for r in runs)
        assert runs and set(per_day.values()) == {1}, (spec, runs)
        hours = {r.astimezone(BRUSSELS).time() for r in runs}
        assert len(hours) == 1, (spec, runs)  # same wall time before and after the change
