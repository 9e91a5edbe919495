"""Staff run a general assembly and the transition campaign from the Prefect UI, clicking.

On a real server + worker (one stack for this module) and Chromium: the assembly-creation form
filled by its labels, choices taken from its dropdowns, an agenda item added per resolution;
then the assembly-convening and assembly-closing forms, and the transition-campaign form. The
outcome is read in the cooperative's database and the mail sink. No API shortcut starts or
resumes a run here: the API only reads where a run stands. Screenshots of every step go to
var/screenshots/<test>/.
"""

from __future__ import annotations

import csv
import email
import io
from collections.abc import Iterator
from datetime import date, timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest
from e2e_stack import ROOT, Stack, running_stack
from sqlalchemy import func, select
from staff_kit import Authenticators, enrol_staff
from staff_ui import StaffUI
from ui_browser import browser_page
from ui_forms import Shots, add_item, choose, fill, open_run_form, submit, switch

from governance.db.models import Document, Member
from governance.db.models.assembly import Assembly, AssemblyVoter
from governance.db.repositories import register
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.staff import StaffRole
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.rules.register import EntryKind
from governance.register.use_cases.shares import brussels_today

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e-assembly-ui"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
SHAREHOLDERS = [
    ("Amélie", "Dubois", Language.FR, Office.BRUXELLES),
    ("Pieter", "Claes", Language.NL, Office.GENT),
    ("Jürgen", "Heinen", Language.DE, Office.EUPEN),
    ("Sarah", "Okafor", Language.EN, Office.BRUXELLES),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("e2e-assembly-ui")) as running:
        yield running


def mails(stack: Stack) -> list[Any]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(stack.sink.directory.glob("*.eml"))]


def seed_shareholders(stack: Stack, tag: str) -> list[int]:
    """Members with one paid share each, issued a year ago (they vote at any record date)."""
    issued_on = brussels_today() - timedelta(days=365)
    with UnitOfWork(stack.settings) as uow:
        ids = [
            members.create_member(uow.session, MemberFacts(
                kind=MemberKind.PERSON, first_name=first, last_name=last, language=language,
                office=office, email=f"{last.lower()}.{tag}@example.org",
                street="Rue Haute 12", postcode="1000", city="Bruxelles"),
                Actor.system("e2e"), MemberStatus.ACTIVE).id
            for first, last, language, office in SHAREHOLDERS
        ]
        head = register.lock_head(uow.session)
        register.append(uow.session, head, [
            register.NewEntry(EntryKind.ISSUE, issued_on, member_id, "A", 1, amount_cents=3000)
            for member_id in ids])
        uow.commit()
    return ids


AGENDA = [
    ("R1", "ordinary resolution (simple majority)",
     ("Approbation des comptes", "Goedkeuring van de jaarrekening",
      "Genehmigung des Jahresabschlusses", "Approval of the accounts"), 0, ""),
    ("R2", "statute amendment (3/4 of the votes)",
     ("Modification de l'article 12", "Wijziging van artikel 12", "Änderung von Artikel 12",
      "Amendment of article 12"), 0, ""),
    ("E1", "election (seats and candidates)",
     ("Élection au conseil", "Verkiezing van de raad", "Wahl des Verwaltungsrats",
      "Election to the board"), 2, "Amélie Dubois, Pieter Claes, Jürgen Heinen"),
]
LANGUAGES = ("French", "Dutch", "German", "English")


def fill_assembly_form(page: Any, shots: Shots, title: str, meeting: date) -> list[str]:
    """The assembly-creation form as a staff member fills it; returns the dropdown's choices."""
    form = page.locator("form, main").first
    fill(form, "Title", title)
    kinds = choose(page, form, "Kind of assembly", "ordinary")
    fill(form, "Meeting day", meeting.isoformat())
    fill(form, "Meeting time", "14:00")
    fill(form, "Place", "Rue Coenraets 72, 1060 Saint-Gilles")
    fill(form, "Online meeting link", "https://meet.example.org/ag")
    fill(form, "Record date", brussels_today().isoformat())
    shots.take(page, "assembly-form-top")
    for code, kind, titles, seats, candidates in AGENDA:
        item = add_item(form, "Agenda")
        fill(item, "Item number", code)
        decision_kinds = choose(page, item, "Kind of decision", kind)
        for language, text in zip(LANGUAGES, titles, strict=True):
            fill(item, f"Title in {language}", text)
            fill(item, f"Proposed text in {language}", f"{text}: texte proposé / {code}")
        if seats:
            fill(item, "Seats to fill", str(seats))
            fill(item, "Candidates", candidates)
    fill(form, "Started by", "anna.peeters")
    shots.take(page, "assembly-form-agenda")
    return [*kinds, *decision_kinds]


@pytest.fixture(scope="module")
def phones(stack: Stack) -> Authenticators:
    """The board member who may close the vote before its window ends, enrolled."""
    return enrol_staff({"board.secretary": (StaffRole.BOARD_MEMBER,)}, settings=stack.settings)


