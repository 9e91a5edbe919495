"""`coop import register`: all or nothing, every error reported, date order, dry run."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from governance.db.models import Member, RegisterEntry
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register_import import COLUMNS, RegisterImportRejected
from governance.register.use_cases import register_import, shares
from seeding.register import register_csv

HEADER = ",".join(COLUMNS)
GOOD = [
    "P1,person,Zoë,Wéry,,,zoe@example.org,fr,Liège,Rue Haute 1,4000,Liège,BE,A,2,6000,2019-05-02,2019-05-03",
    "C1,company,,,Studio & Co,,studio@example.org,nl,gent,Kerkstraat 2,9000,Gent,BE,A,1,3000,2018-01-10,2018-01-12",
    "P1,person,Zoë,Wéry,,,zoe@example.org,fr,Liège,Rue Haute 1,4000,Liège,BE,A,1,0,2021-02-01,",
]


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _run(text: str, dry_run: bool = False) -> register_import.ImportSummary:
    with UnitOfWork() as uow:
        summary = register_import.import_register(uow.session, text, actor=Actor.staff("anna"),
                                                  dry_run=dry_run)
        uow.commit()
    return summary


def test_a_wrong_file_reports_every_error_by_line_and_column_and_imports_nothing(
    coop_env,
) -> None:
    bad = _csv(
        GOOD[0],
        "C1,company,,,Studio,0403.019.262,x@example.org,nl,gent,,,,BE,A,1,3000,2018-01-10,2018-01-12",
        "P2,persn,A,B,,,not-an-email,xx,nowhere,,,,BEL,Z,0,abc,2019-13-01,2019-01-01",
        "P3,person,A,B,,,,fr,mons,,,,BE,A,2,3000,2019-01-01,2019-01-02",
        GOOD[0],
    )
    with pytest.raises(RegisterImportRejected) as caught:
        _run(bad)
    lines = [str(p) for p in caught.value.problems]
    assert "line 3: company_number: the enterprise number 0403.019.262 has a wrong check digit" in lines
    for column in ("kind", "email", "language", "office", "country", "share_class", "shares",
                   "paid_cents", "subscribed_on"):
        assert any(line.startswith(f"line 4: {column}: ") for line in lines), column
    assert "line 5: paid_cents: issued shares must be fully paid: 2 × 3000 = 6000, not 3000" in lines
    assert "line 6: member_ref: duplicate of line 2" in lines
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 0


def test_a_good_file_imports_in_date_order_and_the_register_verifies(coop_env) -> None:
    text = _csv(*[r.replace(",,studio", ",0403.019.261,studio") for r in GOOD])
    dry = _run(text, dry_run=True)
    assert dry.dry_run and dry.members == 2 and dry.issued_shares == {"A": 3}
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 0
    summary = _run(text)
    assert (summary.first_sequence, summary.last_sequence) == (1, 7)  # 3 subs, 2 pays, 2 issues
    with UnitOfWork() as uow:
        s = uow.session
        dates = s.scalars(select(RegisterEntry.effective_on).order_by(RegisterEntry.sequence)).all()
        assert dates == sorted(dates) and dates[0] == date(2018, 1, 10)
        held = shares.holdings_as_at(s, date(2020, 1, 1))
        assert sorted(h.shares for h in held) == [1, 2]
        assert store.verify(s).ok
        company = s.scalar(select(Member).where(Member.external_ref == "C1"))
        assert company is not None and company.company_name == "Studio & Co"
    with pytest.raises(RegisterImportRejected, match="nothing was imported") as again:
        _run(text)
    assert str(again.value.problems[0]) == "line 2: member_ref: member P1 is already in the register"


def test_a_generated_register_imports_whole(coop_env) -> None:
    summary = _run(register_csv(300))
    with UnitOfWork() as uow:
        report = store.verify(uow.session)
    assert report.ok and report.entries == summary.last_sequence
