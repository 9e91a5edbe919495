"""grant-awarding and grant-reminders under Prefect, with inputs given through the services.

Outside a deployment the flow stops at each wait; running it again is what a resume does
(the run starts from the top), so these runs also prove nothing is e-mailed or paid twice."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from grants_testkit import T0, add_reviewers, apply, make_call, make_members, score_all
from sqlalchemy import select

from flows.grant_awarding import GrantAwardingParameters, grant_awarding
from flows.grant_reminders import GrantReminderParameters, grant_reminders
from governance.db.models import Document
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import BoardChange
from governance.grants.use_cases import grant_awards, grant_payments

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SUBJECTS = {"fr": "votre bourse", "nl": "uw beurs", "de": "Ihr Stipendium", "en": "your grant"}


def _run(call_id: int, days: float) -> dict:  # type: ignore[type-arg]
    return grant_awarding(GrantAwardingParameters(call_id=call_id,
                                                  now=T0 + timedelta(days=days)))


def _pain(path) -> tuple[int, str, list[str]]:  # type: ignore[no-untyped-def]
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    ids = [e.text or "" for e in root.iterfind(".//p:EndToEndId", NS)]
    return int(header.findtext("p:NbOfTxs", namespaces=NS) or 0), \
        header.findtext("p:CtrlSum", namespaces=NS) or "", ids


def test_a_call_goes_from_applications_to_letters_and_payments_exactly_once(
        coop_env, mail_sink, prefect_harness) -> None:
    applicants = make_members(5)
    call_id = make_call(budget_cents=150_000)
    refs = [apply(call_id, m, 50_000 + 10_000 * i, minutes=i, account=i)
            for i, m in enumerate(applicants[:4])]
    late_incomplete = apply(call_id, applicants[4], 50_000, minutes=9, budget_lines=[])
    add_reviewers(call_id, ["ann", "bob", "cee"], member_ids={"ann": applicants[0]})

    waiting = _run(call_id, 0.1)
    assert waiting["stage"] == "waiting for reviews"
    assert (waiting["considered"], waiting["ineligible"]) == (4, 1)
    score_all(call_id, {r: {"quality": 9 - i, "impact": 6} for i, r in enumerate(refs)}, T0)

    board = _run(call_id, 2)
    assert board["stage"] == "waiting for the board"
    assert board["proposed_cents"] == 50_000 + 60_000  # the 3rd (70,000) does not fit: skipped
    with UnitOfWork() as uow:
        grant_awards.record_board_decision(
            uow, call_id, "board.secretary", [BoardChange(refs[2], 40_000, "runner-up, reduced")],
            "PV 2027-03", T0 + timedelta(days=3))

    decided = _run(call_id, 4)
    assert decided["stage"] == "waiting for reports"
    assert (decided["awards"], decided["rejections"]) == (3, 2)
    assert len(decided["payment_files"]) == 1
    count, total, ids = _pain(coop_env.archive / decided["payment_files"][0])
    assert (count, total) == (3, "900.00")  # 60% of 500 + 600 + 400 euros
    assert sorted(ids) == sorted(f"{r}-1" for r in refs[:3])

    mails = mail_sink.parsed()
    letters = [m for m in mails if any(s in m["Subject"] for s in SUBJECTS.values())]
    assert len(letters) == 3
    for message in letters:
        assert len(list(message.iter_attachments())) == 1
    assert sum("dossier de décision" in m["Subject"] for m in mails) == 1  # staff, French
    assert sum(late_incomplete in m["Subject"] for m in mails) == 2  # ack + rejection
    before = len(mails)

    assert _run(call_id, 5)["stage"] == "waiting for reports"  # a resume changes nothing
    assert len(mail_sink.parsed()) == before
    with UnitOfWork() as uow:
        report = grant_payments.submit_report(uow, refs[0], "done", T0 + timedelta(days=80))
    with UnitOfWork() as uow:
        grant_payments.decide_report(uow, report, "staff.x", True, "", T0 + timedelta(days=81))
    later = _run(call_id, 82)
    assert later["stage"] == "waiting for reports" and later["waiting"] == 2
    assert len(later["payment_files"]) == 1
    count, total, ids = _pain(coop_env.archive / later["payment_files"][0])
    assert (count, total, ids) == (1, "200.00", [f"{refs[0]}-2"])
    assert _run(call_id, 83)["payment_files"] == []  # again: nothing paid twice
    with UnitOfWork() as uow:
        batches = grant_payments.payment_batches(uow, call_id)
        letters_archived = uow.session.scalars(
            select(Document.template).where(Document.subject_type == "grant_application")).all()
    assert [b[1:3] for b in batches] == [(3, 90_000), (1, 20_000)]
    assert sorted(letters_archived) == ["grant_award"] * 3 + ["grant_rejection"] * 2


def test_reminders_flow_mails_overdue_reviews_once(coop_env, mail_sink, prefect_harness) -> None:
    (m,) = make_members(1)
    call_id = make_call()
    apply(call_id, m, 50_000)
    add_reviewers(call_id, ["ann", "bob"])
    _run(call_id, 0.1)
    first = grant_reminders(GrantReminderParameters(now=T0 + timedelta(days=8)))
    again = grant_reminders(GrantReminderParameters(now=T0 + timedelta(days=9)))
    assert first["sent"] == 2 and again["sent"] == 0
    subjects = [msg["Subject"] for msg in mail_sink.parsed()]
    assert sum(s.startswith("Rappel") for s in subjects) == 2
