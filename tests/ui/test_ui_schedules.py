"""Scheduled deployments start as the scheduler starts them (`{}` parameters), and the README
says the same as prefect.yaml about when each process runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from form_schemas import deployments, flow_of

ROOT = Path(__file__).resolve().parents[2]
SCHEDULED = [d for d in deployments() if d.get("schedules")]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DAYS = {"1-5": "weekdays", "*": "daily"}


def in_words(schedule: dict[str, Any]) -> str:
    """`0 7 * * *` in Europe/Brussels -> "daily 07:00"."""
    minute, hour, dom, month, dow = schedule["cron"].split()
    assert (dom, month) == ("*", "*") and schedule["timezone"] == "Europe/Brussels"
    return f"{DAYS[dow]} {int(hour):02d}:{int(minute):02d}"


def readme_schedule_table() -> dict[str, str]:
    """The README's "Recurring processes" table: deployment -> when."""
    section = README.split("### Recurring processes", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+?) \|", section, flags=re.M)
    return dict(rows)


def test_the_readme_table_of_recurring_processes_is_prefect_yaml() -> None:
    assert readme_schedule_table() == {
        d["name"]: " and ".join(in_words(s) for s in d["schedules"]) for d in SCHEDULED
    }


def test_the_readme_claims_no_rhythm_prefect_yaml_does_not_have() -> None:
    scheduled = {d["name"]: " ".join(in_words(s) for s in d["schedules"]) for d in SCHEDULED}
    for name, rhythm in re.findall(
        r"`([a-z]+(?:-[a-z]+)+)` \((?:run it |runs )?(hourly|daily|weekly|weekdays)", README
    ):
        assert rhythm in scheduled.get(name, ""), (
            f"README: `{name}` ({rhythm}); prefect.yaml: {scheduled.get(name, 'no schedule')}"
        )


@pytest.mark.parametrize("deployment", SCHEDULED, ids=[d["name"] for d in SCHEDULED])
def test_a_scheduled_deployment_runs_with_no_parameters(
    deployment: dict[str, Any],
    coop_env,
    mail_sink,
    prefect_harness,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # relative folders (the bank inbox) resolve somewhere empty
    flow = flow_of(deployment)
    bound = flow.validate_parameters({})  # what the runner does with a scheduled run's `{}`
    state = flow(**bound, return_state=True)
    assert state.is_completed(), state.message
