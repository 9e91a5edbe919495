"""Staff finish each process by clicking in the Prefect UI, as a person does: the deployment's
form filled field by field (found by their labels), options picked from the dropdowns, the
resume form filled and submitted in the page; then the outcome is checked in the database and
in the mail sink. Nothing is started or resumed through the API here (the API is only read, to
know when the run waits). Screenshots of every step: var/screenshots/<test>/NN-step.png.

One real server + worker (tests/e2e/e2e_stack.py) serves every test of the module.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from e2e_cases import stack_mails
from e2e_stack import Stack, running_stack
from sqlalchemy import select
from staff_kit import Authenticators, enrol_staff
from staff_ui import StaffUI

from governance.clock import business_today, utcnow
from governance.db.models import DecisionRequest, Member
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import StaffRole

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e-staff-ui"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("staff-ui")) as running:
        yield running


@pytest.fixture(scope="module")
def phones(stack: Stack) -> Authenticators:
    """The staff of these tests, registered with the roles their decisions need and enrolled:
    the two four-eyes approvers are two different people."""
    return enrol_staff({
        "anna.peeters": (StaffRole.ONBOARDING_REVIEWER, StaffRole.CONTRACT_APPROVER,
                         StaffRole.REGISTER_KEEPER),
        "jan.claes": (StaffRole.CONTRACT_APPROVER,),
        "board.secretary": (StaffRole.BOARD_MEMBER,),
    }, settings=stack.settings)


@pytest.fixture
def staff(stack: Stack, request: pytest.FixtureRequest) -> Iterator[StaffUI]:
    from ui_browser import browser_page

    with browser_page(CHROMIUM, height=1000) as page:
        yield StaffUI(page, stack.ui_url, request.node.name)


def waiting(
        stack: Stack, run_id: UUID, after: str | None = None, refused_ok: bool = False
) -> dict[str, Any]:
    """Wait until the run waits for staff (on a new question when `after` is the last key).
    A verification refusal (`<key>-code-N`) is a new question too: `refused_ok` says whether
    the test expects one, else the test fails with the refusal the run gave."""
    deadline = time.monotonic() + 300
    while True:
        form = stack.wait_for_decision_form(run_id)
        key = str(form["state"].state_details.pause_key)
        if key != after:
            form["key"] = key
            asked_again = after and re.match(rf"{re.escape(_root(after))}-(code|again)-\d", key)
            if asked_again and not refused_ok:
                raise AssertionError(f"the answer was not recorded: {form['question']}")
            return form
        assert time.monotonic() < deadline, f"run {run_id} still on question {key}"
        time.sleep(1)


def _root(pause_key: str) -> str:
    """The question's own key, without the suffixes of the times it was asked again."""
    return re.split(r"-(?:code|again)-\d", pause_key)[0]


# --- member-onboarding, with the staff review ---------------------------------------------


