"""A bank statement pasted by staff into the `bank-statement-upload` form: checked, kept once in
the database, its payments imported once; the daily run imports what either door brought."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from governance.db.models import BankStatement, SharePayment
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.bank_statements import pasted_bytes
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import bank_statements, shares
from seeding.camt import Credit, statement_xml

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BOOKED = date(2026, 3, 2)
COOP = "BE71096123456769"


def _subscription(make_member) -> shares.SubscriptionView:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        view = shares.subscribe(uow.session, member_id=make_member(), share_class="A",
                                shares=1, actor=Actor.system("test"), now=NOW)
        uow.commit()
    return view


def _paid(view: shares.SubscriptionView, statement_id: str = "STMT-0302") -> str:
    """A statement of the coop's account with the subscription's payment (bank reference
    named after the statement: two statements, two movements)."""
    digits = "".join(ch for ch in view.structured_communication if ch.isdigit())
    credit = Credit(view.amount_cents, "Ana Payer", "BE05068123456775", f"BANK-{statement_id}",
                    structured=digits)
    return statement_xml(COOP, statement_id, BOOKED, [credit]).decode()


def _count(model: type) -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)))


def test_a_pasted_statement_is_kept_once_and_its_payment_imported_once(
    coop_env, make_member, prefect_harness,  # type: ignore[no-untyped-def]
) -> None:
    from flows.bank_statement_upload import StatementUpload, bank_statement_upload

    sub = _subscription(make_member)
    pasted = _paid(sub)
    first = bank_statement_upload(StatementUpload(statement=pasted), return_state=True)
    assert first.is_completed(), first.message
    assert "STMT-0302 kept (1 entry)" in str(first.message)
    assert first.result()["exact"] == 1 and first.result()["new"] is True
    # the same statement pasted again, with Windows line endings and blank lines around it
    again_text = "\n\n" + pasted.replace("\n", "\r\n") + "\r\n"
    again = bank_statement_upload(StatementUpload(statement=again_text), return_state=True)
    assert again.is_completed(), again.message
    assert "already received" in str(again.message) and "nothing imported twice" in str(
        again.message)
    assert again.result()["new"] is False and again.result()["exact"] == 0
    assert _count(BankStatement) == 1 and _count(SharePayment) == 1
    with UnitOfWork() as uow:
        assert shares.get_subscription(uow.session, sub.id).status == SubscriptionStatus.ISSUED
        kept = uow.session.scalars(select(BankStatement)).one()
        assert kept.source == "upload" and kept.imported_at is not None
        assert kept.import_report["issued_subscription_ids"] == [sub.id]


BAD = [
    ("this is not xml <", "not a readable XML bank statement"),
    ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
     "<CstmrCdtTrfInitn/></Document>", "not a camt.053 bank statement"),
    (statement_xml("BE62510007547061", "F-1", BOOKED, [Credit(3000, "A", "BE05068123456775",
                                                               "R1")]).decode(),
     "BE62510007547061, which is not one of the cooperative's accounts"),
    (statement_xml(COOP, "EMPTY-1", BOOKED, []).decode(), "holds no entries (Ntry)"),
    ("   \n", "nothing was pasted"),
]


def test_a_malformed_statement_fails_the_run_with_what_is_wrong_and_nothing_is_stored(
    coop_env, prefect_harness,  # type: ignore[no-untyped-def]
) -> None:
    from flows.bank_statement_upload import StatementUpload, bank_statement_upload

    state = bank_statement_upload(StatementUpload(statement=BAD[0][0]), return_state=True)
    assert state.is_failed()
    assert "nothing was stored" in str(state.message)
    assert "statement: the file is not a readable XML bank statement" in str(state.message)
    assert _count(BankStatement) == 0 and _count(SharePayment) == 0


@pytest.mark.parametrize(("pasted", "says"), BAD)
def test_each_refusal_names_the_problem_in_words(
    coop_env, pasted: str, says: str,  # type: ignore[no-untyped-def]
) -> None:
    from tasks.bank_statements import receive_bank_statement

    refused = receive_bank_statement.fn(pasted)
    (problem,) = refused["problems"]
    assert problem.startswith("statement: ") and says in problem
    assert _count(BankStatement) == 0


def test_the_daily_run_imports_what_either_door_brought_once(
    coop_env, make_member, tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from tasks.bank_statements import receive_bank_statement
    from tasks.share_register import import_bank_statements

    uploaded, dropped = _subscription(make_member), _subscription(make_member)
    kept = receive_bank_statement.fn(_paid(uploaded, "UP-1"))  # kept, its import not yet run
    assert kept["new"] is True and kept["imported"] is False
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "dropped.xml").write_text(_paid(dropped, "DROP-1"), encoding="utf-8")
    # the file the bank connector also dropped: the bytes staff pasted (as kept)
    (inbox / "same-as-upload.xml").write_bytes(pasted_bytes(_paid(uploaded, "UP-1")))
    totals = import_bank_statements.fn(str(inbox))
    assert (totals["files"], totals["exact"], totals["refused"]) == (2, 2, [])
    assert sorted(totals["issued"]) == sorted([uploaded.id, dropped.id])
    assert _count(BankStatement) == 2 and _count(SharePayment) == 2
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "dropped.xml", "same-as-upload.xml"]
    again = import_bank_statements.fn(str(inbox))
    assert (again["files"], again["exact"]) == (0, 0)
    with UnitOfWork() as uow:
        assert bank_statements.pending(uow) == []
