"""Signing in to the portal in Chromium, as people meet it: the real app on a loopback port,
the real e-mail read from the SMTP sink, a phone (390x844) and a desktop (1280x900), French and
Dutch; axe-core checks every step (zero serious or critical violations), nothing scrolls
sideways on the phone, and each step is saved under tests/_artifacts/portal/. One person signs
in with the keyboard only. Then the attacks, each a test: a used link, a link opened in another
browser, cross-site forms, enumeration, an expired session, the rate limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from browser_kit import (
    ROOT,
    VIEWPORTS,
    free_port,
    needs_chromium,
    only_loopback,
    page_width,
    running,
    serious_violations,
)
from portal_kit import LINK, csrf
from sqlalchemy import func, select

from coopflow_cli.portal.app import create_app
from governance.clock import utcnow
from governance.config import get_settings
from governance.db.models.portal import PortalLink, PortalSession
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members

SHOTS = ROOT / "tests" / "_artifacts" / "portal"
ATTACKER = "http://attacker.test"

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]


@dataclass
class Served:
    """The portal running on a loopback port; `later(minutes)` moves its clock on."""

    base: str
    sink: Any
    moment: dict[str, datetime]

    def later(self, minutes: int) -> None:
        self.moment["now"] += timedelta(minutes=minutes)

    def link_for(self, email: str, after: int = 0, timeout: float = 20) -> str:
        """The link in the newest message to `email` (the .eml the sink wrote; the portal sends
        it off the request, so it may take a moment), skipping the first `after` of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = [m for m in self.sink.parsed() if email.lower() in str(m["To"]).lower()]
            if len(mails) > after:
                body = mails[-1].get_body(("plain",)).get_content()
                found = LINK.search(body)
                assert found, body
                assert found.group(0).startswith(self.base), found.group(0)
                return found.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no message to {email} in the sink")