def test_staff_onboard_an_applicant_through_the_review_form(
        stack: Stack, staff: StaffUI, phones: Authenticators) -> None:
    address = f"zoe.wouters.{secrets.token_hex(3)}@example.org"
    staff.open_form("member-onboarding")
    staff.shot("empty-form")
    staff.fill("Your staff login", "anna.peeters")
    assert staff.choose("Applicant", "person") == ["person", "company"]
    staff.fill("First name", "Zoë")
    staff.fill("Last name", "Wouters-UI")
    staff.fill("Birth date", "30/07/1985")  # no national number: a person must review
    staff.fill("E-mail", address)
    staff.fill("Phone", "+32 2 542 10 80")
    staff.fill("Street and number", "Rue Coenraets 72")
    staff.fill("Postcode", "1060")
    staff.fill("City", "Saint-Gilles")
    assert staff.choose("Language", "nl") == ["fr", "nl", "de", "en"]
    staff.choose("Office", "bruxelles")
    staff.fill("IBAN", "BE48 3200 7018 4927")
    staff.fill("Number of shares", "2")
    for consent in ("Privacy policy accepted at", "Internal rules accepted at",
                    "Risk of share capital acknowledged at"):
        staff.fill(consent, "20/11/2026 09:30")
    staff.shot("filled-form", full_page=True)
    run_id = staff.submit_form()

    first = waiting(stack, run_id)
    assert "no national or BIS number was given" in first["question"]
    staff.open_run(run_id)
    assert "onboarding · application" in staff.run_title("onboarding · application")
    staff.open_artifacts()
    staff.page.get_by_text("question-onboarding").first.wait_for(timeout=60_000)
    staff.shot("question-as-artifact")

    # A login typed wrongly is refused in words, and the same run asks again.
    staff.open_run(run_id)
    form = staff.open_resume_form()
    staff.page.get_by_text("Why a person must decide").first.wait_for()
    staff.fill("Your staff login", "Anna Peeters", within=form)
    assert staff.choose("Decision", "approve", within=form) == [
        "approve", "reject", "ask the applicant for information"]
    staff.fill("Reason, question or note", "Identity seen at the counter", within=form)
    staff.submit_resume_form(
        form, code=phones.code_function("anna.peeters"), shot="resume-form-wrong-login")

    again = waiting(stack, run_id, after=first["key"], refused_ok=True)
    assert "Not accepted" in again["question"] and "lower case" in again["question"]
    staff.open_run(run_id)
    form = staff.open_resume_form()
    form.get_by_text("Not accepted").first.wait_for()
    staff.fill("Your staff login", "anna.peeters", within=form)
    staff.choose("Decision", "approve", within=form)
    staff.fill("Reason, question or note", "Identity seen at the counter", within=form)
    staff.submit_resume_form(
        form, code=phones.code_function("anna.peeters"), shot="resume-form-explained-and-filled")

    state = stack.wait_completed(run_id)
    staff.open_run(run_id)
    staff.shot("run-completed")
    assert state.is_completed()
    from governance.db.models.onboarding import Application

    with UnitOfWork(stack.settings) as uow:
        app = uow.session.scalars(
            select(Application).where(Application.email == address)).one()
        assert (str(app.status), app.decided_by) == ("admitted", "anna.peeters")
        member = uow.session.get(Member, app.member_id)
        assert member is not None and str(member.language) == "nl"
        request = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.key == f"onboarding:{app.id}:review:1")).one()
        assert (request.status, request.decided_by) == ("decided", "anna.peeters")
    mails = [m for m in stack_mails(stack) if m["To"] == address]
    assert mails, "the welcome e-mail reached the applicant"


def test_a_refused_application_is_corrected_in_its_form_filled_again(
        stack: Stack, staff: StaffUI) -> None:
    """Staff mistype the IBAN: the run explains it on its page, and its link opens the form
    filled with what they typed (the national number left out); they correct the IBAN only."""
    address = f"lotte.maes.{secrets.token_hex(3)}@example.org"
    staff.open_form("member-onboarding")
    staff.fill("Your staff login", "anna.peeters")
    staff.choose("Applicant", "person")
    staff.fill("First name", "Lotte")
    staff.fill("Last name", "Maes-UI")
    staff.fill("Birth date", "12/03/1990")
    staff.fill("National or BIS number", "90.03.12-002.94")
    staff.fill("E-mail", address)
    staff.fill("Street and number", "Veldstraat 1")
    staff.fill("Postcode", "9000")
    staff.fill("City", "Gent")
    staff.choose("Language", "nl")
    staff.choose("Office", "gent")
    staff.fill("IBAN", "BE48 3200 7018 4928")  # one check digit off
    staff.fill("Number of shares", "1")
    for consent in ("Privacy policy accepted at", "Internal rules accepted at",
                    "Risk of share capital acknowledged at"):
        staff.fill(consent, "20/11/2026 09:30")
    refused_run = staff.submit_form()
    state = stack.wait_for(refused_run, lambda s: s.is_final(), "refused", timeout=240)
    assert state.is_failed() and "IBAN" in str(state.message)

    staff.open_run(refused_run)
    staff.open_artifacts()
    staff.page.get_by_text("refused-input").first.click(timeout=60_000)
    staff.page.get_by_text("wrong check digit").first.wait_for(timeout=60_000)
    staff.shot("refusal-explained")
    link = staff.page.get_by_role("link", name="Correct the form and start again")
    staff.page.goto(str(link.get_attribute("href")))  # the UI opens artifact links in a new tab
    staff._wait_for_app()
    staff.page.get_by_text("Parameters", exact=True).first.wait_for(timeout=60_000)
    filled = {label: staff.field(label).locator("textarea, input").first.input_value()
              for label in ("Last name", "Birth date", "IBAN", "National or BIS number")}
    assert filled == {"Last name": "Maes-UI", "Birth date": "12/03/1990",
                      "IBAN": "BE48 3200 7018 4928", "National or BIS number": ""}
    staff.shot("form-filled-again", full_page=True)
    staff.fill("IBAN", "BE48 3200 7018 4927")
    staff.fill("National or BIS number", "90.03.12-002.94")  # typed again: never kept
    run_id = staff.submit_form()

    assert stack.wait_completed(run_id).is_completed()  # all checks pass: admitted
    from governance.db.models.onboarding import Application

    with UnitOfWork(stack.settings) as uow:
        app = uow.session.scalars(
            select(Application).where(Application.email == address)).one()
        assert (app.last_name, app.iban.replace(" ", "")) == ("Maes-UI", "BE48320070184927")
        assert str(app.status) == "admitted"


