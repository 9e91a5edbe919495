"""The run itself, as staff see it in the Prefect UI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from uuid import UUID

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import deployment, flow_run

from governance.clock import business_today
from governance.config import get_settings
from tasks.common import IO_RETRIES


def dated(label: str) -> Callable[[], str]:
    """A recurring run's name: what it is and the business day it runs for."""
    return lambda: f"{label} · {business_today():%d/%m/%Y}"


@task(name="name-run", **IO_RETRIES)
def name_run(name: str) -> None:
    """Name the current run after its subject, once known (never personal data)."""
    from prefect import get_client

    run_id = flow_run.get_id()
    if not run_id:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(UUID(str(run_id)), name=name)


def restart_link(parameters: dict[str, Any]) -> str | None:
    """The deployment's "custom run" page of the Prefect UI, its form filled with `parameters`
    (the UI reads them from the `parameters` query, URI-encoded JSON); None outside a
    deployment run."""
    deployment_id = deployment.id  # PREFECT__RUNTIME__DEPLOYMENT__ID stands in for it in tests
    if not deployment_id:
        return None
    ui = get_settings().prefect_ui_url.rstrip("/")
    encoded = quote(json.dumps(parameters, ensure_ascii=False, separators=(",", ":")), safe="")
    return f"{ui}/deployments/deployment/{deployment_id}/run?parameters={encoded}"


@task(name="explain-refusal", **IO_RETRIES)
def explain_refusal(title: str, problems: list[str], parameters: dict[str, Any]) -> str:
    """A markdown artifact on the run page: each problem in words, and a link that opens the
    form again filled with what was typed, to correct and start again. `parameters` must not
    hold what may not stay in Prefect (the caller leaves the national number out)."""
    lines = [f"## {title}", "", *(f"- {p}" for p in problems), ""]
    link = restart_link(parameters)
    if link:
        lines += [f"[Correct the form and start again]({link}) (the form opens filled in)."]
    markdown = "\n".join(lines)
    create_markdown_artifact(markdown=markdown, key="refused-input", description=title)
    return markdown
