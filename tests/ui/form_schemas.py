"""What the Prefect UI renders: every deployment's parameter schema and every resume form's
schema, and the shapes its form builder (3.9) cannot show as a plain field."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow
from prefect.input import RunInput
from prefect.utilities.callables import parameter_schema

ROOT = Path(__file__).resolve().parents[2]


def deployments() -> list[dict[str, Any]]:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return list(spec["deployments"])


def flow_of(deployment: dict[str, Any]) -> Flow[Any, Any]:
    path, function = deployment["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    found = getattr(module, function)
    assert isinstance(found, Flow)
    return found


def deployment_schemas() -> dict[str, dict[str, Any]]:
    """deployment name -> the parameter schema the deployment shows (as `prefect deploy` does)."""
    return {d["name"]: parameter_schema(flow_of(d).fn).model_dump() for d in deployments()}


def resume_forms() -> dict[str, type[RunInput]]:
    """ "module.Class" -> every RunInput defined in flows/ (the resume forms staff fill in)."""
    import flows

    found: dict[str, type[RunInput]] = {}
    for info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, RunInput) and obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


def resume_form_schema(form: type[RunInput]) -> dict[str, Any]:
    """The schema saved with a suspended run (RunInput.save uses this exact call)."""
    return form.model_json_schema(by_alias=True)


def _definitions(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema.get("definitions", {}), **schema.get("$defs", {})}


def _nodes(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in ("definitions", "$defs"):
                yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, f"{path}[{i}]")


def ui_problems(schema: dict[str, Any]) -> list[str]:
    """Where the UI would show an empty dropdown, a "type None" toggle or a nameless box."""
    defs = _definitions(schema)
    problems = []
    roots = [("", schema)] + [(f"#{name}", d) for name, d in defs.items()]
    for root, start in roots:
        for path, node in _nodes(start, root):
            ref = node.get("$ref")
            if ref and "enum" in defs.get(ref.rsplit("/", 1)[-1], {}):
                problems.append(f"{path}: enum behind $ref {ref} (empty dropdown)")
            if any(alt.get("type") == "null" for alt in node.get("anyOf", [])):
                problems.append(f"{path}: optional as anyOf [.., null] (a type toggle)")
            if "enum" in node and any(not isinstance(v, str | None) for v in node["enum"]):
                problems.append(f"{path}: non-text choices {node['enum']}")
    return problems