# --- share-transfer, with the board's approval ---------------------------------------------


def _member(stack: Stack, name: str, shares_held: int = 0) -> int:
    """A member (with paid shares when asked): the situation staff find, set up by services."""

    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
    from governance.members.rules.members import MemberFacts
    from governance.members.use_cases import members
    from governance.register.use_cases import share_payments, shares

    tag = secrets.token_hex(3)
    with UnitOfWork(stack.settings) as uow:
        member_id = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name=name, last_name=f"Peeters {tag}",
            language=Language.FR, office=Office.BRUXELLES, email=f"{name.lower()}.{tag}@example.org",
            street="Rue Haute 1", postcode="1000", city="Bruxelles"), Actor.system("e2e"),
            MemberStatus.ACTIVE).id
        if shares_held:
            now = utcnow()
            sub = shares.subscribe(uow.session, member_id=member_id, share_class="A",
                                   shares=shares_held, actor=Actor.staff("anna"), now=now)
            share_payments.record_payment(uow.session, subscription_id=sub.id,
                                  amount_cents=sub.amount_cents, paid_on=now.date(),
                                  actor=Actor.staff("anna"), bank_reference=f"E2E{member_id}")
        uow.commit()
    return member_id


def test_staff_transfer_shares_once_the_board_approves_in_the_form(
        stack: Stack, staff: StaffUI, phones: Authenticators) -> None:

    from governance.register.use_cases import shares

    giver, receiver = _member(stack, "Lotte", shares_held=2), _member(stack, "Hugo")
    deed = f"deed-{secrets.token_hex(3)}"
    staff.open_form("share-transfer")
    staff.fill("Giver", str(giver))
    staff.fill("Receiver", str(receiver))
    staff.fill("Number of shares", "1")
    staff.fill("Transfer date", business_today().strftime("%d/%m/%Y"))
    staff.fill("Request key", deed)
    staff.shot("filled-form", full_page=True)
    run_id = staff.submit_form()

    asked = waiting(stack, run_id)
    assert f"Share transfer {deed}" in asked["question"]
    staff.open_run(run_id)
    form = staff.open_resume_form()
    staff.fill("Your login (board member)", "board.secretary", within=form)
    assert staff.choose("Board decision", "approved", within=form) == ["approved", "refused"]
    staff.fill("Minutes reference or reason", "Board minutes 2026-12", within=form)
    staff.submit_resume_form(
        form, code=phones.code_function("board.secretary"), shot="board-approval-form")

    stack.wait_completed(run_id)
    staff.open_run(run_id)
    staff.shot("run-completed")
    with UnitOfWork(stack.settings) as uow:
        held = {h.member_id: h.shares
                for h in shares.holdings_as_at(uow.session, business_today())}
    assert (held.get(giver), held.get(receiver)) == (1, 1)
    with UnitOfWork(stack.settings) as uow:
        addresses = {m.email for m in uow.session.scalars(
            select(Member).where(Member.id.in_([giver, receiver])))}
    told = {m["To"] for m in stack_mails(stack) if "Cession" in str(m["Subject"])}
    assert addresses <= told, "both holders are told, with their certificates"


# --- contract-approval, four eyes: two different staff logins ------------------------------


