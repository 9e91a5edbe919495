"""The staff commands: verify, import, payments import, export (XLSX + document)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import select, update
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import Member, RegisterEntry
from governance.db.uow import UnitOfWork
from governance.register.rules.register_import import COLUMNS

runner = CliRunner()
FIXTURE = Path(__file__).parents[1] / "fixtures" / "camt053" / "register_payments.xml"


def _csv(tmp: Path, *rows: str) -> Path:
    path = tmp / "register.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


ROWS = (
    "P1,person,=HYPERLINK(\"http://x\"),@Wéry,,,zoe@example.org,fr,liege,Rue Haute 1,4000,Liège,BE,A,2,6000,2019-05-02,2019-05-03",
    "C1,company,,,Studio & Co,0403.019.261,studio@example.org,nl,gent,Kerkstraat 2,9000,Gent,BE,B,1,3000,2018-01-10,2018-01-12",
)


def test_import_verify_and_tampering_through_the_command_line(coop_env, tmp_path) -> None:
    bad = _csv(tmp_path, ROWS[0].replace(",2,6000,", ",2,600,"), "X,person")
    result = runner.invoke(app, ["import", "register", str(bad)])
    assert result.exit_code == 1
    assert "line 2: paid_cents: issued shares must be fully paid" in result.output
    assert "line 3: (row)" in result.output or "line 3: " in result.output
    good = _csv(tmp_path, *ROWS)
    result = runner.invoke(app, ["import", "register", str(good), "--dry-run"])
    assert result.exit_code == 0 and "would import 2 row(s)" in result.output
    result = runner.invoke(app, ["import", "register", str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["register", "verify"])
    assert result.exit_code == 0 and result.output.startswith("OK: 6 entries")
    with UnitOfWork() as uow:
        uow.session.execute(update(RegisterEntry).where(RegisterEntry.sequence == 2)
                            .values(reference="edited"))
        uow.commit()
    result = runner.invoke(app, ["register", "verify"])
    assert result.exit_code == 1 and "register entry #2 was altered" in result.output


def test_export_is_per_class_without_national_number_and_neutralises_formulas(
    coop_env, tmp_path
) -> None:
    assert runner.invoke(app, ["import", "register", str(_csv(tmp_path, *ROWS))]).exit_code == 0
    with UnitOfWork() as uow:  # a national number on file must never reach the register
        member = uow.session.scalar(select(Member).where(Member.external_ref == "P1"))
        assert member is not None
        member.national_number_enc = uow.cipher.encrypt("85073003328")
        uow.commit()
    out = tmp_path / "out"
    result = runner.invoke(app, ["register", "export", "--as-at", "2019-12-31", "--out", str(out),
                                 "--language", "en"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "register-2019-12-31.xlsx")
    assert book.sheetnames == ["Classes", "Class A", "Class B", "Transfers"]
    rows = list(book["Class A"].iter_rows(min_row=4, values_only=True))
    assert rows == [("A", "P1", '=HYPERLINK("http://x") @Wéry', "Rue Haute 1, 4000 Liège, BE",
                     None, 2, 60.0)]
    cell = book["Class A"]["C4"]
    assert cell.data_type == "s"
    company = next(book["Class B"].iter_rows(min_row=4, values_only=True))
    assert company[4] == "0403.019.261"
    raw = zipfile.ZipFile(out / "register-2019-12-31.xlsx").read("xl/worksheets/sheet2.xml")
    assert b"<f>" not in raw
    docx_path = out / "register-2019-12-31.docx"
    text = zipfile.ZipFile(io.BytesIO(docx_path.read_bytes())).read("word/document.xml")
    for needle in (b"85073003328", b"85.07.30"):
        assert needle not in text and needle not in raw
    assert "Register of shareholders as at 31 December 2019" in text.decode()


def test_payments_import_command_is_idempotent(coop_env, make_member) -> None:
    from tasks.shares import start_subscription_now

    holders = [make_member() for _ in range(3)]
    for i, (member_id, n) in enumerate(zip(holders, (1, 2, 1), strict=True)):
        start_subscription_now(member_id, "A", n, f"cli-{i}")
    first = runner.invoke(app, ["payments", "import", str(FIXTURE)])
    assert first.exit_code == 0 and "1 exact" in first.output
    second = runner.invoke(app, ["payments", "import", str(FIXTURE)])
    assert "5 already imported" in second.output


def test_export_without_a_date_is_as_at_today_in_brussels_when_the_command_runs(
    coop_env, tmp_path
) -> None:
    from governance.clock import frozen_at

    out = tmp_path / "out"
    # The command module is already imported: the default must not be the import day.
    for instant, day in [("2026-12-31T23:30:00+00:00", "2027-01-01"),
                         ("2026-06-30T22:30:00+00:00", "2026-07-01")]:
        with frozen_at(instant):
            result = runner.invoke(app, ["register", "export", "--out", str(out), "--no-document"])
        assert result.exit_code == 0, result.output
        assert (out / f"register-{day}.xlsx").exists()
