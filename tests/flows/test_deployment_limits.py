"""prefect.yaml limits what may run twice at once: one daily register run (a second is
cancelled), one convening at a time (a second waits, then finds the job done)."""

from __future__ import annotations

from pathlib import Path

import yaml
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.client.schemas.objects import ConcurrencyLimitStrategy

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def _limits() -> dict[str, tuple[int | None, str | None]]:
    model = PrefectYamlModel.model_validate(yaml.safe_load(PREFECT_YAML.read_text()))
    limits = {}
    for deployment in model.deployments:
        spec = deployment.concurrency_limit
        if spec is not None:
            assert not isinstance(spec, int), f"{deployment.name}: give the collision strategy"
            limits[deployment.name or ""] = (spec.limit, spec.collision_strategy)
    return limits


def test_the_daily_register_run_and_the_convening_run_one_at_a_time() -> None:
    limits = _limits()
    assert limits["share-register-daily"] == (1, "CANCEL_NEW")
    assert limits["contract-batch"] == (1, "CANCEL_NEW")
    assert limits["assembly-convening"] == (1, "ENQUEUE")
    for name, (_, strategy) in limits.items():
        assert strategy in ConcurrencyLimitStrategy.__members__, name  # a value Prefect knows


def test_no_flow_that_waits_for_staff_holds_a_slot() -> None:
    """A suspended run waits for days: a limit on it would hold back every other run."""
    for name in _limits():
        entry = next(d for d in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]
                     if d["name"] == name)
        source = (PREFECT_YAML.parent / entry["entrypoint"].split(":")[0]).read_text()
        assert "suspend_flow_run" not in source and "pause_flow_run" not in source, name