def test_staff_create_convene_and_close_an_assembly_in_the_ui(
        stack: Stack, phones: Authenticators) -> None:
    shareholders = seed_shareholders(stack, "ga")
    shots = Shots(ROOT, "assembly-create-convene-close")
    title = f"AG {brussels_today().year + 1}"
    meeting = brussels_today() + timedelta(days=20)
    with browser_page(CHROMIUM, height=1000) as page:
        # 1. Create the assembly from its form.
        open_run_form(page, stack.ui_url, "assembly-creation")
        shots.take(page, "assembly-form-empty")
        choices = fill_assembly_form(page, shots, title, meeting)
        assert {"ordinary", "extraordinary", "mixed"} <= set(choices)
        assert "change of purpose (4/5 of the votes)" in choices
        created = submit(page)
        state = stack.wait_completed(created)
        page.reload(wait_until="networkidle")
        page.get_by_text(f"assembly · {title}").first.wait_for(timeout=60_000)
        shots.take(page, "assembly-created-run")
        assert "created" in (state.message or "")
        with UnitOfWork(stack.settings) as uow:
            assembly = uow.session.scalars(select(Assembly).where(Assembly.title == title)).one()
            assembly_id = assembly.id
            assert assembly.online_link == "https://meet.example.org/ag"

        # 2. Convene it from the convening form.
        open_run_form(page, stack.ui_url, "assembly-convening")
        form = page.locator("form, main").first
        fill(form, "Assembly", str(assembly_id))
        fill(form, "Started by", "anna.peeters")
        shots.take(page, "convening-form")
        convening = submit(page)
        stack.wait_completed(convening, timeout=600)
        shots.take(page, "convening-run")
        with UnitOfWork(stack.settings) as uow:
            voters = uow.session.scalar(select(func.count()).select_from(AssemblyVoter).where(
                AssemblyVoter.assembly_id == assembly_id))
        assert voters == len(shareholders)
        with UnitOfWork(stack.settings) as uow:
            emails = {uow.session.get_one(Member, m).email for m in shareholders}
        # members read the assembly's name in their language, not the title staff typed
        convocations = [m for m in mails(stack) if m["To"] in emails]
        assert len(convocations) == len(shareholders)
        subjects = [str(m["Subject"]) for m in convocations]
        assert {s.split(":")[0].strip() for s in subjects} == {
            "Convocation", "Oproeping", "Einberufung", "Notice of meeting"}, subjects
        assert not [s for s in subjects if title in s], subjects

        # 3. Close it (before the window ends: a staff decision) from the closing form.
        open_run_form(page, stack.ui_url, "assembly-closing")
        form = page.locator("form, main").first
        fill(form, ("Assembly", "assembly_id"), str(assembly_id))
        switch(form, ("Close before the window ends", "close_early"))
        fill(form, ("Started by", "staff"), "anna.peeters")
        shots.take(page, "closing-form")
        closing = submit(page)
        # The vote is still open: a board member decides it in the run's resume form.
        asked = stack.wait_for_decision_form(closing)
        assert "close" in asked["question"].lower()
        staff = StaffUI(page, stack.ui_url, "test_staff_create_convene_and_close_an_assembly")
        staff.open_run(closing)
        resume = staff.open_resume_form()
        staff.fill("Your staff login", "board.secretary", within=resume)
        staff.fill("Reason", "Every shareholder has voted", within=resume)
        staff.submit_resume_form(
            resume, code=phones.code_function("board.secretary"), shot="early-close-form"
        )
        stack.wait_completed(closing, timeout=600)
        shots.take(page, "closing-run")
    with UnitOfWork(stack.settings) as uow:
        minutes = uow.session.scalars(select(Document).where(
            Document.template == "assembly_minutes")).all()
    assert minutes, "no minutes drafted"
    results = [m for m in mails(stack) if m not in convocations and m["To"] in emails]
    assert {m["To"] for m in results} == emails


def test_staff_start_the_transition_campaign_from_its_form(stack: Stack) -> None:
    from governance.db.models.transition import TransitionCampaign
    from governance.members.use_cases.member_import import import_members
    from seeding.transition import members_csv

    text = members_csv(6, without_email_every=5, seed=4242)  # the 4th has no e-mail: by post
    with UnitOfWork(stack.settings) as uow:
        import_members(uow, text, actor=Actor.staff("anna"))
    rows = list(csv.DictReader(io.StringIO(text)))
    addresses = {row["email"] for row in rows} - {""}
    [by_post] = [f"{row['first_name']} {row['last_name']}" for row in rows if not row["email"]]
    shots = Shots(ROOT, "transition-campaign")
    name = f"Transition {brussels_today().year + 1}"
    with browser_page(CHROMIUM, height=1000) as page:
        open_run_form(page, stack.ui_url, "transition-campaign")
        shots.take(page, "campaign-form-empty")
        form = page.locator("body")
        fill(form, "Campaign name", name)
        # dates are typed as on paper (the form says so), not picked from the calendar
        fill(form, "Payment deadline", f"{brussels_today() + timedelta(days=30):%d/%m/%Y}")
        fill(form, "Restriction date", f"{brussels_today() + timedelta(days=60):%d/%m/%Y}")
        fill(form, "Started by", "anna.peeters")
        shots.take(page, "campaign-form-filled")
        run_id = submit(page)
        stack.wait_completed(run_id, timeout=600)
        page.reload(wait_until="networkidle")
        shots.take(page, "campaign-run")
    with UnitOfWork(stack.settings) as uow:
        campaign = uow.session.scalars(
            select(TransitionCampaign).where(TransitionCampaign.name == name)).one()
        assert campaign.deadline == brussels_today() + timedelta(days=30)
        assert campaign.created_by == "anna.peeters"
        campaign_id = campaign.id
    invited = {str(m["To"]) for m in mails(stack) if str(m["To"]) in addresses}
    assert invited == addresses and len(addresses) == 5
    postal = stack.settings.resolved_archive_dir() / "transition" / str(campaign_id) / "postal"
    letters = list(postal.glob("invitations-*.docx"))
    assert len(letters) == 1, sorted(p.name for p in postal.glob("*"))
    assert by_post in (postal / "invitations-addresses.csv").read_text(encoding="utf-8")
