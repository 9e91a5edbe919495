"""The ballot pages in Chromium, as shareholders meet them: a phone (390x844) and a desktop,
the four languages, one voter with the keyboard only; axe-core checks every step (zero serious
or critical violations) and each step is saved as a screenshot under tests/_artifacts/ballot/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_kit import (
    ROOT,
    VIEWPORTS,
    needs_chromium,
    only_loopback,
    page_width,
    running,
    serious_violations,
)
from sqlalchemy import update

from coopflow_cli.ballot_web.app import create_app
from governance.assembly.use_cases import voting_closing as closing
from governance.db.models.assembly import AssemblyVoter
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language

SHOTS = ROOT / "tests" / "_artifacts" / "ballot"
LANGUAGES = ("fr", "nl", "de", "en")

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]


class Steps:
    """One browser page; every step is checked by axe and photographed."""

    def __init__(self, page: Any, axe: Path, prefix: str) -> None:
        self.page, self.axe, self.prefix = page, axe, prefix
        self.titles: list[str] = []

    def check(self, step: str) -> None:
        page = self.page
        bad = serious_violations(page, self.axe)
        assert not bad, f"{self.prefix} {step}: {bad}"
        width = page_width(page)
        assert width <= page.viewport_size["width"], f"{self.prefix} {step}: {width}px wide"
        self.titles.append(page.title())
        page.screenshot(path=str(SHOTS / f"{self.prefix}-{step}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def _speak(ga, n: int, language: str) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        uow.session.execute(update(AssemblyVoter).where(
            AssemblyVoter.member_id == ga.member_ids[n]).values(language=Language(language)))
        uow.commit()


def _targets_are_big_enough(page: Any) -> None:
    small = page.evaluate("""() => [...document.querySelectorAll('input, button, a, label')]
      .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
      .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24).map(([h]) => h)""")
    assert not small, small


def _vote_with_the_mouse(steps: Steps, base: str, code: str) -> str:
    page = steps.page
    page.goto(f"{base}/")
    steps.check("1-code")
    page.fill("#code", code)
    page.click("#continue")
    page.wait_for_selector("#item-E1")
    _targets_are_big_enough(page)
    page.check("input[name=r_R1][value=for]")
    page.check("input[name=r_R3][value=abstain]")
    page.check("input[name=e_E1][value=C1]")
    page.check("input[name=e_E1][value=C2]")
    page.check("input[name=e_E1][value=C3]")
    page.click("#review")  # R2 unanswered, three candidates for two seats
    page.wait_for_selector("#message")
    steps.check("2-ballot-refused")
    page.check("input[name=r_R2][value=against]")
    page.uncheck("input[name=e_E1][value=C3]")
    page.click("#review")
    page.wait_for_selector("#summary")
    steps.check("3-review")
    page.click("#change")  # back to the ballot, choices kept
    page.wait_for_selector("#item-E1")
    assert page.is_checked("input[name=r_R2][value=against]")
    steps.check("2-ballot")
    page.click("#review")
    page.click("#confirm")
    page.wait_for_selector("#receipt")
    steps.check("4-receipt")
    return str(page.inner_text("#receipt")).strip()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_step_in_every_language_passes_axe_on_a_phone_and_a_desktop(
    convene, browser, axe_script, viewport: str
) -> None:
    ga = convene(len(LANGUAGES))
    receipts: dict[str, str] = {}
    with running(create_app(clock=lambda: ga.now)) as base:
        for n, lang in enumerate(LANGUAGES):
            _speak(ga, n, lang)
            context = browser.new_context(viewport=VIEWPORTS[viewport], locale=lang,
                                          bypass_csp=True)  # to inject axe; the app keeps its CSP
            context.route("**/*", only_loopback)
            steps = Steps(context.new_page(), axe_script, f"{viewport}-{lang}")
            receipts[lang] = _vote_with_the_mouse(steps, base, ga.code(n))
            assert len(set(steps.titles)) == 4, steps.titles  # code, ballot, review, receipt
            assert steps.page.evaluate("document.documentElement.lang") == lang
            context.close()
        with UnitOfWork() as uow:
            closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"),
                                 early=True)
        for lang in LANGUAGES:
            context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
            context.route("**/*", only_loopback)
            steps = Steps(context.new_page(), axe_script, f"{viewport}-{lang}")
            steps.page.goto(f"{base}/receipts/{ga.assembly_id}?lang={lang}"
                            f"&receipt={receipts[lang]}")
            steps.page.wait_for_selector("#found")
            steps.check("5-board")
            context.close()


def test_a_voter_votes_with_the_keyboard_only_and_always_sees_where_the_focus_is(
    convene, browser, axe_script
) -> None:
    ga = convene(1)
    _speak(ga, 0, "nl")
    with running(create_app(clock=lambda: ga.now)) as base:
        context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="nl")
        context.route("**/*", only_loopback)
        page = context.new_page()
        page.goto(f"{base}/")
        keyboard = page.keyboard

        def tab_to(selector: str) -> None:
            for _ in range(40):
                keyboard.press("Tab")
                if page.evaluate(f"document.activeElement.matches({selector!r})"):
                    outline = page.evaluate(
                        "(() => { const s = getComputedStyle(document.activeElement);"
                        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
                    assert outline[0] != "none" and outline[1] >= 2, (selector, outline)
                    return
            raise AssertionError(f"the keyboard never reaches {selector}")

        tab_to("#code")
        keyboard.type(ga.code(0))
        keyboard.press("Enter")
        page.wait_for_selector("#item-E1")
        tab_to("input[name=r_R1][value=for]")
        keyboard.press("Space")
        tab_to("input[name=r_R2]")
        keyboard.press("ArrowRight")  # for -> against, as radio groups do
        tab_to("input[name=r_R3]")
        keyboard.press("ArrowRight")
        keyboard.press("ArrowRight")  # abstain
        tab_to("input[name=e_E1][value=C2]")
        keyboard.press("Space")
        tab_to("#review")
        page.screenshot(path=str(SHOTS / "keyboard-nl-ballot-focus.png"), full_page=True)
        keyboard.press("Enter")
        page.wait_for_selector("#summary")
        summary = page.inner_text("#summary")
        assert "Voor" in summary and "Tegen" in summary and "Onthouding" in summary
        tab_to("#confirm")
        keyboard.press("Enter")
        page.wait_for_selector("#receipt")
        page.screenshot(path=str(SHOTS / "keyboard-nl-receipt.png"), full_page=True)
        context.close()
