"""The national number typed into the onboarding form leaves Prefect's parameters on every
outcome, without changing their shape (the resumed run binds them again), and a refused value
is never echoed into the run's state message or logs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from onboarding_samples import person

from flows.member_onboarding import OnboardingParameters, member_onboarding

NUMBER = "85.07.30-033.28"
BAD_IBAN = "BE48 3200 7018 4928"  # one check digit off


def _run(application: dict[str, Any]) -> tuple[Any, dict[str, Any], str]:
    """Run the flow as the UI starts it; return its state, stored parameters and log text."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    params = OnboardingParameters.model_validate(
        {"staff": "anna.peeters", "application": application}
    )
    state = member_onboarding(params, return_state=True)
    run_id = UUID(str(state.state_details.flow_run_id))
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    return state, run.parameters, "\n".join(log.message for log in logs)


def test_a_refused_application_leaves_no_national_number_and_names_each_problem(
    coop_env, mail_sink, prefect_harness
) -> None:  # type: ignore[no-untyped-def]
    state, parameters, logs = _run(
        person(national_number=NUMBER, iban=BAD_IBAN, capital_risk_accepted_at=None)
    )
    assert state.is_failed()
    assert state.message.startswith("Application not accepted: ")
    assert "IBAN: the IBAN (the value given) has a wrong check digit" in state.message
    assert "Risk of share capital acknowledged at" in state.message
    assert "Traceback" not in logs
    for secret in (NUMBER, "85073003328"):
        assert secret not in str(parameters) + state.message + logs, secret
    for refused in (BAD_IBAN, BAD_IBAN.replace(" ", "")):  # kept in the form, to correct it
        assert refused not in state.message + logs, refused
    assert parameters["params"]["application"]["national_number"] == ""


def test_an_accepted_application_keeps_the_parameter_shape_the_resumed_run_binds(
    coop_env, mail_sink, prefect_harness
) -> None:  # type: ignore[no-untyped-def]
    state, parameters, logs = _run(person(national_number=NUMBER, email="zoe.kept@example.org"))
    assert state.is_completed(), state.message
    assert set(parameters) == {"params"}
    assert parameters["params"]["application"]["national_number"] == ""
    bound = member_onboarding.validate_parameters(parameters)  # what a resumed run does
    assert bound["params"].application.email == "zoe.kept@example.org"
    assert NUMBER not in str(parameters) + logs


def test_a_refused_application_links_to_its_form_filled_again_without_the_number(
    coop_env, mail_sink, prefect_harness, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The run page explains each problem and opens the deployment's form again, filled with
    what was typed (dates as typed on paper), the national number left out."""
    import json
    from urllib.parse import parse_qs, urlsplit

    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    deployment_id = "6f1c9a52-3d0e-4c8e-9a57-0b8f5b2f1e11"
    monkeypatch.setenv("PREFECT__RUNTIME__DEPLOYMENT__ID", deployment_id)
    state, _, _ = _run(person(national_number=NUMBER, iban=BAD_IBAN, birth_date="1985-07-30"))
    run_id = UUID(str(state.state_details.flow_run_id))
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    text = str(artifact.data)
    assert artifact.key == "refused-input"
    assert "- IBAN: the IBAN (the value given) has a wrong check digit" in text
    link = text.split("](", 1)[1].split(")", 1)[0]
    parts = urlsplit(link)
    assert parts.path == f"/deployments/deployment/{deployment_id}/run"
    filled = json.loads(parse_qs(parts.query)["parameters"][0])
    application = filled["params"]["application"]
    assert "national_number" not in application and NUMBER not in link
    assert application["birth_date"] == "30/07/1985"
    assert application["iban"] == BAD_IBAN  # kept, to be corrected in the form
    application["iban"] = "BE48 3200 7018 4927"
    bound = member_onboarding.validate_parameters(filled)  # the form submits as it is
    assert str(bound["params"].application.birth_date) == "1985-07-30"
