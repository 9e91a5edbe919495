"""The archived files' table: the only code that writes it. Used by documents.archive when
COOP_ARCHIVE_STORE=database; each call is its own short transaction, outside any use case's
(files are archived by render workers, before the use case records them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from governance.clock import utcnow
from governance.db.engine import get_engine
from governance.db.models.archive import ArchivedFile


class ArchivedElsewhere(ValueError):
    """The path is already archived with other content: an archived file is never replaced."""


@dataclass(frozen=True)
class StoredContent:
    sha256: str
    content: bytes


def put(url: str, relative_path: str, sha256: str, data: bytes, *, replace: bool = False) -> None:
    """Archive `data` under `relative_path`, once: the same content again is a no-op, other
    content an ArchivedElsewhere unless `replace` (a file its writer rebuilds by design)."""
    row = {
        "relative_path": relative_path,
        "sha256": sha256,
        "size_bytes": len(data),
        "content": data,
        "created_at": utcnow(),
    }
    known = sha256_of(url, relative_path)
    if known is None:
        try:
            with get_engine(url).begin() as conn:
                conn.execute(insert(ArchivedFile).values(row))
            return
        except IntegrityError:  # another worker archived it in between: compare with theirs
            known = sha256_of(url, relative_path)
    if known != sha256 and replace:
        with get_engine(url).begin() as conn:
            replaced = update(ArchivedFile).where(ArchivedFile.relative_path == relative_path)
            conn.execute(replaced.values(row))
    elif known != sha256:
        raise ArchivedElsewhere(
            f"{relative_path} is already archived with other content (sha256 {known}); "
            f"an archived file is never replaced (new sha256 {sha256})"
        )


def sha256_of(url: str, relative_path: str) -> str | None:
    """The archived file's sha256, None when it is not archived."""
    with get_engine(url).connect() as conn:
        return conn.scalar(
            select(ArchivedFile.sha256).where(ArchivedFile.relative_path == relative_path)
        )


def content_of(url: str, relative_path: str) -> StoredContent | None:
    """The archived file's sha256 and bytes, None when it is not archived."""
    query = select(ArchivedFile.sha256, ArchivedFile.content).where(
        ArchivedFile.relative_path == relative_path
    )
    with get_engine(url).connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else StoredContent(row.sha256, bytes(row.content))


def count(url: str) -> int:
    """How many files are archived in the database."""
    with get_engine(url).connect() as conn:
        return conn.scalar(select(func.count()).select_from(ArchivedFile)) or 0


def remove(url: str, relative_path: str) -> None:
    """Forget the archived file (erasure of a member's documents)."""
    with get_engine(url).begin() as conn:
        conn.execute(delete(ArchivedFile).where(ArchivedFile.relative_path == relative_path))