def test_two_staff_members_approve_a_large_contract_in_the_form(
        stack: Stack, staff: StaffUI, phones: Authenticators) -> None:
    from datetime import timedelta

    from governance.db.models.contracts import Declaration

    member_id = _member(stack, "Wouter", shares_held=1)
    first = business_today() + timedelta(days=10)
    days = [(first + timedelta(days=i)).strftime("%d/%m/%Y") for i in range(3)]
    client_mail = f"booking.{secrets.token_hex(3)}@nomade.example"
    staff.open_form("contract-approval")
    staff.fill("Member", str(member_id))
    client = staff.field("Client")
    assert "person" in staff.choose("Client kind", "company", within=client)
    staff.fill("Client name", "Théâtre Nomade", within=client)
    staff.fill("Enterprise number (BCE/KBO)", "0403.019.261", within=client)
    staff.fill("VAT number", "BE0403019261", within=client)
    staff.fill("Street and number", "Rue Haute 5", within=client)
    staff.fill("Postcode", "1000", within=client)
    staff.fill("City", "Bruxelles", within=client)
    staff.fill("Contact e-mail", client_mail, within=client)
    staff.fill("Function", "Sound engineer")
    worked = staff.field("Days worked")
    for n, day in enumerate(days):
        worked.get_by_role("button", name="Add item").click()
        worked.locator("textarea, input").nth(n).fill(day)
    staff.fill("City of work", "Gent")
    staff.fill("Amount excl. VAT (cents)", "1200000")  # €12,000: four eyes
    staff.choose("Office", "gent")
    staff.fill("Entered by", "anna.peeters")
    staff.shot("filled-form", full_page=True)
    run_id = staff.submit_form()

    asked, after = None, None
    for login in ("anna.peeters", "jan.claes"):
        asked = waiting(stack, run_id, after=after)
        after = asked["key"]
        staff.open_run(run_id)
        form = staff.open_resume_form()
        staff.fill("Your staff login", login, within=form)
        offered = staff.choose("Decision", "approve", within=form)
        assert offered == ["approve", "reject", "ask the member to correct it"]
        staff.submit_resume_form(
            form, code=phones.code_function(login), shot=f"approval-by-{login}")

    stack.wait_completed(run_id)
    staff.open_run(run_id)
    assert "contract · declaration" in staff.run_title("contract · declaration")
    staff.shot("run-completed")
    with UnitOfWork(stack.settings) as uow:
        declaration = uow.session.scalars(
            select(Declaration).where(Declaration.member_id == member_id)).one()
        assert str(declaration.status) == "approved"
        deciders = {r.decided_by for r in uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.subject_type == "contract",
            DecisionRequest.subject_id == str(declaration.id)))}
    assert {"anna.peeters", "jan.claes"} <= deciders
    assert [m for m in stack_mails(stack) if m["To"] == client_mail], "the client is e-mailed"


# --- share-payment-review: a payment the bank import held ----------------------------------


def test_staff_apply_a_held_over_payment_in_the_review_form(
        stack: Stack, staff: StaffUI, phones: Authenticators) -> None:

    from governance.db.models import SharePayment, ShareSubscription
    from governance.kernel.rules.actor import Actor
    from governance.register.use_cases import share_payments, shares

    member_id = _member(stack, "Griet")
    now = utcnow()
    with UnitOfWork(stack.settings) as uow:  # 2 shares (60 EUR) paid 90 EUR: held
        sub = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=2,
                               actor=Actor.staff("anna"), now=now)
        held = share_payments.record_payment(uow.session, subscription_id=sub.id, amount_cents=9000,
                                     paid_on=now.date(), actor=Actor.staff("anna"),
                                     bank_reference=f"OVER-{member_id}")
        uow.commit()
    assert held.match == "over"
    staff.open_form("share-payment-review")
    staff.fill("Payment", str(held.payment_id))
    staff.shot("filled-form")
    run_id = staff.submit_form()

    asked = waiting(stack, run_id)
    assert f"Held payment {held.payment_id}" in asked["question"]
    staff.open_run(run_id)
    assert f"held payment {held.payment_id}" in staff.run_title("held payment")
    form = staff.open_resume_form()
    staff.fill("Your staff login", "anna.peeters", within=form)
    assert staff.choose("Decision", "apply", within=form) == ["apply", "refund"]
    staff.submit_resume_form(
        form, code=phones.code_function("anna.peeters"), shot="review-form")

    stack.wait_completed(run_id)
    staff.open_run(run_id)
    staff.shot("run-completed")
    with UnitOfWork(stack.settings) as uow:
        payment = uow.session.get(SharePayment, held.payment_id)
        subscription = uow.session.get(ShareSubscription, sub.id)
        assert payment is not None and subscription is not None
        assert str(subscription.status) == "issued", subscription.status
        email = uow.session.get(Member, member_id).email  # type: ignore[union-attr]
    assert [m for m in stack_mails(stack) if m["To"] == email], "the certificate is e-mailed"


# --- grant-awarding: the board's decision ---------------------------------------------------


