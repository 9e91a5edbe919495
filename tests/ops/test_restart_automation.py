"""The restart automation: a Crashed run of a mass job (tagged `mass-job` in prefect.yaml) is
started again with the same parameters and `restarts` one higher; the server refuses the run past
MAX_RESTARTS (the flows' schema), so a job that crashes each time stops. Rendered and validated
here with Prefect's own hydration and schema validation, as the server does for the action; the
real loss of a parent's machine is tests/e2e/test_two_workers.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from prefect.client.schemas.objects import FlowRun
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools.hydration import HydrationContext, hydrate
from prefect.utilities.schema_tools.validation import ValidationError, validate

from coopflow_cli.fleet import (
    MASS_JOB_TAG,
    RESTART_AUTOMATION,
    RESTART_PARAMETERS,
    install_restart_automation,
)
from flows.restarts import MAX_RESTARTS
from tests.ui.form_schemas import deployment_schemas, deployments, flow_of

MASS_JOBS = {"assembly-convening", "transition-campaign", "contract-batch"}


@pytest.fixture
def installed(prefect_harness: None) -> Iterator[str]:
    """Installed twice, as `coop deploy` run twice would; the second id; removed afterwards."""
    from prefect.automations import Automation

    first = install_restart_automation()
    again = install_restart_automation()
    assert first != again
    yield again
    Automation.read(name=RESTART_AUTOMATION).delete()


def openapi_schema(job: str) -> dict[str, Any]:
    """The parameter schema the server validates a new run of `job` against."""
    (deployment,) = [d for d in deployments() if d["name"] == job]
    return parameter_schema(flow_of(deployment).fn).model_dump_for_openapi()


def restarted(parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters the automation gives the new run, for a run crashed with `parameters`."""
    crashed = FlowRun(flow_id=uuid4(), parameters=parameters)
    context = HydrationContext(render_jinja=True, jinja_context={"flow_run": crashed},
                               raise_on_error=True)
    return hydrate(dict(RESTART_PARAMETERS), context)


def test_the_mass_jobs_are_the_deployments_tagged_in_prefect_yaml() -> None:
    tagged = {d["name"] for d in deployments() if MASS_JOB_TAG in d.get("tags", [])}
    assert tagged == MASS_JOBS
    schemas = deployment_schemas()
    for name in tagged:  # each takes the counter, capped at the bound
        restarts = schemas[name]["properties"]["restarts"]
        assert (restarts["default"], restarts["maximum"]) == (0, MAX_RESTARTS), name
        assert "restarts" not in schemas[name].get("required", [])


def test_a_crashed_mass_job_is_run_again_on_its_deployment_on_crashed_only(
    installed: str,
) -> None:
    from prefect import get_client

    with get_client(sync_client=True) as client:  # replaced, not doubled
        (automation,) = client.read_automations_by_name(RESTART_AUTOMATION)
    assert str(automation.id) == installed and automation.enabled
    trigger: Any = automation.trigger
    assert trigger.expect == {"prefect.flow-run.Crashed"}  # not Failed, not Cancelled
    assert trigger.posture == "Reactive" and trigger.threshold == 1
    assert trigger.match.model_dump() == {"prefect.resource.id": "prefect.flow-run.*"}
    assert trigger.match_related.model_dump() == {  # runs of a mass job's deployment only
        "prefect.resource.role": "tag", "prefect.resource.id": f"prefect.tag.{MASS_JOB_TAG}"}
    (action,) = automation.actions
    assert action.type == "run-deployment"
    assert action.source == "inferred"  # the crashed run's own deployment
    assert action.parameters == RESTART_PARAMETERS


def test_a_restart_has_the_same_parameters_and_one_restart_more() -> None:
    params = {"assembly_id": 7, "staff": "anne & {{ bob }} <x>", "chunk_size": 15}
    assert restarted({"params": params}) == {"params": params, "restarts": 1}
    assert restarted({"params": params, "restarts": 2}) == {"params": params, "restarts": 3}
    assert restarted({}) == {"restarts": 1}  # a scheduled run starts with no parameters


@pytest.mark.parametrize("job", sorted(MASS_JOBS))
def test_the_server_refuses_a_restart_past_the_bound(job: str) -> None:
    schema = openapi_schema(job)
    params = {"assembly-convening": {"params": {"assembly_id": 7}},
              "transition-campaign": {"params": {"name": "T", "share_class": "A"}},
              "contract-batch": {}}[job]
    last = restarted({**params, "restarts": MAX_RESTARTS - 1})
    assert last["restarts"] == MAX_RESTARTS
    validate(last, schema, raise_on_error=True, ignore_required=True)  # started once more
    with pytest.raises(ValidationError, match="restarts"):
        validate(restarted(last), schema, raise_on_error=True, ignore_required=True)
