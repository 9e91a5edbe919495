"""Erasure requests end to end: a member asks in the portal (Chromium), a register keeper
answers the waiting `member-erasure` run in the Prefect UI's resume form (the dropdown, the
reason, the one-time code), and the outcome is checked where it lands: the refusal e-mail in
the SMTP sink, or the member's personal data gone as the flow erases them."""

from __future__ import annotations

import email
import re
import secrets
import shutil
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

from e2e_stack import Stack

from governance.clock import brussels_date, utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import erasure_requests, members
from governance.register.use_cases import share_payments, shares

LINK = re.compile(r"https?://\S+/link/[A-Za-z0-9_-]+")


def new_member(stack: Stack, first_name: str, shares_held: int) -> tuple[int, str]:
    """An active member of the stack's cooperative (English letters); returns id and address."""
    address = f"{first_name.lower()}.{secrets.token_hex(3)}@example.org"
    facts = MemberFacts(
        kind=MemberKind.PERSON,
        first_name=first_name,
        last_name="Verhaegen",
        language=Language.EN,
        office=Office.GENT,
        email=address,
        street="Kouter 7",
        postcode="9000",
        city="Gent",
    )
    with UnitOfWork(stack.settings) as uow:
        view = members.create_member(uow.session, facts, Actor.system("test"), MemberStatus.ACTIVE)
        uow.commit()
    if shares_held:
        now = utcnow()
        with UnitOfWork(stack.settings) as uow:
            sub = shares.subscribe(uow.session, member_id=view.id, share_class="A",
                                   shares=shares_held, actor=Actor.staff("anna"), now=now)
            share_payments.record_payment(uow.session, subscription_id=sub.id,
                                  amount_cents=sub.amount_cents, paid_on=brussels_date(now),
                                  actor=Actor.staff("anna"), bank_reference=f"E{view.id}")
            uow.commit()
    return view.id, address


def mail_to(sink: Path, address: str, contains: str = "", timeout: float = 120) -> EmailMessage:
    """The newest message to `address` (whose plain text contains `contains`), read from the
    sink's .eml files as they arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(sink.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            if address in str(message["To"]) and contains in plain_text(message):
                return message
        time.sleep(0.5)
    raise AssertionError(f"no message to {address} containing {contains!r}")


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    return str(body.get_content()) if body else ""


def ask_for_erasure_in_the_portal(page: Any, portal: str, sink: Path, address: str,
                                  shots: Path) -> None:
    """Sign in with the e-mailed link, open "My file", press the erasure button."""
    page.goto(f"{portal}/?lang=en")
    page.locator("#email").fill(address)
    page.locator("#send-link").click()
    page.wait_for_selector("p.ok[role=status]")
    link = LINK.search(plain_text(mail_to(sink, address, "/link/")))
    assert link, f"no sign-in link for {address}"
    page.goto(link.group(0))
    page.locator("#use-link").click()
    page.wait_for_url(f"{portal}/me")
    page.goto(f"{portal}/file")
    page.locator("#ask-erasure").click()
    page.wait_for_url(re.compile(r".*/file\?saved=erasure.*"))
    assert page.locator("#erasure-status").is_visible()
    page.screenshot(path=str(shots / f"portal-asked-{address.split('.')[0]}.png"), full_page=True)


def waiting_run(stack: Stack, member_id: int, timeout: float = 240) -> UUID:
    """The run the portal started for the member's request, once its resume form is saved."""
    deadline = time.monotonic() + timeout
    while True:
        with UnitOfWork(stack.settings) as uow:
            asked = erasure_requests.latest_request(uow, member_id)
        if asked is not None and asked.flow_run_id:
            run_id = UUID(asked.flow_run_id)
            stack.wait_for_decision_form(run_id)
            return run_id
        assert time.monotonic() < deadline, f"no erasure run for member {member_id}"
        time.sleep(1)


def decide_in_the_prefect_ui(staff: Any, run_id: UUID, code: Any, verdict: str,
                             reason: str, shots: Path) -> list[str]:
    """anna.peeters opens the waiting run, picks the verdict, types the reason, submits;
    returns the verdicts the dropdown offered. The filled form is kept under `shots`."""
    staff.open_run(run_id)
    form = staff.open_resume_form()
    form.get_by_text("Erasure request (GDPR art. 17)").first.wait_for(timeout=60_000)
    staff.fill("Your staff login", "anna.peeters", within=form)
    offered = staff.choose("Decision", verdict, within=form)
    staff.fill("Reason for the member", reason, within=form)
    name = f"erasure-{verdict}-filled"
    staff.submit_resume_form(form, code=code, shot=name)
    [filled] = staff.shots.glob(f"*-{name}.png")
    shutil.copyfile(filled, shots / f"resume-form-{verdict}.png")
    return [str(o) for o in offered]


def member_after(stack: Stack, member_id: int) -> members.MemberView:
    with UnitOfWork(stack.settings) as uow:
        return members.get_member(uow.session, member_id)


def decision_of(stack: Stack, member_id: int) -> tuple[str | None, str]:
    """The verdict and reason recorded on the member's latest request."""
    with UnitOfWork(stack.settings) as uow:
        asked = erasure_requests.latest_request(uow, member_id)
    assert asked is not None
    return asked.verdict, asked.reason