def test_the_board_approves_the_grant_awards_in_the_form(
        stack: Stack, staff: StaffUI, phones: Authenticators,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    from datetime import timedelta

    from governance.grants.use_cases import grant_awards, grant_reviews, grants

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grants"))
    from grants_testkit import T0, add_reviewers, apply, make_call, make_members, score_all

    # The call as staff find it on the board's day: closed, screened, reviewed and scored.
    monkeypatch.setattr("governance.db.uow.get_settings", lambda: stack.settings)
    applicants = make_members(2)
    call_id = make_call(budget_cents=100_000)
    refs = [apply(call_id, m, 50_000, minutes=i, account=i) for i, m in enumerate(applicants)]
    add_reviewers(call_id, ["ann", "bob"])
    with UnitOfWork(stack.settings) as uow:
        grants.screen_call(uow, call_id, T0 + timedelta(hours=1))
    with UnitOfWork(stack.settings) as uow:
        grant_reviews.assign_reviewers(uow, call_id, T0 + timedelta(hours=1))
    score_all(call_id, {r: {"quality": 8, "impact": 5} for r in refs}, T0)

    staff.open_form("grant-awarding")
    staff.fill("Grant call", str(call_id))
    staff.fill("Clock", "03/03/2027 10:00")
    staff.shot("filled-form")
    run_id = staff.submit_form()

    board = waiting(stack, run_id)
    assert "Approve the awards" in board["question"]
    staff.open_run(run_id)
    form = staff.open_resume_form()
    staff.fill("Your login (board member)", "board.secretary", within=form)
    staff.fill("Minutes reference or note", "Board minutes 7", within=form)
    staff.submit_resume_form(
        form, code=phones.code_function("board.secretary"), shot="board-form")

    waiting(stack, run_id, after=board["key"])  # now the grantees' reports are awaited
    staff.open_run(run_id)
    staff.shot("waiting-for-reports")
    with UnitOfWork(stack.settings) as uow:
        decided = uow.decisions.find(grant_awards.board_key(call_id))
        assert decided is not None and decided.decided_by == "board.secretary"
        addresses = {m.email for m in uow.session.scalars(
            select(Member).where(Member.id.in_(applicants)))}
    told = {m["To"] for m in stack_mails(stack)}
    assert addresses <= told, "each grantee receives the award letter"


# --- bank-statement-upload: a statement pasted into the form --------------------------------


def test_staff_paste_a_bank_statement_and_the_payment_is_recorded(
        stack: Stack, staff: StaffUI) -> None:
    """The statement as the bank exported it, pasted whole into the form's text box; the run
    keeps it in the database and the exact payment issues the member's share."""
    import shutil

    from e2e_stack import ARTIFACTS

    from governance.db.models import BankStatement, SharePayment
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
    from governance.members.rules.members import MemberFacts
    from governance.members.use_cases import members
    from governance.register.use_cases import shares
    from seeding.camt import Credit, statement_xml

    with UnitOfWork(stack.settings) as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Ines", last_name="Statement-UI",
            language=Language.FR, office=Office.BRUXELLES, email="ines.ui@example.org",
            street="Rue Haute 1", postcode="1000", city="Bruxelles",
        ), Actor.system("test"), MemberStatus.ACTIVE)
        sub = shares.subscribe(uow.session, member_id=member.id, share_class="A", shares=1,
                               actor=Actor.system("test"), now=utcnow())
        uow.commit()
    digits = "".join(ch for ch in sub.structured_communication if ch.isdigit())
    exported = statement_xml(stack.settings.coop_iban, "UI-STMT-1", business_today(), [
        Credit(sub.amount_cents, "Ines Statement", "BE05068123456775", "UI-BANK-1",
               structured=digits)]).decode()

    staff.open_form("bank-statement-upload")
    staff.fill("Bank statement (camt.053 XML)", exported)
    staff.shot("statement-pasted", full_page=True)
    run_id = staff.submit_form()
    state = stack.wait_completed(run_id)
    assert state.is_completed() and "UI-STMT-1 kept (1 entry)" in str(state.message)
    staff.open_run(run_id)
    staff.page.get_by_text("Completed").first.wait_for(timeout=60_000)
    picture = staff.shot("statement-imported")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(picture, ARTIFACTS / "bank-statement-upload.png")

    with UnitOfWork(stack.settings) as uow:
        payment = uow.session.scalars(select(SharePayment).where(
            SharePayment.subscription_id == sub.id)).one()
        assert (payment.amount_cents, str(payment.status)) == (sub.amount_cents, "applied")
        assert shares.get_subscription(uow.session, sub.id).status == "issued"
        kept = uow.session.scalars(select(BankStatement).where(
            BankStatement.statement_ids == "UI-STMT-1")).one()
        assert kept.source == "upload" and kept.imported_at is not None
