"""Bank statements against the cooperative: a movement counted once whatever file brings it,
only the coop's own accounts and supported versions, a size limit, reversals to staff."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from governance.config import get_settings, reset_settings
from governance.db.models import DecisionRequest, SharePayment, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.camt053 import ForeignAccount, StatementTooLarge
from governance.register.rules.camt053_entries import InvalidStatement
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import payments, reversals, shares
from seeding.camt import Credit, statement_xml

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BOOKED = date(2026, 3, 2)
COOP = "BE71096123456769"


def _subscribe(make_member, count: int) -> list[shares.SubscriptionView]:  # type: ignore[no-untyped-def]
    ids = [make_member() for _ in range(count)]
    with UnitOfWork() as uow:
        views = [
            shares.subscribe(uow.session, member_id=m, share_class="A", shares=1,
                             actor=Actor.system("test"), now=NOW)
            for m in ids
        ]
        uow.commit()
    return views


def _credit(view: shares.SubscriptionView, ref: str, **kw: object) -> Credit:
    digits = "".join(ch for ch in view.structured_communication if ch.isdigit())
    return Credit(view.amount_cents, "Ana Payer", "BE05068123456775", ref, structured=digits,
                  **kw)  # type: ignore[arg-type]


def _import(data: bytes) -> payments.ImportReport:
    with UnitOfWork() as uow:
        report = payments.import_statement(uow.session, data, actor=Actor.staff("anna"))
        uow.commit()
    return report


def _count(model: type, *where: object) -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)))


def test_a_resent_statement_with_the_entries_in_another_order_counts_nothing_twice(
    make_member,
) -> None:
    a, b = _subscribe(make_member, 2)
    first = _import(statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, "BANK-A"),
                                                          _credit(b, "BANK-B")]))
    assert first.exact == 2
    resent = _import(statement_xml(COOP, "STMT-1-RESENT", BOOKED, [_credit(b, "BANK-B"),
                                                                  _credit(a, "BANK-A")]))
    assert (resent.duplicates, resent.exact, resent.not_awaiting) == (2, 0, 0)
    assert _count(SharePayment) == 2
    assert _count(DecisionRequest, DecisionRequest.process == "share-payment-review") == 0


def test_an_intraday_file_overlapping_the_end_of_day_file_adds_only_the_new_entries(
    make_member,
) -> None:
    a, b = _subscribe(make_member, 2)
    intraday = _import(statement_xml(COOP, "INTRADAY-0302", BOOKED, [_credit(a, "BANK-A")]))
    assert intraday.exact == 1
    end_of_day = _import(statement_xml(COOP, "EOD-0302", BOOKED, [_credit(b, "BANK-B"),
                                                                 _credit(a, "BANK-A")]))
    assert (end_of_day.exact, end_of_day.duplicates) == (1, 1)
    assert _count(SharePayment) == 2
    with UnitOfWork() as uow:
        assert shares.get_subscription(uow.session, b.id).status is SubscriptionStatus.ISSUED


def test_the_same_payment_twice_in_one_file_is_two_payments(make_member) -> None:
    (a,) = _subscribe(make_member, 1)
    report = _import(statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, "SAME"),
                                                           _credit(a, "SAME")]))
    assert (report.exact, report.not_awaiting, report.duplicates) == (1, 1, 0)


@pytest.mark.parametrize("namespace", ["urn:evil:camt.053.001.02",
                                       "urn:iso:std:iso:20022:tech:xsd:camt.053.001.13"])
def test_a_statement_in_a_foreign_namespace_is_refused_and_imports_nothing(
    make_member, namespace: str,
) -> None:
    (a,) = _subscribe(make_member, 1)
    data = statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, "BANK-A")], namespace=namespace)
    with pytest.raises(InvalidStatement, match=namespace):
        _import(data)
    assert _count(SharePayment) == 0
    assert _count(TimelineEvent, TimelineEvent.action == "bank_statement_imported") == 0


def test_a_statement_of_another_account_is_refused_and_imports_nothing(make_member) -> None:
    (a,) = _subscribe(make_member, 1)
    data = statement_xml("BE62510007547061", "STMT-1", BOOKED, [_credit(a, "BANK-A")])
    with pytest.raises(ForeignAccount, match="BE62510007547061"):
        _import(data)
    assert _count(SharePayment) == 0


def test_a_second_account_of_the_coop_is_accepted_when_listed(make_member, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (a,) = _subscribe(make_member, 1)
    monkeypatch.setenv("COOP_BANK_ACCOUNTS", "BE62 5100 0754 7061, BE05068123456775")
    reset_settings()
    assert "BE62510007547061" in get_settings().own_bank_accounts()
    report = _import(statement_xml("BE62510007547061", "STMT-1", BOOKED, [_credit(a, "BANK-A")]))
    assert report.exact == 1


def test_a_statement_over_the_size_limit_is_refused_and_imports_nothing(
    make_member, monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    (a,) = _subscribe(make_member, 1)
    data = statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, f"BANK-{n}") for n in range(3)])
    monkeypatch.setenv("COOP_STATEMENT_MAX_BYTES", str(len(data) - 1))
    reset_settings()
    with pytest.raises(StatementTooLarge, match="COOP_STATEMENT_MAX_BYTES"):
        _import(data)
    assert _count(SharePayment) == 0


def test_a_reversal_of_a_credit_that_issued_shares_is_put_in_front_of_staff(make_member) -> None:
    (a,) = _subscribe(make_member, 1)
    assert _import(statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, "BANK-A")])).exact == 1
    taken_back = statement_xml(COOP, "STMT-2", date(2026, 3, 4),
                               [_credit(a, "BANK-RVSL-A", reversal=True)])
    report = _import(taken_back)
    assert (report.reversals, report.ignored) == (1, 0)
    with UnitOfWork() as uow:
        (request,) = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.process == reversals.PROCESS)).all()
        assert request.status == "open"
        assert request.member_id == a.member_id
        assert f"subscription {a.id}" in request.question and "issued" in request.question
        assert report.review_keys == [request.key]
        event = uow.session.scalar(select(TimelineEvent).where(
            TimelineEvent.action == "bank_reversal_received"))
        assert event is not None and event.details["shares_issued"] is True
    again = _import(taken_back)  # the same reversal in a resent file: one staff item
    assert (again.reversals, again.duplicates) == (0, 1)
    assert _count(DecisionRequest, DecisionRequest.process == reversals.PROCESS) == 1


def test_the_daily_inbox_sets_a_refused_file_aside_with_its_reason_and_imports_the_others(
    make_member, tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from tasks.share_register import import_bank_statements

    a, b = _subscribe(make_member, 2)
    (tmp_path / "1-foreign.xml").write_bytes(
        statement_xml("BE62510007547061", "F-1", BOOKED, [_credit(a, "BANK-A")]))
    (tmp_path / "2-ours.xml").write_bytes(statement_xml(COOP, "S-1", BOOKED, [_credit(b, "B")]))
    totals = import_bank_statements.fn(str(tmp_path))
    assert (totals["files"], totals["exact"]) == (1, 1)
    assert len(totals["refused"]) == 1 and "BE62510007547061" in totals["refused"][0]
    assert (tmp_path / "refused" / "1-foreign.xml").exists()
    reason = (tmp_path / "refused" / "1-foreign.xml.reason.txt").read_text(encoding="utf-8")
    assert "not one of the cooperative's accounts" in reason
    assert (tmp_path / "done" / "2-ours.xml").exists()
    assert _count(SharePayment) == 1


def test_staff_see_a_reversal_in_the_inbox_and_close_it_from_the_command_line(
    make_member, tmp_path, monkeypatch, staff_phones,  # type: ignore[no-untyped-def]
) -> None:
    from typer.testing import CliRunner

    from coopflow_cli.main import app

    runner = CliRunner()
    monkeypatch.setenv("COOP_STAFF_LOGIN", "anna")
    monkeypatch.setenv("USER", "anna")
    (a,) = _subscribe(make_member, 1)
    paid = tmp_path / "paid.xml"
    paid.write_bytes(statement_xml(COOP, "STMT-1", BOOKED, [_credit(a, "BANK-A")]))
    back = tmp_path / "back.xml"
    back.write_bytes(statement_xml(COOP, "STMT-2", BOOKED, [_credit(a, "RV-A", reversal=True)]))
    assert runner.invoke(app, ["payments", "import", str(paid)]).exit_code == 0
    imported = runner.invoke(app, ["payments", "import", str(back)])
    assert imported.exit_code == 0, imported.output
    assert "1 reversal(s) for staff" in imported.output
    inbox = runner.invoke(app, ["inbox", "--json"])
    (item,) = [i for i in json.loads(inbox.output) if i["process"] == reversals.PROCESS]
    assert "The bank reversed 30.00 EUR" in item["asked"]
    refused = runner.invoke(app, ["payments", "import", str(tmp_path / "missing.xml")])
    assert refused.exit_code != 0
    keepers = json.loads(runner.invoke(app, ["inbox", "--json", "--staff", "anna"]).output)
    assert item["key"] in [i["key"] for i in keepers]  # a register keeper's decision
    wrong = runner.invoke(app, ["payments", "reversal-handled", item["key"], "--staff", "anna",
                                "--note", "member asked to pay again", "--code", "000000"])
    assert wrong.exit_code == 2 and "the code is wrong" in wrong.output
    assert [i for i in json.loads(runner.invoke(app, ["inbox", "--json"]).output)
            if i["process"] == reversals.PROCESS]  # still waiting: nothing recorded
    closed = runner.invoke(app, ["payments", "reversal-handled", item["key"], "--staff", "anna",
                                 "--note", "member asked to pay again",
                                 "--code", staff_phones.code("anna")])
    assert closed.exit_code == 0, closed.output
    assert not [i for i in json.loads(runner.invoke(app, ["inbox", "--json"]).output)
                if i["process"] == reversals.PROCESS]
