"""`coop backup` / `coop restore`: the register database and the document archive, together.

A backup is a folder `coopflow-<UTC time>/` holding the database (SQLite: an online copy by
SQLite's backup API; PostgreSQL: `pg_dump --format=custom`), `archive.tar.gz` (every generated
document) and `manifest.json` (sha256 of each file, the fingerprint of the encryption key).
With COOP_ARCHIVE_STORE=database the documents are rows of the database, so they are in its
dump; the archive folder is then only this machine's cache and `archive.tar.gz` stays empty.

The encryption key is never in a backup: keep COOP_ENCRYPTION_KEY apart (the secrets store).
Restoring needs that same key; `coop restore` refuses a damaged backup and a place that already
holds a database or documents, then brings the schema up to date and proves the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from governance.config import Settings

console = Console()
MANIFEST = "manifest.json"
ARCHIVE = "archive.tar.gz"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupRefused(RuntimeError):
    """The backup or the restore cannot go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url  # here: `coop --help` loads no SQLAlchemy

    parsed = make_url(url)
    return Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore, its password in PGPASSWORD (never on a command line)."""
    from sqlalchemy.engine import make_url  # here: `coop --help` loads no SQLAlchemy

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupRefused(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def make_backup(out: Path) -> Path:
    """Write one backup folder under `out`; return it."""
    from governance.clock import utcnow
    from governance.config import get_settings
    from governance.db.keys import fingerprint, key_material

    settings = get_settings()
    url = settings.resolved_database_url()
    key = key_material(settings).keyring.primary  # a backup of a database nobody can open: no
    target = out / f"coopflow-{utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    target.mkdir(parents=True, exist_ok=False)
    sqlite_path = _sqlite_path(url)
    if sqlite_path is not None:
        source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
        copy = sqlite3.connect(target / SQLITE_FILE)
        with copy:
            source.backup(copy)  # consistent while flows write (SQLite's online backup)
        copy.close()
        source.close()
        database = SQLITE_FILE
    else:
        dsn, env = _libpq(url)
        database = PG_FILE
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target / PG_FILE}",
                dsn,
            ],
            env,
        )
    documents = _write_archive(settings, target / ARCHIVE)
    manifest = {
        "format": 1,
        "created_at": utcnow().isoformat(),
        "database": database,
        "archive_store": str(settings.archive_store),
        "documents": documents,
        "key_fingerprint": fingerprint(key),
        "sha256": {name: _sha256(target / name) for name in (database, ARCHIVE)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def _write_archive(settings: Settings, tar_path: Path) -> int:
    """archive.tar.gz of the archive folder; how many documents the backup holds. With the
    database store the documents are in the database's dump: the folder (a cache) is left out."""
    from governance.config import ArchiveStore
    from governance.db.repositories.archived_files import DatabaseArchive

    archive_dir = settings.resolved_archive_dir()
    with tarfile.open(tar_path, "w:gz") as tar:
        if settings.archive_store is ArchiveStore.DATABASE:
            return DatabaseArchive(settings.resolved_database_url()).count()
        documents = 0
        if archive_dir.exists():
            for path in sorted(archive_dir.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(archive_dir).as_posix())
                    documents += 1
        return documents


def read_manifest(backup: Path) -> dict[str, Any]:
    """The manifest, once every file it lists has its recorded sha256."""
    try:
        manifest: dict[str, Any] = json.loads((backup / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupRefused(f"{backup} is not a coopflow backup (no readable {MANIFEST})") from exc
    for name, expected in manifest["sha256"].items():
        path = backup / name
        if not path.exists() or _sha256(path) != expected:
            raise BackupRefused(f"{path} is missing or damaged (sha256 differs): not restored")
    return manifest


def _archive_can_be_restored(manifest: dict[str, Any], configured: str, folder: Path) -> None:
    """Into an empty folder, under the store the backup was made with: a backup of the
    database store holds its documents in the database dump, one of the local store in
    archive.tar.gz; restored under the other setting, documents would be lost."""
    made = manifest.get("archive_store", "local")
    if made != configured:
        raise BackupRefused(
            f"this backup was made with COOP_ARCHIVE_STORE={made}: set it to {made} to restore"
        )
    if folder.exists() and any(folder.iterdir()):
        raise BackupRefused(f"the archive {folder} is not empty: restore into a new place")


def restore_backup(backup: Path) -> dict[str, Any]:
    """Restore into the configured database and archive, both new or empty; return the
    manifest. Refuses before writing anything when the backup is damaged or the place taken."""
    from sqlalchemy import create_engine, inspect

    from governance.config import get_settings
    from governance.db.keys import fingerprint, key_material
    from governance.db.migrate import upgrade

    manifest = read_manifest(backup)
    settings = get_settings()
    url = settings.resolved_database_url()
    archive_dir = settings.resolved_archive_dir()
    _archive_can_be_restored(manifest, str(settings.archive_store), archive_dir)
    sqlite_path = _sqlite_path(url)
    if sqlite_path is not None:
        if manifest["database"] != SQLITE_FILE:
            raise BackupRefused("a PostgreSQL backup: set COOP_DATABASE_URL to PostgreSQL")
        if sqlite_path.exists() and sqlite_path.stat().st_size:
            raise BackupRefused(f"the database {sqlite_path} exists: restore into a new place")
    else:
        if manifest["database"] != PG_FILE:
            raise BackupRefused("an SQLite backup: set COOP_DATABASE_URL to an SQLite file")
        engine = create_engine(url)
        try:
            if inspect(engine).get_table_names():
                raise BackupRefused("the database of COOP_DATABASE_URL has tables: use a new one")
        finally:
            engine.dispose()

    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{backup / SQLITE_FILE}?mode=ro", uri=True)
        copy = sqlite3.connect(sqlite_path)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        dsn, env = _libpq(url)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={dsn}",
                str(backup / PG_FILE),
            ],
            env,
        )
    archive_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup / ARCHIVE, "r:gz") as tar:
        tar.extractall(archive_dir, filter="data")  # no path leaves the archive folder
    upgrade(url)  # a backup made by an older release
    key = key_material(settings).keyring.primary  # refuses a key that does not open it
    if fingerprint(key) != manifest["key_fingerprint"]:  # pragma: no cover (the canary refuses)
        raise BackupRefused("COOP_ENCRYPTION_KEY is not the key of this backup")
    return manifest


def backup(
    out: Path = typer.Option(Path("var/backups"), help="Folder receiving the backup folder"),
) -> None:
    """Back up the register database and the document archive (never the key)."""
    try:
        target = make_backup(out)
    except BackupRefused as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    manifest = json.loads((target / MANIFEST).read_text())
    inside = " (in the database: COOP_ARCHIVE_STORE=database)" * (
        manifest["archive_store"] == "database"
    )
    console.print(
        f"{target}: database, {manifest['documents']} document(s){inside}; key "
        f"{manifest['key_fingerprint']} (keep COOP_ENCRYPTION_KEY apart: it is not in the backup)"
    )


def restore(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="A `coop backup` folder"),
) -> None:
    """Restore a backup into COOP_DATABASE_URL and COOP_ARCHIVE_DIR (both new or empty), with
    the backup's COOP_ENCRYPTION_KEY; then run `coop register verify`."""
    try:
        manifest = restore_backup(folder)
    except BackupRefused as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"restored {manifest['database']} and {manifest['documents']} document(s) from "
        f"{manifest['created_at']}; the key {manifest['key_fingerprint']} opens it. "
        "Next: `coop register verify`."
    )
