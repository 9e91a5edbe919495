"""`coop backup` then `coop restore` into a fresh place: the register passes `coop register
verify` with the same entries, every archived document comes back byte for byte; a damaged
backup and a place already holding data are refused before anything is written."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.config import reset_settings
from governance.db import keys
from governance.db.engine import dispose_engines
from seeding.register import register_csv

PG_URL = os.environ.get("COOP_TEST_DATABASE_URL", "")
runner = CliRunner()


def _coop(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """Where the restore goes: a new SQLite file, or a new PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'coop.sqlite3'}"
        return
    name = f"coop_restore_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _move_to(monkeypatch: pytest.MonkeyPatch, root: Path, url: str, key: str) -> None:
    """As the replacement machine: another database, var dir and archive; the same key."""
    monkeypatch.setenv("COOP_DATABASE_URL", url)
    monkeypatch.setenv("COOP_VAR_DIR", str(root / "var"))
    monkeypatch.setenv("COOP_ARCHIVE_DIR", str(root / "archive"))
    monkeypatch.setenv("COOP_ENCRYPTION_KEY", key)
    reset_settings()
    dispose_engines()
    keys.reset_key_cache()


def test_a_backup_restored_in_a_fresh_place_passes_the_register_check(
    coop_env, fresh_database, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "register.csv"
    csv.write_text(register_csv(120), encoding="utf-8")
    _coop("import", "register", str(csv))
    before = _coop("register", "verify")
    assert before.startswith("OK:")
    archive = coop_env.archive
    (archive / "2026" / "letters").mkdir(parents=True)
    for n in range(5):  # documents as the archive holds them (names, nested folders, bytes)
        (archive / "2026" / "letters" / f"welcome-{n}.docx").write_bytes(secrets.token_bytes(900))
    (archive / "register-2026-01-01.xlsx").write_bytes(b"PK\x03\x04" + secrets.token_bytes(300))
    documents = _files(archive)
    key = coop_env.settings.resolved_encryption_key().decode()

    said = _coop("backup", "--out", str(tmp_path / "backups"))
    assert "6 document(s)" in said and "not in the backup" in said
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert key not in (folder / "manifest.json").read_text()  # never the key itself
    assert manifest["key_fingerprint"] == keys.fingerprint(key.encode())

    _move_to(monkeypatch, tmp_path / "restored", fresh_database, key)
    said = _coop("restore", str(folder))
    assert "6 document(s)" in said and manifest["key_fingerprint"] in said
    assert _coop("register", "verify") == before  # same entries, chain intact, holdings match
    assert _files(tmp_path / "restored" / "archive") == documents

    refused = runner.invoke(app, ["restore", str(folder)])  # never over data
    assert refused.exit_code == 1 and "restore into a new place" in refused.output


def test_a_damaged_backup_is_refused_before_anything_is_written(
    coop_env, fresh_database, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    (coop_env.archive / "a.docx").parent.mkdir(parents=True, exist_ok=True)
    (coop_env.archive / "a.docx").write_bytes(b"document")
    _coop("backup", "--out", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    with (folder / "archive.tar.gz").open("r+b") as tar:
        tar.seek(20)
        tar.write(b"\xff")
    _move_to(monkeypatch, tmp_path / "restored", fresh_database,
             coop_env.settings.resolved_encryption_key().decode())
    refused = runner.invoke(app, ["restore", str(folder)])
    assert refused.exit_code == 1 and "damaged" in refused.output
    assert not (tmp_path / "restored" / "archive").exists()
    if not PG_URL:
        assert not (tmp_path / "restored" / "coop.sqlite3").exists()


def test_with_the_database_store_the_documents_come_back_from_the_database_dump(
    coop_env, fresh_database, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """COOP_ARCHIVE_STORE=database: the documents are rows of the database, so its dump holds
    them; the archive folder (a cache) is left out, and the restored machine reads them back."""
    from documents import archive
    from governance.config import get_settings

    monkeypatch.setenv("COOP_ARCHIVE_STORE", "database")
    reset_settings()
    letters = {f"welcome-{n}.docx": secrets.token_bytes(900) for n in range(3)}
    for name, data in letters.items():
        archive.store(get_settings(), "2026/letters", name, data)
    key = coop_env.settings.resolved_encryption_key().decode()

    said = _coop("backup", "--out", str(tmp_path / "backups"))
    assert "3 document(s) (in the database" in said
    (folder,) = (tmp_path / "backups").iterdir()
    assert json.loads((folder / "manifest.json").read_text())["archive_store"] == "database"

    _move_to(monkeypatch, tmp_path / "restored", fresh_database, key)
    monkeypatch.setenv("COOP_ARCHIVE_STORE", "local")
    reset_settings()
    refused = runner.invoke(app, ["restore", str(folder)])  # the documents would be lost
    assert refused.exit_code == 1 and "COOP_ARCHIVE_STORE=database" in refused.output
    monkeypatch.setenv("COOP_ARCHIVE_STORE", "database")
    reset_settings()
    _coop("restore", str(folder))
    assert not any((tmp_path / "restored" / "archive").rglob("*.docx"))  # only a cache
    for name, data in letters.items():
        assert archive.read_bytes(get_settings(), f"2026/letters/{name}") == data
