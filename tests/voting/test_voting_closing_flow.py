"""The assembly-closing flow for real: close, count, minutes in each language, e-mails;
a second run sends nothing twice and changes nothing."""

from __future__ import annotations

import io
import random

import docx
from sqlalchemy import select

from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases.voting_early_close import decide_early_close
from governance.db.models import Document, Member
from governance.db.models.voting import VotingSeal
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.use_cases.staff_verification import verify_decider
from seeding.voting import random_choices


def test_closing_counts_writes_the_minutes_and_mails_everyone_once(
    convene, coop_env, mail_sink, prefect_harness, staff_phones
) -> None:
    from flows.assembly_closing import assembly_closing

    ga = convene(9)
    rng = random.Random(11)
    receipts = []
    for n in range(6):
        with UnitOfWork() as uow:
            receipts.append(service.cast_ballot(uow, ga.code(n), random_choices(rng),
                                                now=ga.now).receipt)
    # a board member decided to close early (proven by their code) before the run starts
    with UnitOfWork() as uow:
        board = verify_decider(uow, "anne.staff", staff_phones.code("anne.staff"),
                               DecisionKind.ASSEMBLY_EARLY_CLOSE).login
    with UnitOfWork() as uow:
        decide_early_close(uow, ga.assembly_id, board, "all votes are in")
    params = {"assembly_id": ga.assembly_id, "close_early": True, "staff": "anne.staff"}
    first = assembly_closing(**params)
    assert first["ballots"] == 6 and first["closed_now"]
    mails = mail_sink.parsed()
    with UnitOfWork() as uow:
        with_email = sum(1 for m in ga.member_ids if uow.session.get_one(Member, m).email)
        seal = uow.session.get_one(VotingSeal, ga.assembly_id).seal
        docs = uow.session.scalars(select(Document).where(
            Document.template == "assembly_minutes")).all()
        minutes = {d.language.value: d.path for d in docs}
    assert len(mails) == with_email
    assert all(seal in m.get_body(("plain",)).get_content() for m in mails)
    board = f"/receipts/{ga.assembly_id}"
    for mail in mails:
        plain = mail.get_body(("plain",)).get_content()
        assert any(w in plain for w in ("Turnout: 6 ballots", "Opkomst: 6 stembrieven",
                                        "Participation : 6 bulletins", "Beteiligung: 6 Stimm"))
        assert f"{board}.json" in plain and "/verify_board.py" in plain
        assert "Amélie Dubois" in plain and "Pieter Janssens" in plain  # every candidate counted
        html_part = mail.get_body(("html",)).get_content()
        assert f'<a href="http://127.0.0.1:8765{board}">' in html_part
    assert minutes
    text = "\n".join(
        cell.text
        for path in minutes.values()
        for table in docx.Document(io.BytesIO((coop_env.archive / path).read_bytes())).tables
        for row in table.rows for cell in row.cells)
    assert all(r in text for r in receipts)
    second = assembly_closing(**params)
    assert not second["closed_now"] and second["seal"] == first["seal"]
    assert len(mail_sink.parsed()) == with_email
