"""A person's whole way through the member portal, in Chromium, on the real stack: `coop
portal` in its own process, a Prefect server and worker, the SMTP sink. An applicant signs in
with the e-mailed link, applies; staff ask a question in the Prefect UI (resume form filled by
label, one-time code), the applicant answers in the portal, staff approve; the new member sees
their number, subscribes to shares, pays them through a bank statement (camt.053 imported by
the daily run), declares a job that is approved, and downloads their documents.

The steps run in order in one test and share one person (`journey`). Screenshots of each step:
tests/_artifacts/portal-journey/ (the staff's: var/screenshots/portal-*/).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from e2e_stack import ARTIFACTS, Stack, running_stack
from portal_stack import running_portal
from sqlalchemy import select
from staff_kit import Authenticators, enrol_staff
from staff_ui import StaffUI

from governance.clock import business_today
from governance.db.models.onboarding import Application
from governance.db.models.register import ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import StaffRole
from seeding.camt import Credit, statement_xml

CHROMIUM = "/usr/bin/chromium"
SHOTS = ARTIFACTS / "portal-journey"
LINK = re.compile(r"https?://\S+/link/[A-Za-z0-9_-]+")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e-portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@dataclass
class Journey:
    """The one person of this module, their browser tab, and what the steps learnt."""

    stack: Stack
    portal: str
    page: Any
    staff_page: Any
    phones: Authenticators
    email: str = field(default_factory=lambda: f"noor.{secrets.token_hex(3)}@example.org")
    run_id: UUID | None = None
    last_question: str | None = None
    member_id: int | None = None
    step: int = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(SHOTS / f"{self.step:02d}-{name}.png"), full_page=True)

    def goto(self, path: str) -> Any:
        return self.page.goto(f"{self.portal}{path}")

    def staff(self, test_name: str) -> StaffUI:
        return StaffUI(self.staff_page, self.stack.ui_url, f"portal-{test_name}")


def _only_loopback(route: Any) -> None:
    from ui_browser import _only_loopback as allow

    allow(route)


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    from playwright.sync_api import sync_playwright
    from ui_browser import ARGS

    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with running_stack(tmp_path_factory.mktemp("portal")) as stack, \
            running_portal(stack) as portal, sync_playwright() as playwright:
        phones = enrol_staff({"anna.peeters": (StaffRole.ONBOARDING_REVIEWER,
                                               StaffRole.REGISTER_KEEPER,
                                               StaffRole.CONTRACT_APPROVER)},
                             settings=stack.settings)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            person = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl")
            person.route("**/*", _only_loopback)
            staff = browser.new_context(viewport={"width": 1400, "height": 1000})
            staff.route("**/*", _only_loopback)
            page = person.new_page()
            page.set_default_timeout(30_000)
            yield Journey(stack, portal, page, staff.new_page(), phones)
        finally:
            browser.close()


# --- helpers: the person's mail, forms filled by field name, the waiting run ---------------


def link_in_mail(journey: Journey, timeout: float = 60) -> str:
    """The sign-in link of the newest message to the person, read from the sink's .eml."""
    import email
    from email import policy

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(journey.stack.sink.directory.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if journey.email in str(message["To"]):
                body = message.get_body(("plain",))
                found = LINK.search(body.get_content() if body else "")
                if found:
                    return found.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no sign-in link reached {journey.email}")


def fill_form(form: Any, values: dict[str, str]) -> None:
    """Fill the fields present in `form`, each found by its name, as a person would: type in
    text fields, pick an option, tick a box, choose a radio button."""
    for name, value in values.items():
        found = form.locator(f"[name={name!r}]")
        if not found.count():
            continue
        first = found.first
        tag = first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            first.select_option(value)
        elif tag.endswith(":radio"):
            form.locator(f"[name={name!r}][value={value!r}]").check()
        elif tag.endswith(":checkbox"):
            first.check()
        else:
            first.fill(value)


def start(journey: Journey, deployment: str, parameters: dict[str, Any]) -> UUID:
    """Start a deployment through the API (as the daily schedule would). Forced synchronous:
    Playwright's loop runs in this thread, and Prefect would hand back a coroutine."""
    from prefect.deployments import run_deployment

    with journey.stack.client_settings():
        run = run_deployment(f"{deployment}/{deployment}", parameters=parameters, timeout=0,
                             _sync=True)  # type: ignore[call-arg]
    return UUID(str(run.id))


def newest_run(journey: Journey, deployment: str) -> UUID:
    body = {"deployments": {"name": {"any_": [deployment]}},
            "sort": "EXPECTED_START_TIME_DESC", "limit": 1}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = httpx.post(f"{journey.stack.api_url}/flow_runs/filter", json=body,
                          timeout=60).json()
        if runs:
            return UUID(runs[0]["id"])
        time.sleep(1)
    raise AssertionError(f"no run of {deployment}")


def next_question(journey: Journey) -> dict[str, Any]:
    """Wait until the run waits for staff on a question other than the last one."""
    assert journey.run_id is not None
    deadline = time.monotonic() + 300
    while True:
        form = journey.stack.wait_for_decision_form(journey.run_id)
        key = str(form["state"].state_details.pause_key)
        if key != journey.last_question:
            journey.last_question = key
            return form
        assert time.monotonic() < deadline, f"still on question {key}"
        time.sleep(1)


def staff_decide(journey: Journey, test_name: str, choice: str, note: str) -> None:
    """anna.peeters answers the waiting run in the Prefect UI's resume form."""
    staff = journey.staff(test_name)
    staff.open_run(journey.run_id)
    form = staff.open_resume_form()
    staff.fill("Your staff login", "anna.peeters", within=form)
    staff.choose("Decision", choice, within=form)
    staff.fill("Reason, question or note", note, within=form)
    staff.submit_resume_form(form, code=journey.phones.code_function("anna.peeters"),
                             shot=f"{choice.split()[0]}-filled")


def assert_a_member(journey: Journey) -> None:
    """The member's own pages need the earlier steps."""
    assert journey.member_id is not None, "nobody became a member in the earlier steps"


def application(journey: Journey) -> Application:
    with UnitOfWork(journey.stack.settings) as uow:
        found = uow.session.scalars(select(Application).where(
            Application.email == journey.email)).one()
        uow.session.expunge(found)
        return found


# --- the journey -----------------------------------------------------------------------------


def step_1_an_applicant_signs_in_with_the_emailed_link(journey: Journey) -> None:
    journey.goto("/")
    journey.page.get_by_label("E-mailadres").fill(journey.email)
    journey.page.get_by_role("button", name="Mijn link ontvangen").click()
    journey.page.wait_for_selector("p.ok[role=status]")
    journey.shot("check-mail")
    link = link_in_mail(journey)
    assert link.startswith(journey.portal)
    journey.page.goto(link)
    journey.page.get_by_role("button", name="Aanmelden").click()
    journey.page.wait_for_url(f"{journey.portal}/me")
    assert journey.page.locator("h1").inner_text() == "Welkom"
    journey.shot("applicant-home")


APPLICATION = {
    "kind": "person", "first_name": "Noor", "last_name": "Janssens-Portaal",
    "birth_date": "1991-04-17", "national_number": "",  # none: a person reviews
    "phone": "+32 9 225 10 80", "street": "Veldstraat 12", "postcode": "9000", "city": "Gent",
    "attestation": "none", "country": "BE", "language": "nl", "office": "gent", "iban": "BE48 3200 7018 4927",
    "share_class": "A", "shares": "1",
}


def step_2_the_applicant_applies_and_the_application_waits_for_staff(journey: Journey) -> None:
    assert journey.goto("/apply").status == 200
    form = journey.page.locator("main form:has([name=first_name])")
    fill_form(form, APPLICATION)
    for box in form.locator("input[type=checkbox]").all():  # the consents
        box.check()
    journey.shot("application-filled")
    journey.page.locator("#send-application").click()
    journey.page.wait_for_url(f"{journey.portal}/application")
    journey.shot("application-received")
    journey.run_id = newest_run(journey, "member-onboarding")
    next_question(journey)
    assert str(application(journey).status) == "in_review"


def step_3_staff_ask_for_information_in_the_prefect_ui(journey: Journey) -> None:
    assert journey.run_id, "no application waits for staff"
    staff_decide(journey, "ask", "ask the applicant for information",
                 "Welke activiteit wilt u met SMart uitoefenen?")
    next_question(journey)  # now waiting for the applicant's answer
    assert str(application(journey).status) == "info_requested"


def step_4_the_applicant_answers_in_the_portal(journey: Journey) -> None:
    assert journey.run_id, "no application waits for an answer"
    assert journey.goto("/application").status == 200
    assert "Welke activiteit" in journey.page.locator("#staff-question").inner_text()
    journey.shot("question-shown")
    journey.page.get_by_label(journey.page.locator("label[for=answer]").inner_text()).fill(
        "Ik ben grafisch ontwerper en werk voor theaters.")
    journey.page.locator("#send-answer").click()
    journey.page.wait_for_url(f"{journey.portal}/application")
    journey.shot("answer-sent")
    next_question(journey)  # the run woke, recorded the answer, asks staff again
    assert str(application(journey).status) == "in_review"


def step_5_staff_approve_and_the_applicant_is_a_member(journey: Journey) -> None:
    assert journey.run_id, "no application waits for staff"
    staff_decide(journey, "approve", "approve", "Answer read, activity fits")
    assert journey.run_id is not None
    journey.stack.wait_completed(journey.run_id)
    found = application(journey)
    assert str(found.status) == "admitted" and found.member_id
    journey.member_id = found.member_id
    journey.goto("/me")
    main = journey.page.locator("main").inner_text()
    assert "Lidnummer" in main
    journey.shot("member-home")


def step_6_the_member_subscribes_to_more_shares(journey: Journey) -> None:
    assert_a_member(journey)
    assert journey.goto("/shares/subscribe").status == 200
    form = journey.page.locator("form[action='/shares/subscribe']")
    fill_form(form, {"shares": "2"})
    journey.shot("subscribe-filled")
    journey.page.locator("#subscribe").click()
    journey.page.wait_for_url(re.compile(r".*/shares/subscription/\d+$"))
    journey.shot("subscription")
    assert re.search(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", journey.page.locator("main").inner_text())
    assert len(subscriptions(journey)) == 2  # the one of the admission, this one


def subscriptions(journey: Journey) -> list[tuple[int, str, int, str]]:
    with UnitOfWork(journey.stack.settings) as uow:
        rows = uow.session.execute(select(
            ShareSubscription.id, ShareSubscription.structured_communication,
            ShareSubscription.amount_cents, ShareSubscription.status,
        ).where(ShareSubscription.member_id == journey.member_id).order_by(ShareSubscription.id))
        return [(r[0], str(r[1]), int(r[2]), str(r[3])) for r in rows]


def step_7_the_member_pays_through_a_bank_statement(journey: Journey) -> None:
    assert_a_member(journey)
    owed = subscriptions(journey)
    assert owed, "nothing to pay"
    inbox = journey.stack.home / "bank-inbox"
    inbox.mkdir(exist_ok=True)
    credits = [Credit(amount, "Noor Janssens", "BE48320070184927", f"R{n}",
                      "".join(c for c in ogm if c.isdigit()))
               for n, (_, ogm, amount, _) in enumerate(owed)]
    (inbox / "statement.xml").write_bytes(statement_xml(
        journey.stack.settings.coop_iban, f"S-{secrets.token_hex(3)}", business_today(),
        credits))
    run = start(journey, "share-register-daily", {"params": {"inbox": str(inbox)}})
    journey.stack.wait_completed(run)
    assert {status for *_, status in subscriptions(journey)} == {"issued"}
    assert journey.goto("/shares").status == 200
    journey.shot("shares-paid")
    certificates = journey.page.locator("a[href^='/shares/certificate/']")
    assert certificates.count() == len(owed)
    with journey.page.expect_download() as download:
        certificates.first.click()
    assert _size(download.value) > 0


def _size(download: Any) -> int:
    saved = download.path()
    return Path(saved).stat().st_size if saved else 0


def job_form() -> dict[str, str]:
    """A small job for a Belgian company, two days from ten days on (approved without staff)."""
    first = business_today() + timedelta(days=10)
    return {
        "client_kind": "company", "client_name": "Theater Arca",
        "client_enterprise_number": "0403.019.261", "client_vat_number": "BE0403019261",
        "client_street": "Sint-Pietersnieuwstraat 67", "client_postcode": "9000",
        "client_city": "Gent", "client_country": "BE", "client_email": "boeking@arca.example",
        "client_language": "nl", "function": "Grafisch ontwerper",
        "description": "Affiche voor de voorstelling",
        "work_days": f"{first:%d/%m/%Y}\n{first + timedelta(days=1):%d/%m/%Y}",
        "work_country": "BE", "work_city": "Gent", "amount": "800",
        "vat_regime": "standard_21", "office": "gent",
    }


def step_8_the_member_declares_a_job_that_is_approved(journey: Journey) -> None:
    assert_a_member(journey)
    assert journey.goto("/jobs/new").status == 200
    form = journey.page.locator("#job-form")
    fill_form(form, job_form())
    journey.shot("job-filled")
    journey.page.locator("#check-job").click()  # the checks first, nothing stored
    journey.page.wait_for_selector("#outcome")
    journey.shot("job-checked")
    journey.page.locator("#submit-job").click()
    journey.page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    run = newest_run(journey, "contract-approval")
    state = journey.stack.wait_for(run, lambda s: s.is_final() or s.is_paused(), "decided")
    if state.is_paused():  # a person reviews this one: anna approves in the Prefect UI
        staff = journey.staff("contract")
        staff.open_run(run)
        modal = staff.open_resume_form()
        staff.fill("Your staff login", "anna.peeters", within=modal)
        staff.choose("Decision", "approve", within=modal)
        staff.submit_resume_form(modal, code=journey.phones.code_function("anna.peeters"))
    journey.stack.wait_completed(run)
    journey.page.reload()
    journey.shot("job-approved")
    documents = journey.page.locator("#documents a[href*='/documents/']")
    assert documents.count() >= 1
    with journey.page.expect_download() as download:
        documents.first.click()
    assert _size(download.value) > 0


def step_9_the_member_downloads_their_documents(journey: Journey) -> None:
    assert_a_member(journey)
    assert journey.goto("/file").status == 200
    journey.shot("my-file")
    links = journey.page.locator("a[href^='/file/documents/']")
    assert links.count() >= 2  # at least the welcome letter and a share certificate
    for n in range(links.count()):
        with journey.page.expect_download() as download:
            links.nth(n).click()
        assert _size(download.value) > 0, download.value.suggested_filename


def test_erasure_asked_in_the_portal_is_decided_in_the_prefect_ui_resume_form(
        journey: Journey) -> None:
    """Two members ask; anna refuses the one who holds shares (the reason reaches them by
    e-mail) and erases the other (their personal data are gone)."""
    from e2e_portal_erasure import (
        ask_for_erasure_in_the_portal,
        decide_in_the_prefect_ui,
        decision_of,
        mail_to,
        member_after,
        new_member,
        waiting_run,
    )

    stack, shots = journey.stack, ARTIFACTS / "portal-erasure"
    shots.mkdir(parents=True, exist_ok=True)
    kept, kept_address = new_member(stack, "Lotte", shares_held=2)
    leaving, leaving_address = new_member(stack, "Wout", shares_held=0)
    for address in (kept_address, leaving_address):  # each in their own browser
        context = journey.page.context.browser.new_context(viewport={"width": 390, "height": 844})
        context.route("**/*", _only_loopback)
        ask_for_erasure_in_the_portal(context.new_page(), journey.portal,
                                      stack.sink.directory, address, shots)
        context.close()
    staff, code = journey.staff("erasure"), journey.phones.code_function("anna.peeters")
    reason = "Your shares are still held; resign them first, then ask again."
    refused, erased = waiting_run(stack, kept), waiting_run(stack, leaving)
    offered = decide_in_the_prefect_ui(staff, refused, code, "refuse", reason, shots)
    assert sorted(offered) == ["erase", "refuse"]
    decide_in_the_prefect_ui(staff, erased, code, "erase", "As asked in the portal.", shots)

    stack.wait_completed(refused)
    told = mail_to(stack.sink.directory, kept_address, "resign them first")
    assert "Lotte" in str(told.get_body(("plain",)).get_content())
    assert member_after(stack, kept).status == "active"
    assert decision_of(stack, kept) == ("refuse", reason)
    stack.wait_completed(erased)
    gone = member_after(stack, leaving)
    assert gone.status == "erased" and gone.email is None and "Wout" not in gone.name
    assert (gone.street, gone.postcode, gone.city) == ("", "", "")


def test_a_person_goes_all_the_way_through_the_portal(journey: Journey) -> None:
    """One test, the steps in order (a test runner never splits or reorders a person's way)."""
    for step in (
        step_1_an_applicant_signs_in_with_the_emailed_link,
        step_2_the_applicant_applies_and_the_application_waits_for_staff,
        step_3_staff_ask_for_information_in_the_prefect_ui,
        step_4_the_applicant_answers_in_the_portal,
        step_5_staff_approve_and_the_applicant_is_a_member,
        step_6_the_member_subscribes_to_more_shares,
        step_7_the_member_pays_through_a_bank_statement,
        step_8_the_member_declares_a_job_that_is_approved,
        step_9_the_member_downloads_their_documents,
    ):
        step(journey)
