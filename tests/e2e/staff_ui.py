"""Staff at the Prefect UI (3.9), as a page object: open a deployment's form, fill each field
found by its visible label, pick options from the dropdowns, submit; open a run, read its
artifacts, fill its resume form and submit it. Every step can leave a numbered screenshot.

The UI's `<label for=…>` points at no element (its inputs carry no id), so Playwright's
`get_by_label` finds nothing: `field()` finds the form property whose label reads exactly the
given text (the UI appends " (Optional)" to optional ones) and returns its control.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from playwright.sync_api import Error as PlaywrightError

CODE = "Code from your authenticator app"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
# The README's pictures are these steps' screenshots: a run with COOP_UPDATE_SCREENSHOTS=1
# copies them to docs/img (test, step) -> file.
README_SHOTS = {
    ("test_staff_onboard_an_applicant_through_the_review_form", "deployments"): "deployments.png",
    ("test_staff_onboard_an_applicant_through_the_review_form", "filled-form"): "start-form.png",
    ("test_staff_onboard_an_applicant_through_the_review_form",
     "resume-form-explained-and-filled"): "resume-form.png",
    ("test_a_refused_application_is_corrected_in_its_form_filled_again",
     "refusal-explained"): "refusal-explained.png",
}


class StaffUI:
    def __init__(self, page: Any, ui_url: str, test_name: str) -> None:
        self.page, self.ui = page, ui_url
        self.test_name = test_name
        self.shots = SHOTS / test_name
        self.shots.mkdir(parents=True, exist_ok=True)
        for old in self.shots.glob("*.png"):
            old.unlink()
        self.step = 0

    # --- pictures --------------------------------------------------------------------------

    def shot(self, name: str, full_page: bool = False) -> Path:
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}.png"
        self.page.wait_for_timeout(400)  # let animations (modals, toasts) settle
        self.page.screenshot(path=str(path), full_page=full_page)
        readme = README_SHOTS.get((self.test_name, name))
        if readme and os.environ.get("COOP_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(path, ROOT / "docs" / "img" / readme)
        return path

    def _wait_for_app(self) -> None:
        self.page.wait_for_selector("[data-sidebar=sidebar], .p-context-sidebar", timeout=120_000)

    # --- fields, by their visible label --------------------------------------------------

    def field(self, label: str, within: Any = None) -> Any:
        """The form property labelled `label` (exact words, optional or not)."""
        xpath = (
            "xpath=//span[contains(@class,'schema-form-property__label') and "
            f"(normalize-space()=\"{label}\" or normalize-space()=\"{label} (Optional)\")]"
            "/ancestor::div[contains(concat(' ', @class, ' '), ' schema-form-property ')][1]"
        )
        found = (within or self.page).locator(xpath)
        found.first.wait_for(timeout=60_000)
        if found.count() == 2:  # a form group titled like its one field (e.g. "Grant call"):
            found = found.last  # the ancestor comes first, the field itself last
        assert found.count() == 1, f"{found.count()} fields labelled {label!r}"
        return found

    def fill(self, label: str, value: str, within: Any = None) -> None:
        self.field(label, within).locator("textarea, input").first.fill(value)

    def choose(self, label: str, option: str, within: Any = None) -> list[str]:
        """Open the dropdown, check the option is offered, pick it; return what was offered."""
        button = self.field(label, within).locator("button.p-select-button__control")
        button.focus()
        self.page.keyboard.press("Space")  # the select opens on the keyboard as on a click
        listbox = self.page.locator("[role=listbox]:visible").last
        listbox.get_by_role("option").first.wait_for(timeout=30_000)
        offered = [o.strip() for o in listbox.get_by_role("option").all_inner_texts()]
        assert option in offered, f"{label}: {option!r} not among {offered}"
        # The option reacts to the mouse button itself; the click that follows would land
        # on the form label under the closed list and reopen it.
        listbox.get_by_role("option", name=option, exact=True).hover()
        self.page.mouse.down()
        self.page.mouse.up()
        from playwright.sync_api import expect

        expect(button).to_have_text(option, timeout=10_000)
        return offered

    # --- starting a deployment from its form ---------------------------------------------

    def open_form(self, deployment: str) -> None:
        self.deployment = deployment
        self.page.goto(f"{self.ui}/deployments", wait_until="networkidle", timeout=120_000)
        self._wait_for_app()
        self.page.locator("a[href*='/deployments/deployment/']").first.wait_for(timeout=60_000)
        for _ in range(15):  # "Not Ready" until the worker has polled once
            if self.page.get_by_text("Ready", exact=True).count():
                break
            self.page.wait_for_timeout(2000)
            self.page.reload(wait_until="networkidle")
            self._wait_for_app()
        self.shot("deployments")
        # ten deployments to a page: staff type the name into the search box
        self.page.get_by_placeholder("Search deployments").fill(deployment)
        link = self.page.locator("a[href*='/deployments/deployment/']")
        link.filter(has_text=re.compile(rf"^\s*{re.escape(deployment)}\s*$")).first.click(
            timeout=60_000
        )
        self.page.get_by_role("button", name="Run", exact=True).click(timeout=60_000)
        self.page.get_by_text("Custom run").first.click()
        self.page.get_by_text("Parameters", exact=True).first.wait_for(timeout=60_000)

    def submit_form(self) -> UUID:
        """Submit the run form; follow the toast's "View run"; return the new run's id.
        On a busy machine the UI's request can fail ("Oops. Something went wrong.", nothing
        in the server's log): a person looks whether the run exists, else presses again."""
        from governance.clock import utcnow

        pressed_at = utcnow()
        for press in range(3):
            failures_before = self.page.get_by_text("Something went wrong").count()
            submit = self.page.get_by_role("button", name="Submit", exact=True)
            try:
                submit.click(timeout=10_000)
            except PlaywrightError:  # an earlier error toast lies over the button: press it
                submit.dispatch_event("click")  # underneath, as the toast's own button is
            if self._left_the_form(failures_before, timeout=120):
                break
            self.shot("form-not-submitted", full_page=True)
            created = self._run_created_since(pressed_at)
            if created is not None:
                self.open_run(created)
                return created
            if press == 2:
                errors = self.page.locator(".p-message--error, .p-label__message, [role=alert]")
                raise AssertionError(
                    f"the form was not submitted; it shows: {errors.all_inner_texts()}"
                )
            self.page.wait_for_timeout(3000)
        for _ in range(10):  # the toast is drawn again while the deployment page loads
            try:
                self.page.get_by_role("button", name="View run").first.dispatch_event(
                    "click", timeout=5_000
                )
                self.page.wait_for_url(re.compile(r".*/runs/flow-run/.*"), timeout=10_000)
                break
            except PlaywrightError:
                self.page.wait_for_timeout(500)
        return UUID(re.findall(r"flow-run/([0-9a-f-]{36})", self.page.url)[0])

    def _left_the_form(self, failures_before: int, timeout: float) -> bool:
        """True once the UI went to the deployment's page (the run was created); False when
        it shows a new error toast or nothing happened within `timeout` seconds."""
        page_of_deployment = re.compile(r".*/deployments/deployment/[0-9a-f-]{36}\?.*")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if page_of_deployment.match(self.page.url):
                return True
            if self.page.get_by_text("Something went wrong").count() > failures_before:
                return False
            self.page.wait_for_timeout(500)
        return False

    def _run_created_since(self, moment: Any) -> UUID | None:
        """The run of this deployment created after `moment`, if the server has one (read
        from the API the UI itself calls)."""
        import httpx

        body = {
            "deployments": {"name": {"any_": [self.deployment]}},
            "sort": "EXPECTED_START_TIME_DESC",
            "limit": 5,
        }
        runs = httpx.post(f"{self.ui}/api/flow_runs/filter", json=body, timeout=60).json()
        from datetime import datetime

        for run in runs:
            if datetime.fromisoformat(run["created"]) >= moment:
                return UUID(run["id"])
        return None

    # --- a waiting run -------------------------------------------------------------------

    def open_run(self, run_id: UUID) -> None:
        self.page.goto(f"{self.ui}/runs/flow-run/{run_id}", wait_until="networkidle",
                       timeout=120_000)
        self._wait_for_app()

    def run_title(self, contains: str, timeout: float = 60) -> str:
        """The run's name as the page shows it (reloaded until it contains `contains`)."""
        deadline = time.monotonic() + timeout
        while True:
            title = self.page.locator(".page-heading, nav[aria-label=breadcrumb], .p-bread-crumbs")
            text = title.first.inner_text() if title.count() else ""
            if contains in text or time.monotonic() > deadline:
                return text
            self.page.wait_for_timeout(1000)
            self.page.reload(wait_until="networkidle")

    def open_artifacts(self) -> None:
        self.page.get_by_role("tab", name="Artifacts").or_(
            self.page.get_by_text("Artifacts", exact=True)).first.click()

    def open_resume_form(self) -> Any:
        self.page.get_by_role("button", name="Resume").first.click(timeout=60_000)
        modal = self.page.locator(".p-modal").first
        modal.get_by_text("Submit", exact=True).wait_for(timeout=60_000)
        return modal

    def submit_resume_form(
        self, modal: Any, code: Callable[[], str] | None = None, shot: str | None = None
    ) -> None:
        """Press Submit; on a busy machine a press can be lost (the dialog stays, no error in
        it): press again as a person would, up to three times, then fail with what it shows.
        `code` gives the authenticator's current code: it is typed just before each press, as
        a person reads the phone last (a code typed a minute earlier may have expired).
        `shot` names the screenshot of the filled form, taken before the first press."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for press in range(3):
            if code is not None:
                self.fill(CODE, code(), within=modal)
            if shot and press == 0:
                self.shot(shot)
            modal.get_by_role("button", name="Submit", exact=True).click()
            try:
                modal.wait_for(state="hidden", timeout=30_000)
                return
            except PlaywrightTimeout:
                self.shot("resume-form-still-open")
        text = modal.inner_text() if modal.is_visible() else ""
        raise AssertionError(f"the resume form did not close after Submit; it shows: {text}")
