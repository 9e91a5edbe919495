"""`coop import members`: all or nothing, `line N: column: message`, national numbers encrypted."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import Member, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import MemberStatus
from seeding.transition import members_csv

HEADER = (
    "member_ref,kind,first_name,last_name,company_name,company_number,email,language,office,"
    "street,postcode,city,country,national_number,birth_date"
)
GOOD = [
    "A1,person,Zoë,D'Hondt & Fils,,,zoe@example.org,fr,Liège,Rue Haute 1,4000,Liège,BE,85.07.30-033.28,1985-07-30",
    "A2,company,,,Théâtre <Nomade>,,,nl,Gent,Kerkstraat 2,9000,Gent,BE,,",
    "A3,person,Käthe,Müller,,,kaethe@example.org,de,eupen,Kirchstraße 3,4700,Eupen,BE,,",
]


def _write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "members.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _count() -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count(Member.id))) or 0)


def test_a_good_file_is_imported_with_the_national_number_encrypted(coop_env, tmp_path) -> None:
    lines = [GOOD[0], GOOD[1].replace(",,,nl", ",0403.019.261,,nl"), GOOD[2]]
    runner = CliRunner()
    dry = runner.invoke(app, ["import", "members", str(_write(tmp_path, lines)), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import 3" in dry.output and _count() == 0
    result = runner.invoke(app, ["import", "members", str(_write(tmp_path, lines))])
    assert result.exit_code == 0, result.output
    assert "imported 3 members" in result.output
    assert "85073003328" not in result.output
    with UnitOfWork() as uow:
        people = {m.external_ref: m for m in uow.session.scalars(select(Member))}
        zoe = people["A1"]
        assert zoe.status is MemberStatus.ACTIVE and zoe.member_number == "M0000001"
        assert zoe.office == "liege" and zoe.last_name == "D'Hondt & Fils"
        assert zoe.national_number_enc and "85073003328" not in zoe.national_number_enc
        assert uow.cipher.decrypt(zoe.national_number_enc) == "85073003328"
        assert zoe.identity_hash == uow.cipher.keyed_hash("85073003328")
        assert people["A2"].company_number == "0403019261" and people["A2"].email is None
        events = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.action == "member_imported")).all()
        assert len(events) == 3
        assert all("85073003328" not in str(e.details) for e in events)
    again = runner.invoke(app, ["import", "members", str(_write(tmp_path, lines))])
    assert again.exit_code == 1
    assert "line 2: member_ref: member A1 was already imported" in again.output
    assert "line 2: national_number: this person is already a member" in again.output
    assert _count() == 3


def test_a_bad_file_imports_nothing_and_lists_every_error(coop_env, tmp_path) -> None:
    bad = [
        GOOD[0],
        "A2,company,,,Théâtre,,x@@example.org,nl,Gent,Kerkstraat 2,9000,Gent,BE,,",
        "A3,person,Käthe,,,,kaethe@example.org,xx,Paris,Kirchstraße 3,4700,Eupen,Belgium,,",
        "A4,person,Jan,Peeters,,,,nl,gent,,,,BE,85.07.30-033.29,",
        "A1,person,Jan,Maes,,,,nl,gent,,,,BE,,",
        "A6,person,Jan,Maes,,,,nl,gent,,,,BE,850730-033.28,1985-07-31",
    ]
    result = CliRunner().invoke(app, ["import", "members", str(_write(tmp_path, bad))])
    assert result.exit_code == 1
    out = result.output
    for expected in (
        "line 3: company_number: a company needs its enterprise (BCE/KBO) number",
        "line 3: email: the e-mail address x@@example.org must contain exactly one @",
        "line 4: last_name: a person needs a last name",
        "line 4: language: 'xx' is not one of fr, nl, de, en",
        "line 4: office: 'Paris' is not one of the offices",
        "line 4: country: 'Belgium' is not a two-letter country code",
        "line 5: national_number: the national number has a wrong check digit",
        "line 6: member_ref: duplicate of line 2",
        "line 7: birth_date: does not match the birth date in the national number",
    ):
        assert expected in out, (expected, out)
    assert "85.07.30-033.29" not in out and "85073003329" not in out
    assert "nothing was imported" in out
    assert _count() == 0


def test_a_missing_column_is_reported_on_the_header_line(coop_env, tmp_path) -> None:
    header = HEADER.replace("office,", "").replace(",birth_date", ",shoe_size")
    result = CliRunner().invoke(app, ["import", "members", str(_write(tmp_path, [], header))])
    assert result.exit_code == 1
    assert "line 1: office: column missing from the header" in result.output
    assert "line 1: shoe_size: unknown column" in result.output


def test_the_sample_export_imports_in_bulk(coop_env, tmp_path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(members_csv(300), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "members", str(path)])
    assert result.exit_code == 0, result.output
    assert _count() == 300
    with UnitOfWork() as uow:
        with_nn = uow.session.scalar(select(func.count(Member.id)).where(
            Member.national_number_enc.is_not(None)))
        assert with_nn and with_nn > 100
        assert uow.session.scalar(select(func.count(func.distinct(Member.member_number)))) == 300
