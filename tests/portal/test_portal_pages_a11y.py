"""Every page of the member portal in Chromium, as members meet them: a phone (390x844) and a
desktop, French and German; axe-core finds no serious or critical violation, no page scrolls
sideways on the phone, and each page is saved as a screenshot under tests/_artifacts/portal/.
The portal is served for real (uvicorn) with the real SMTP sink; the member signs in with the
link from the e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from browser_kit import (
    ROOT,
    VIEWPORTS,
    installed_axe,
    needs_chromium,
    only_loopback,
    page_width,
    running,
    serious_violations,
)
from portal_kit import LINK, RecordingStarter, active_member, send_at_once

from coopflow_cli.portal.app import create_app
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import CallKind
from governance.grants.use_cases import grants
from governance.kernel.rules.enums import Language

SHOTS = ROOT / "tests" / "_artifacts" / "portal"
MEMBER_PAGES = ("/me", "/shares", "/shares/subscribe", "/jobs", "/jobs/new", "/grants",
                "/file", "/file/contact")

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]


@pytest.fixture
def portal(mail_sink: Any) -> Iterator[str]:
    with running(create_app(starter=RecordingStarter(), send_now=send_at_once)) as base:
        yield base


@pytest.fixture(autouse=True)
def _shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def _check(page: Any, name: str) -> None:
    bad = serious_violations(page, installed_axe())
    assert not bad, f"{name}: {bad}"
    width = page_width(page)
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide"
    assert page.locator("h1").count() == 1, name
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page: Any, base: str, sink: Any, email: str, lang: str) -> None:
    page.goto(f"{base}/?lang={lang}")
    page.get_by_role("textbox").fill(email)
    page.locator("#send-link").click()
    page.wait_for_selector("[role=status]")
    message = next(m for m in reversed(sink.parsed()) if email in str(m["To"]))
    link = LINK.search(message.get_body(("plain",)).get_content())
    assert link
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    page.goto(base + path)
    page.locator("#use-link").click()
    page.wait_for_url(f"{base}/me")


def _open_call() -> None:
    now = utcnow()
    spec = grants.CallSpec(
        name="Salto 2027", kind=CallKind.SALTO, opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=20), review_due_at=now + timedelta(days=30),
        budget_cents=300_000, min_amount_cents=10_000, max_amount_cents=200_000,
        reviewers_per_application=1, review_quorum=1,
        criteria=[grants.CriterionSpec(code="quality", label="Qualité", weight=2)],
    )
    with UnitOfWork() as uow:
        grants.create_call(uow, spec, "anna")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_member_page_passes_axe(portal: str, browser: Any, mail_sink: Any,
                                      viewport: str, lang: str) -> None:
    email = f"tour.{lang}.{viewport}@example.be"
    active_member(email, Language(lang))
    _open_call()
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=lang, bypass_csp=True)
    context.route("**/*", only_loopback)
    page = context.new_page()
    _sign_in(page, portal, mail_sink, email, lang)
    for path in MEMBER_PAGES:
        page.goto(portal + path)
        assert page.evaluate("document.documentElement.lang") == lang, path
        _check(page, f"{viewport}-{lang}-{path.strip('/').replace('/', '-')}")
    page.goto(portal + "/grants")
    page.locator("a[href$='/apply']").first.click()
    _check(page, f"{viewport}-{lang}-grants-apply")
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_applicant_pages_pass_axe(portal: str, browser: Any, mail_sink: Any, lang: str) -> None:
    email = f"applicant.{lang}@example.be"
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale=lang, bypass_csp=True)
    context.route("**/*", only_loopback)
    page = context.new_page()
    _sign_in(page, portal, mail_sink, email, lang)
    _check(page, f"phone-{lang}-applicant-me")
    page.goto(portal + "/apply")
    _check(page, f"phone-{lang}-apply")
    page.locator("button[type=submit]").last.click()  # nothing typed: every field says why
    _check(page, f"phone-{lang}-apply-errors")
    context.close()


KEYBOARD_APPLICATION = {  # what the applicant types, field by field (defaults left as offered)
    "first_name": "Zoë",
    "last_name": "D'Hondt",
    "birth_date": "07301985",  # month, day, year: headless Chromium's date field is en-US
    "street": "Rue Coenraets 72",
    "postcode": "1060",
    "city": "Saint-Gilles",
    "phone": "+32 2 542 10 80",
    "shares": "2",
    "iban": "BE48 3200 7018 4927",
    "privacy_policy_accepted_at": " ",
    "internal_rules_accepted_at": " ",
    "capital_risk_accepted_at": " ",
}
FOCUSED = """() => { const e = document.activeElement;
  return {id: e.id, name: e.name || '', tag: e.tagName, type: e.type || '', value: e.value || ''}; }"""


def test_an_applicant_applies_with_the_keyboard_only(portal: str, browser: Any, mail_sink: Any) -> None:
    """Desktop, French: from the signed-in home to the application's status page with Tab,
    typing, Space and Enter only (no click, no fill)."""
    email = "keyboard.applicant@example.be"
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fr-BE", bypass_csp=True)
    context.route("**/*", only_loopback)
    page = context.new_page()
    _sign_in(page, portal, mail_sink, email, "fr")
    keys = page.keyboard
    for _ in range(40):  # to the "become a member" tile, by keyboard
        keys.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == "/apply":
            break
    keys.press("Enter")
    page.wait_for_url(f"{portal}/apply")
    typed: set[str] = set()
    for _ in range(200):
        keys.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["id"] == "send-application":
            break
        name = focused["name"]
        if name in KEYBOARD_APPLICATION and name not in typed:
            typed.add(name)
            if focused["type"] == "checkbox":
                keys.press("Space")
            else:
                for key in KEYBOARD_APPLICATION[name]:
                    keys.type(key)
            if name == "birth_date":
                assert page.evaluate(FOCUSED)["value"] == "1985-07-30", page.evaluate(FOCUSED)
    assert typed == set(KEYBOARD_APPLICATION), set(KEYBOARD_APPLICATION) - typed
    _check(page, "keyboard-fr-apply-typed")
    keys.press("Enter")
    page.wait_for_url(f"{portal}/application")
    _check(page, "keyboard-fr-application-status")
    assert "D'Hondt" in page.content() or "D&#39;Hondt" in page.content()
    context.close()
