"""Forgetting the order of writes once a vote is closed (see docs/ballot-secrecy.md).

During the window a ballot and its voter's `voted` flag are written in one transaction.
Closing rewrites every ballot, voter and attendance row of the assembly, but the storage
engine still holds the earlier versions: SQLite's write-ahead log keeps every committed
page in commit order (and freed cells stay in the file), PostgreSQL keeps dead row
versions whose `xmin` is the cast's transaction. `forget_write_order` runs after the
closing transaction has committed and removes them; it can run any number of times."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine, text

from governance.kernel.rules.errors import RuleViolation

# The tables whose pre-closing row versions pair a voter with a ballot.
VOTING_TABLES = ("ballot", "assembly_voter", "attendance")


class WriteHistoryRemains(RuleViolation):
    code = "write_history_remains"


@dataclass(frozen=True)
class StorageScrub:
    dialect: str
    wal_bytes: int | None  # SQLite: size of the -wal file afterwards (0 when truncated)


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database
    return None if not database or database == ":memory:" else database


def _scrub_sqlite(engine: Engine) -> StorageScrub:
    # the raw driver connection: the engine's own connections begin a write transaction,
    # and VACUUM runs only outside any transaction
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("VACUUM")
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        conn.close()
    path = _sqlite_file(engine)
    wal = os.path.getsize(path + "-wal") if path and os.path.exists(path + "-wal") else 0
    if busy or wal:
        raise WriteHistoryRemains(
            "the database's write-ahead log could not be emptied because another program kept "
            "a read open for more than 30 seconds; run `coop assembly forget-order` again",
            field="database",
        )
    return StorageScrub("sqlite", wal)


def _scrub_postgresql(engine: Engine) -> StorageScrub:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM FULL writes each table into a new file: no dead version survives in it
        conn.execute(text(f"VACUUM (FULL, ANALYZE) {', '.join(VOTING_TABLES)}"))
    return StorageScrub("postgresql", None)


def forget_write_order(engine: Engine) -> StorageScrub:
    """Remove the storage's memory of the order in which rows were written."""
    if engine.dialect.name == "sqlite":
        return _scrub_sqlite(engine)
    if engine.dialect.name == "postgresql":
        return _scrub_postgresql(engine)
    return StorageScrub(engine.dialect.name, None)