@pytest.fixture
def served(mail_sink) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    """The app as `coop portal` serves it (mail sent in the background), with the e-mailed
    links pointing at it and a clock the test can move."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = get_settings().model_copy(update={"portal_base_url": base})
    moment = {"now": utcnow()}
    app = create_app(settings=settings, clock=lambda: moment["now"], trusted_proxies=())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False,
                            log_level="warning")
    with running(app, config):
        yield Served(base, mail_sink, moment)


@pytest.fixture(autouse=True)
def _shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def new_page(browser: Any, viewport: str = "desktop", lang: str = "fr") -> Any:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=lang,
                                  bypass_csp=True)  # to inject axe; the app keeps its CSP
    context.route("**/*", only_loopback)
    return context.new_page()


def check(page: Any, axe: Path, name: str) -> None:
    """axe: no serious or critical violation; nothing wider than the screen; a screenshot."""
    bad = serious_violations(page, axe)
    assert not bad, f"{name}: {bad}"
    width = page_width(page)
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide"
    small = page.evaluate("""() => [...document.querySelectorAll('input, button, a')]
      .filter(e => e.type !== 'hidden' && e.offsetParent !== null && !e.closest('p'))
      .filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))""")
    assert not small, f"{name}: targets under 44 px high: {small}"
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_member(email: str, language: Language) -> str:
    """An admitted member with this address and language; returns the member number."""
    facts = next(iter(sample_members(1))).model_copy(update={"email": email,
                                                             "language": language})
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.system("test"),
                                       status=MemberStatus.ACTIVE)
        number = members.assign_member_number(uow.session, member.id)
        uow.commit()
    return number


def stored_links() -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count(PortalLink.id))) or 0)


def ask_link(page: Any, served: Served, email: str, go: bool = True) -> None:
    if go:
        page.goto(f"{served.base}/")
    page.get_by_label(page.locator("label[for=email]").inner_text()).fill(email)
    page.locator("#send-link").click()
    page.wait_for_selector("p.ok[role=status]")


def sign_in(page: Any, served: Served, email: str) -> None:
    before = len([m for m in served.sink.parsed() if email in str(m["To"])])
    ask_link(page, served, email)
    page.goto(served.link_for(email, after=before))
    page.locator("#use-link").click()
    page.wait_for_url(f"{served.base}/me")


# --- every step, phone and desktop, French and Dutch --------------------------------------


WORDS = {  # what the person reads at each step, in their language
    "fr": ("Connexion", "Consultez votre boîte e-mail", "Me connecter", "Se déconnecter",
           "Vous êtes déconnecté."),
    "nl": ("Aanmelden", "Kijk in uw mailbox", "Aanmelden", "Afmelden", "U bent afgemeld."),
}


def _every_step(page: Any, served: Served, axe: Path, prefix: str, email: str) -> str:
    title, check_mail, button, sign_out, signed_out = WORDS[page.evaluate("navigator.language")
                                                            [:2]]
    page.goto(f"{served.base}/")
    assert page.locator("h1").inner_text() == title
    check(page, axe, f"{prefix}-1-sign-in")
    page.get_by_label(page.locator("label[for=email]").inner_text()).fill("jan@voorbeeld")
    page.locator("#send-link").click()
    page.wait_for_selector("#email-error")
    assert page.locator("#message").count() == 0  # said once, next to the field
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert page.locator("#email").input_value() == "jan@voorbeeld"  # kept as typed
    check(page, axe, f"{prefix}-2-bad-address")
    page.locator("#email").fill(email)
    page.locator("#send-link").click()
    page.wait_for_selector("p.ok[role=status]")
    assert page.locator("h1").inner_text() == check_mail
    check(page, axe, f"{prefix}-3-check-mail")
    page.goto(served.link_for(email))
    assert page.locator("#use-link").inner_text() == button
    check(page, axe, f"{prefix}-4-link")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(f"{served.base}/me")
    check(page, axe, f"{prefix}-5-home")
    home = page.locator("main").inner_text()
    page.get_by_role("button", name=sign_out, exact=True).click()
    page.wait_for_selector("#message")
    assert page.locator("#message").inner_text() == signed_out
    check(page, axe, f"{prefix}-6-signed-out")
    page.goto(f"{served.base}/me")
    assert page.locator("h1").inner_text() == title  # signed out for real
    return str(home)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_signing_in_and_out_passes_axe_on_a_phone_and_a_desktop_in_french_and_dutch(
    served, browser, axe_script, viewport: str
) -> None:
    number = add_member(f"lea.{viewport}@example.be", Language.FR)
    page = new_page(browser, viewport, "fr")
    home = _every_step(page, served, axe_script, f"{viewport}-fr", f"lea.{viewport}@example.be")
    assert f"Numéro de membre : {number}" in home and "Mes parts" in home
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.context.close()

    page = new_page(browser, viewport, "nl")
    home = _every_step(page, served, axe_script, f"{viewport}-nl",
                       f"nieuw.{viewport}@voorbeeld.be")
    assert "U bent nog geen lid" in home and "Lid worden" in home
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.context.close()


def test_a_person_signs_in_on_a_phone_with_the_keyboard_only(served, browser) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser, "phone", "nl")
    keyboard = page.keyboard

    def tab_to(selector: str, backwards: bool = False) -> None:
        for _ in range(30):
            keyboard.press("Shift+Tab" if backwards else "Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                outline = page.evaluate(
                    "(() => { const s = getComputedStyle(document.activeElement);"
                    " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
                assert outline[0] != "none" and outline[1] >= 2, (selector, outline)
                return
        raise AssertionError(f"the keyboard never reaches {selector}")

    page.goto(f"{served.base}/")
    tab_to("a.skip")  # the first stop skips the header
    tab_to("#email")
    keyboard.type("toetsenbord@voorbeeld.be")
    tab_to("#send-link")
    tab_to("#email", backwards=True)  # back up: the address is still there
    assert page.locator("#email").input_value() == "toetsenbord@voorbeeld.be"
    keyboard.press("Enter")
    page.wait_for_selector("p.ok[role=status]")
    page.screenshot(path=str(SHOTS / "keyboard-nl-check-mail.png"), full_page=True)
    page.goto(served.link_for("toetsenbord@voorbeeld.be"))  # opened from the mail app
    tab_to("#use-link")
    page.screenshot(path=str(SHOTS / "keyboard-nl-link-focus.png"), full_page=True)
    keyboard.press("Space")
    page.wait_for_url(f"{served.base}/me")
    assert page.locator("h1").inner_text() == "Welkom"
    tab_to("a[href='/apply']")
    page.screenshot(path=str(SHOTS / "keyboard-nl-home-focus.png"), full_page=True)
    keyboard.press("Enter")
    page.wait_for_url(f"{served.base}/apply")
    page.context.close()


# --- attacks ------------------------------------------------------------------------------


def test_a_used_link_does_not_sign_in_again(served, browser) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    sign_in(page, served, "eens@example.be")
    link = served.link_for("eens@example.be")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_selector("#message")
    answer = page.goto(link)
    assert answer.status == 410
    assert "n'est plus valable" in page.locator("#message").inner_text()
    page.screenshot(path=str(SHOTS / "attack-used-link.png"), full_page=True)
    assert page.goto(f"{served.base}/me").status == 401
    page.context.close()


def test_a_link_opened_in_another_browser_is_refused_there_and_works_where_asked(
    served, browser
) -> None:
    asking = new_page(browser, lang="nl")
    ask_link(asking, served, "slachtoffer@example.be")
    link = served.link_for("slachtoffer@example.be")
    other = new_page(browser, lang="nl")
    assert other.goto(link).status == 403
    assert "andere browser" in other.locator("#message").inner_text()
    assert other.locator("#use-link").count() == 0
    other.screenshot(path=str(SHOTS / "attack-other-browser.png"), full_page=True)
    assert other.goto(f"{served.base}/me").status == 401
    asking.goto(link)
    asking.locator("#use-link").click()
    asking.wait_for_url(f"{served.base}/me")
    assert asking.locator("h1").inner_text() == "Welkom"
    for page in (asking, other):
        page.context.close()


def _attacker_page(page: Any, target: str, fields: dict[str, str]) -> None:
    """Another site's page that posts a form to the portal as soon as it loads."""
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    html = (f'<html><body><form id="f" method="post" action="{target}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script></body></html>')
    page.context.route(f"{ATTACKER}/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=html))


@pytest.mark.parametrize("forgery", ["no-token", "wrong-token"])
def test_a_form_posted_from_another_site_does_nothing(served, browser, forgery: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    sign_in(page, served, "cible@example.be")
    links, mails = stored_links(), len(served.sink.messages())
    forged = {} if forgery == "no-token" else {"csrf": "0" * 64}
    for target, fields in ((f"{served.base}/sign-in", {"email": "autre@example.be"}),
                           (f"{served.base}/language", {"lang": "de", "back": "/me"})):
        _attacker_page(page, target, {**fields, **forged})
        page.goto(f"{ATTACKER}/{forgery}")
        page.wait_for_url(target)
        assert "Ce formulaire a expiré" in page.locator("p.message").inner_text()
        page.screenshot(path=str(SHOTS / f"attack-cross-site-{forgery}.png"), full_page=True)
        page.context.unroute(f"{ATTACKER}/**")
    time.sleep(1)  # a message would be sent in the background
    assert (stored_links(), len(served.sink.messages())) == (links, mails)
    page.goto(f"{served.base}/me")
    assert page.evaluate("document.documentElement.lang") == "fr"  # language not changed
    page.context.close()


def test_a_member_and_an_unknown_address_get_the_same_answer(served) -> None:  # type: ignore[no-untyped-def]
    add_member("connu@example.be", Language.NL)
    with httpx.Client(base_url=served.base, headers={"Accept-Language": "nl"}) as client:
        token = csrf(client.get("/").text)
        known = client.post("/sign-in", data={"email": "connu@example.be", "csrf": token})
        unknown = client.post("/sign-in", data={"email": "inconnu@example.be", "csrf": token})
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert known.content == unknown.content
    assert dict(known.headers).keys() == dict(unknown.headers).keys()
    assert "set-cookie" not in known.headers and "set-cookie" not in unknown.headers
    served.link_for("connu@example.be"), served.link_for("inconnu@example.be")  # both sent


def test_an_expired_session_cookie_signs_nobody_in(served, browser) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser, lang="nl")
    sign_in(page, served, "traag@example.be")
    cookie = next(c for c in page.context.cookies() if c["name"] == "coop_session")
    served.later(31)  # idle longer than the portal allows
    answer = page.goto(f"{served.base}/me")
    assert answer.status == 401
    assert "Uw sessie is beëindigd" in page.locator("#message").inner_text()
    page.screenshot(path=str(SHOTS / "attack-expired-session.png"), full_page=True)
    served.later(-31)  # even back in time, the ended session stays ended
    other = new_page(browser, lang="nl")
    other.context.add_cookies([cookie])
    assert other.goto(f"{served.base}/me").status == 401
    with UnitOfWork() as uow:
        ended = uow.session.scalars(select(PortalSession.ended_at)).all()
    assert len(ended) == 1 and ended[0] is not None
    for p in (page, other):
        p.context.close()


def test_too_many_link_requests_from_one_address_are_slowed_down(served) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=served.base, headers={"Accept-Language": "nl"}) as client:
        token = csrf(client.get("/").text)
        answers = [client.post("/sign-in", data={"email": f"veel{n}@example.be", "csrf": token})
                   for n in range(11)]
    assert [a.status_code for a in answers] == [200] * 10 + [429]
    assert "Te veel aanvragen vanaf uw verbinding" in answers[-1].text
    assert 'lang="nl"' in answers[-1].text
    assert stored_links() == 10



def test_the_language_picked_on_the_sign_in_page_is_the_language_of_the_link(
    served, browser
) -> None:
    page = new_page(browser, lang="fr")  # a French browser, a Dutch-speaking person
    page.goto(f"{served.base}/")
    page.get_by_role("link", name="NL Nederlands").click()
    ask_link(page, served, "taal@voorbeeld.be", go=False)
    assert page.locator("h1").inner_text() == "Kijk in uw mailbox"
    link = served.link_for("taal@voorbeeld.be")
    mail = next(m for m in served.sink.parsed() if "taal@" in str(m["To"]))
    assert "aanmeld" in str(mail["Subject"]).lower(), mail["Subject"]
    page.goto(link)
    assert page.locator("#use-link").inner_text() == "Aanmelden"
    page.context.close()
