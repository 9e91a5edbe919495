"""The real human-task path: a served deployment suspends on the staff review (no worker is
held), staff resume it with the typed form, and the run finishes the admission."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from onboarding_samples import person
from sqlalchemy import select

from governance.db.models import DecisionRequest
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.rules.application_form import Application
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.use_cases import onboarding

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SERVE = (
    "from flows.member_onboarding import member_onboarding\n"
    "member_onboarding.serve(name='onboarding-e2e', limit=2, print_starting_message=False)\n"
)


def _wait(client, run_id, done, seconds: float = 150):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = client.read_flow_run(run_id)
        if run.state is not None and done(run.state):
            return run
        time.sleep(0.5)
    raise AssertionError(f"flow run {run_id} stuck in {run.state}")


def test_the_review_suspends_and_resumes_with_the_staff_form(
    coop_env, mail_sink, prefect_harness, staff_phones
) -> None:
    from prefect import get_client
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run
    from prefect.settings import PREFECT_API_URL

    with UnitOfWork() as uow:
        app_id = onboarding.submit_application(
            uow, Application.model_validate(person(national_number=None)),
            actor=Actor.staff("anna"), request_key="e2e:1",
        ).id
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()),
           "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    server = subprocess.Popen([sys.executable, "-c", SERVE], env=env)
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 120
            while True:  # the deployment exists once serve() registered it
                try:
                    client.read_deployment_by_name("member-onboarding/onboarding-e2e")
                    break
                except Exception:
                    assert time.monotonic() < deadline and server.poll() is None
                    time.sleep(0.5)
            run = run_deployment(
                "member-onboarding/onboarding-e2e",
                parameters={"params": {"application_id": app_id, "staff": "anna"}},
                timeout=0,
            )
            suspended = _wait(client, run.id, lambda s: s.is_paused() or s.is_final())  # type: ignore[union-attr]
            assert suspended.state.is_paused(), suspended.state
            with UnitOfWork() as uow:
                request = uow.session.scalars(select(DecisionRequest)).one()
                assert request.flow_run_id == str(run.id) and request.status == "open"  # type: ignore[union-attr]
                assert uow.session.get(ApplicationRow, app_id).status is ApplicationStatus.IN_REVIEW  # type: ignore[union-attr]
            answer = {"choice": "approve", "note": "Identity seen at the counter",
                      "staff": "anna.peeters",
                      "one_time_code": staff_phones.code("anna.peeters")}
            for _ in range(40):  # the form's schema is saved just after the run is suspended
                try:
                    resume_flow_run(run.id, run_input=answer)  # type: ignore[union-attr]
                    break
                except RuntimeError as exc:
                    assert "schema not found" in str(exc)
                    time.sleep(0.5)
            finished = _wait(client, run.id, lambda s: s.is_final())  # type: ignore[union-attr]
            assert finished.state.is_completed(), finished.state
    finally:
        server.terminate()
        server.wait(timeout=30)
    with UnitOfWork() as uow:
        app = uow.session.get(ApplicationRow, app_id)
        assert app is not None and app.status is ApplicationStatus.ADMITTED
        assert app.decided_by == "anna.peeters"
    # the welcome pack, beside the register's payment instructions for the subscription
    [welcome] = [m for m in mail_sink.parsed() if m["X-Coop-Key"].startswith("mail:onboarding")
                 or "welcome" in m["X-Coop-Key"]]
    assert welcome["Subject"].startswith("Bienvenue chez SmartCoop SC")
