"""The deployments' pull step reads the worker's own COOP_HOME when a run starts."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml
from prefect.deployments.steps.core import run_steps

from coopflow_cli.steps import CheckoutNotFound, enter_checkout

ROOT = Path(__file__).resolve().parents[2]


def test_the_pull_step_of_prefect_yaml_enters_this_workers_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "prefect.yaml").write_text("name: coopflow\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOP_HOME", str(checkout))
    steps = yaml.safe_load((ROOT / "prefect.yaml").read_text())["pull"]
    outputs = asyncio.run(run_steps(steps))  # as Prefect runs them on the worker
    assert Path.cwd() == checkout and outputs["directory"] == str(checkout)


def test_a_worker_without_a_checkout_is_told_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for value in ("", str(tmp_path)):  # unset, or a folder that is no checkout
        monkeypatch.setenv("COOP_HOME", value)
        with pytest.raises(CheckoutNotFound, match=r"COOP_HOME=.*set it in the worker"):
            enter_checkout()
    assert Path.cwd() == tmp_path and os.environ["COOP_HOME"] == str(tmp_path)
