"""prefect.yaml: every flow has exactly one deployment named like it, importable, no secrets."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))


def _flows_in_sources() -> dict[str, str]:
    """flow name -> "flows/<file>.py:<function>" for every @flow(name=...) in flows/."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "flows").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                target = call.func if call else deco
                if not (isinstance(target, ast.Name) and target.id == "flow"):
                    continue
                names = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
                assert names and isinstance(names[0], ast.Constant), (
                    f"{path.name}:{node.name}: give the flow an explicit kebab-case name"
                )
                found[names[0].value] = f"flows/{path.name}:{node.name}"
    return found


def test_every_flow_has_exactly_one_deployment_named_like_it() -> None:
    flows = _flows_in_sources()
    assert flows, "no flow found"
    deployments = [d["name"] for d in SPEC["deployments"]]
    for name, entrypoint in flows.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name), f"{name} is not kebab-case"
        assert deployments.count(name) == 1, f"flow {name} ({entrypoint}) needs one deployment"
        [deployment] = [d for d in SPEC["deployments"] if d["name"] == name]
        assert deployment["entrypoint"] == entrypoint
    assert sorted(deployments) == sorted(flows), "a deployment without a flow"


def test_every_entrypoint_imports_a_flow_of_the_same_name() -> None:
    for deployment in SPEC["deployments"]:
        path, function = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        target = getattr(module, function)
        assert isinstance(target, Flow) and target.name == deployment["name"]


def test_deployments_run_on_the_process_pool_and_pull_from_an_environment_directory() -> None:
    for deployment in SPEC["deployments"]:
        assert deployment["work_pool"]["name"] == "coop-process"
        for schedule in deployment.get("schedules") or []:
            assert schedule["timezone"] == "Europe/Brussels", deployment["name"]
    [step] = SPEC["pull"]  # read on the worker at run time (a {{ $VAR }} is resolved at deploy)
    assert step == {"coopflow_cli.steps.enter_checkout": {"variable": "COOP_HOME"}}


def test_prefect_yaml_names_no_secret_and_no_absolute_path() -> None:
    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert not re.search(r"(?i)(password|secret|token|api_key|auth_string)\s*:", text)
    assert not re.search(r"(?m)(^|[\s\"':=])(/[A-Za-z]|[A-Z]:\\)", text)
    assert not re.search(r"://[^\s\"']*@", text)  # no credentials in a URL
