"""End to end on a real Prefect server and worker: staff decisions through the API and the UI.

Each case: start the deployment with parameters through the API, wait for its decision pause,
send an invalid answer (the server refuses it, the run keeps waiting), send a valid one, and check
outcome, documents and e-mails. Then a browser shows the deployments and a waiting run's form.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from e2e_cases import CASES, DecisionCase
from e2e_process_cases import process_cases
from e2e_stack import ARTIFACTS, ROOT, Stack, running_stack
from staff_kit import Authenticators, enrol_staff

from governance.db.uow import UnitOfWork

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
CHROMIUM = "/usr/bin/chromium"
ALL_CASES = [*CASES, *process_cases()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture(scope="module")
def phones(stack: Stack) -> Authenticators:
    """The deciders of the cases, registered and enrolled in the stack's cooperative."""
    return enrol_staff(settings=stack.settings)


@dataclass(frozen=True)
class Started:
    run_id: UUID
    parameters: dict[str, Any]


@pytest.fixture(scope="module")
def started(stack: Stack) -> dict[str, Started]:
    """Every case's run, plus one left waiting for the browser, started at once (they overlap)."""
    runs: dict[str, Started] = {}
    for key, case in [*((c.id, c) for c in ALL_CASES), ("browser", CASES[0])]:
        parameters = case.prepare(stack)
        runs[key] = Started(stack.start(case.deployment, parameters), parameters)
    return runs


_answered: set[str] = set()
_last_run_of: dict[str, UUID] = {}  # per login: the run that checks its latest code


def _answer(stack: Stack, started: dict[str, Started], case: DecisionCase,
            phones: Authenticators) -> None:
    """Once per case: check the form, have a wrong answer refused, then answer right."""
    if case.id in _answered:
        return
    run_id = started[case.id].run_id
    form = stack.wait_for_decision_form(run_id)
    assert case.question_contains in form["question"]
    assert form["schema"]["properties"]["staff"]["title"] == "Your staff login"

    with pytest.raises(RuntimeError, match=case.refusal_names):
        stack.resume(run_id, {**case.invalid_input, "one_time_code": "123456"})
    assert stack.state(run_id).is_paused(), "a refused answer leaves the run waiting"
    with UnitOfWork(stack.settings) as uow:
        waiting = {r.flow_run_id for r in uow.decisions.waiting()}
    assert str(run_id) in waiting, "the inbox shows the waiting run"
    login = case.valid_input["staff"]
    if login in _last_run_of:  # one person's codes count in the order typed (RFC 6238 §5.2):
        stack.wait_completed(_last_run_of[login])  # a later code checked first spends it
    code = phones.code(login)  # typed from the staff member's phone
    stack.resume(run_id, {**case.valid_input, "one_time_code": code})
    _last_run_of[login] = run_id
    _answered.add(case.id)


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_staff_answer_a_waiting_run_through_the_api(stack: Stack, started: dict[str, Started],
                                                     case: DecisionCase,
                                                     phones: Authenticators) -> None:
    _answer(stack, started, case, phones)


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_the_answered_run_ends_with_its_documents_and_emails(
        stack: Stack, started: dict[str, Started], case: DecisionCase,
        phones: Authenticators) -> None:
    _answer(stack, started, case, phones)  # answered runs resume together: their waits overlap
    stack.wait_completed(started[case.id].run_id)
    case.check(stack, started[case.id].parameters)


def _inbox(stack: Stack) -> list[dict[str, object]]:
    env = {**stack.env, "COOP_PREFECT_UI_URL": stack.ui_url}
    done = subprocess.run(
        [sys.executable, "-m", "coopflow_cli.main", "inbox", "--json"], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_the_ui_shows_the_deployments_and_a_waiting_runs_resume_form(
        stack: Stack, started: dict[str, Started]) -> None:
    case, run_id = CASES[0], started["browser"].run_id
    stack.wait_for_decision_form(run_id)
    [entry] = [e for e in _inbox(stack) if e["link"] == f"{stack.ui_url}/runs/flow-run/{run_id}"]
    assert entry["process"] == case.deployment and entry["asked"]

    from ui_browser import browser_page

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser_page(CHROMIUM) as page:
        page.goto(f"{stack.ui_url}/deployments", wait_until="networkidle", timeout=120_000)
        wait_for_app(page)
        # The page lists deployments by name, ten to a page: wait for the first page's ones.
        first_page = sorted(_deployment_names())[:10]
        for deployment in {c.deployment for c in ALL_CASES} & set(first_page) or first_page[:1]:
            page.get_by_text(deployment, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "deployments.png"))

        page.goto(f"{stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle",
                  timeout=120_000)
        wait_for_app(page)
        page.get_by_role("button", name="Resume").first.click(timeout=60_000)
        page.get_by_text(case.question_contains).first.wait_for(timeout=60_000)
        page.get_by_text("Your staff login").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)  # let the modal's opening animation end
        page.screenshot(path=str(ARTIFACTS / "resume-form.png"))
    if os.environ.get("COOP_UPDATE_SCREENSHOTS") == "1":  # refresh the README's picture
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / "deployments.png", ROOT / "docs" / "img" / "deployments.png")
        shutil.copyfile(ARTIFACTS / "resume-form.png", ROOT / "docs" / "img" / "resume-form.png")


def _deployment_names() -> list[str]:
    import yaml

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    return [d["name"] for d in spec["deployments"]]


def wait_for_app(page) -> None:  # type: ignore[no-untyped-def]
    """The UI is a single-page app: wait for its sidebar and breadcrumb, not only the network."""
    page.wait_for_selector("[data-sidebar=sidebar], .p-context-sidebar", timeout=120_000)
    page.wait_for_selector("nav[aria-label=breadcrumb], .p-bread-crumbs", timeout=60_000)
