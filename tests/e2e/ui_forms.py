"""Filling Prefect 3.9's deployment forms as staff do: find a field by the label printed above
it, type in its box, pick an option from its dropdown, add an agenda item, press Submit.

The UI's `<label for=…>` does not point at its box, so Playwright's get_by_label cannot find
the fields: a field is the form property whose printed label is the given text (fields with a
default are printed "<label> (Optional)").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import UUID

PROPERTY = "contains(concat(' ', normalize-space(@class), ' '), ' schema-form-property ')"


def wait_for_app(page: Any) -> None:
    """The UI is a single-page app: wait for its sidebar and breadcrumb, not only the network."""
    page.wait_for_selector("[data-sidebar=sidebar], .p-context-sidebar", timeout=120_000)
    page.wait_for_selector("nav[aria-label=breadcrumb], .p-bread-crumbs", timeout=60_000)


def open_run_form(page: Any, ui_url: str, deployment: str) -> None:
    """Deployments → the deployment → Run → Custom run: the deployment's parameter form."""
    page.goto(f"{ui_url}/deployments", wait_until="networkidle", timeout=120_000)
    wait_for_app(page)
    page.get_by_placeholder("Search deployments").fill(deployment)  # ten to a page
    page.get_by_role("link", name=deployment, exact=True).first.click(timeout=60_000)
    page.get_by_role("button", name="Run", exact=True).first.click(timeout=60_000)
    page.get_by_text("Custom run", exact=True).first.click(timeout=60_000)
    page.get_by_text("Parameters", exact=True).first.wait_for(timeout=60_000)


Label = str | tuple[str, ...]


def field(scope: Any, label: Label, nth: int = 0) -> Any:
    """The body (box, dropdown, list) of the form property printed with this label (or with
    any of these labels: a flow's plain parameter is printed under its name until titled)."""
    names = (label,) if isinstance(label, str) else label
    matches = " or ".join(
        f"normalize-space()='{name}' or normalize-space()='{name} (Optional)'" for name in names
    )
    printed = f"span[contains(@class, 'schema-form-property__label')][{matches}]"
    prop = scope.locator(f"xpath=.//{printed}/ancestor::div[{PROPERTY}][1]").nth(nth)
    return prop.locator("xpath=./div[contains(@class, 'p-label__body')]")


def fill(scope: Any, label: Label, text: str, nth: int = 0) -> None:
    box = field(scope, label, nth).locator("textarea, input").first
    box.fill(text)


def choose(page: Any, scope: Any, label: str, option: str, nth: int = 0) -> list[str]:
    """Open the field's dropdown, pick `option` among its choices; return every choice shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = field(scope, label, nth).locator("button.p-select-button__control").first
    options = page.get_by_role("option")
    for opening in ("Space", "click", "ArrowDown"):  # a click alone does not always open it
        # (never Enter: it would submit the form)
        if opening == "click":
            button.click()
        else:
            button.focus()
            page.keyboard.press(opening)
        try:
            options.first.wait_for(timeout=3_000)
        except PlaywrightTimeout:  # not open yet: try the next way
            pass
        else:
            break
    options.first.wait_for(timeout=10_000)
    shown = [text.strip() for text in options.all_inner_texts()]
    page.get_by_role("option", name=option, exact=True).first.click()
    return shown


def switch(scope: Any, label: Label, nth: int = 0) -> None:
    """Turn a yes/no field on (the UI draws it as a toggle)."""
    body = field(scope, label, nth)
    box = body.locator("input[type=checkbox]").first
    body.locator(".p-toggle").first.click()
    if not box.is_checked():  # the click landed beside the knob: press the switch itself
        box.dispatch_event("click")
    assert box.is_checked(), f"the switch {label!r} did not turn on"


def add_item(scope: Any, label: str) -> Any:
    """Press the list's "Add item"; return the new item (its fields are filled through it)."""
    body = field(scope, label)
    before = body.locator(".p-draggable-list__item").count()
    body.get_by_role("button", name="Add item").click()
    item = body.locator(".p-draggable-list__item").nth(before)
    item.wait_for(timeout=30_000)
    return item


def submit(page: Any) -> UUID:
    """Press Submit (the UI creates the run and shows the deployment's runs); open the new
    run's page from that list as staff would. Returns the run's id, read from the UI's own
    request to the server."""
    for _attempt in range(3):  # a busy server may answer 503: staff press Submit again
        with page.expect_response(
            lambda r: "/create_flow_run" in r.url and r.request.method == "POST",
            timeout=120_000,
        ) as created:
            page.get_by_role("button", name="Submit", exact=True).last.click()
        response = created.value
        if response.status < 500:
            break
        page.wait_for_timeout(3_000)
    assert response.ok, f"the server refused the form: {response.status} {response.text()}"
    run_id = UUID(response.json()["id"])
    link = page.locator(f"a[href*='/runs/flow-run/{run_id}']").first
    link.wait_for(timeout=120_000)
    link.click()
    page.wait_for_url(re.compile(f".*/runs/flow-run/{run_id}.*"), timeout=120_000)
    return run_id


class Shots:
    """Numbered screenshots of one test's steps: var/screenshots/<test>/NN-step.png."""

    def __init__(self, root: Path, test: str) -> None:
        self.folder = root / "var" / "screenshots" / test
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Any, step: str, full_page: bool = True) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.wait_for_timeout(400)  # let the last animation end
        page.screenshot(path=str(path), full_page=full_page)
        return path
