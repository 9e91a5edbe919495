"""Hostile bank statements: the same money in two files, another bank's namespace, another
account, a huge file, a reversal. Each is refused or recognised, nothing is counted twice,
nothing is lost, and a reversal reaches staff."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from governance.db.models import DecisionRequest, SharePayment
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.errors import RuleViolation
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.use_cases import payments, reversals, shares
from seeding.camt import Credit, statement_xml

COOP = "BE71096123456769"
BOOKED = date(2026, 3, 2)
_numbers = itertools.count(1)


def _subscriptions(count: int) -> list[shares.SubscriptionView]:
    views = []
    with UnitOfWork() as uow:
        for _ in range(count):
            n = next(_numbers)
            facts = MemberFacts(kind=MemberKind.PERSON, first_name="Ana", last_name=f"Bank{n}",
                                language=Language.FR, office=Office.BRUXELLES,
                                email=f"b{n}@example.org", street="Rue Haute 1",
                                postcode="1000", city="Bruxelles")
            member = members.create_member(uow.session, facts, Actor.system("test"),
                                           MemberStatus.ACTIVE)
            views.append(shares.subscribe(uow.session, member_id=member.id, share_class="A",
                                          shares=1, actor=Actor.system("test"),
                                          now=datetime(2026, 3, 1, tzinfo=UTC)))
        uow.commit()
    return views


def _credits(views: list[shares.SubscriptionView], **kw: object) -> list[Credit]:
    return [
        Credit(v.amount_cents, "Payer", "BE05068123456775", f"BANK-{v.id}",
               structured="".join(ch for ch in v.structured_communication if ch.isdigit()),
               **kw)  # type: ignore[arg-type]
        for v in views
    ]


def _import(data: bytes) -> payments.ImportReport:
    with UnitOfWork() as uow:
        report = payments.import_statement(uow.session, data, actor=Actor.system("bank"))
        uow.commit()
    return report


def _payments() -> tuple[int, int]:
    """(payments recorded, cents recorded)."""
    with UnitOfWork() as uow:
        count, cents = uow.session.execute(
            select(func.count(), func.coalesce(func.sum(SharePayment.amount_cents), 0))
        ).one()
    return int(count), int(cents)


def test_a_resent_statement_in_another_order_counts_no_money_twice(coop_env, faults_report) -> None:  # type: ignore[no-untyped-def]
    views = _subscriptions(10)
    credits = _credits(views)
    _import(statement_xml(COOP, "STMT-0302", BOOKED, credits))
    again = _import(statement_xml(COOP, "STMT-0302-BIS", BOOKED, list(reversed(credits))))
    count, cents = _payments()
    faults_report.add("money: the same statement resent, entries in another order",
                      attempts=20, faults=10,
                      outcome=f"{again.duplicates} reported already imported, "
                              f"{count} payments ({cents / 100:.2f} EUR)",
                      lost=max(0, 10 - count), duplicated=max(0, count - 10))
    assert (count, again.duplicates) == (10, 10)


def test_an_intraday_file_overlapping_the_end_of_day_file(coop_env, faults_report) -> None:  # type: ignore[no-untyped-def]
    views = _subscriptions(10)
    credits = _credits(views)
    _import(statement_xml(COOP, "INTRADAY", BOOKED, credits[:6]))
    end_of_day = _import(statement_xml(COOP, "EOD", BOOKED, credits[4:] + credits[:4]))
    count, _ = _payments()
    faults_report.add("money: an intraday file overlapping the end-of-day file (6 of 10)",
                      attempts=16, faults=6,
                      outcome=f"{end_of_day.exact} new, {end_of_day.duplicates} already imported",
                      lost=max(0, 10 - count), duplicated=max(0, count - 10))
    assert (count, end_of_day.exact, end_of_day.duplicates) == (10, 4, 6)


@pytest.mark.parametrize(
    ("scenario", "make"),
    [
        ("foreign namespace urn:evil:camt.053.001.02",
         lambda c: statement_xml(COOP, "S", BOOKED, c, namespace="urn:evil:camt.053.001.02")),
        ("unsupported version camt.053.001.13",
         lambda c: statement_xml(COOP, "S", BOOKED, c,
                                 namespace="urn:iso:std:iso:20022:tech:xsd:camt.053.001.13")),
        ("a statement of another account (BE62510007547061)",
         lambda c: statement_xml("BE62510007547061", "S", BOOKED, c)),
        ("a 60 MB statement (limit 50 MB)",
         lambda c: statement_xml(COOP, "S", BOOKED, c) + b" " * 60_000_000),
    ],
)
def test_a_statement_that_is_not_the_coops_is_refused_whole(  # type: ignore[no-untyped-def]
    coop_env, faults_report, scenario, make
) -> None:
    data = make(_credits(_subscriptions(3)))
    try:
        _import(data)
        outcome = "ACCEPTED"
    except RuleViolation as exc:
        outcome = f"refused: {exc.message[:90]}..."
    count, _ = _payments()
    faults_report.add(f"money: {scenario}", attempts=1, faults=1, outcome=outcome,
                      duplicated=count)
    assert outcome.startswith("refused") and count == 0


def test_a_reversal_of_a_credit_that_issued_shares_reaches_staff(coop_env, faults_report) -> None:  # type: ignore[no-untyped-def]
    views = _subscriptions(3)
    _import(statement_xml(COOP, "S-1", BOOKED, _credits(views)))
    taken_back = statement_xml(COOP, "S-2", date(2026, 3, 4), _credits(views[:2], reversal=True))
    first, second = _import(taken_back), _import(taken_back)
    with UnitOfWork() as uow:
        held = [r.question for r in uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.process == reversals.PROCESS))]
    faults_report.add("money: 2 reversals of credits that issued shares (file sent twice)",
                      attempts=4, faults=2,
                      outcome=f"{len(held)} staff decisions opened, "
                              f"{second.duplicates} reported already imported",
                      lost=max(0, 2 - len(held)), duplicated=max(0, len(held) - 2))
    assert first.reversals == 2 and len(held) == 2 and second.duplicates == 2
    assert all("issued" in question for question in held)
