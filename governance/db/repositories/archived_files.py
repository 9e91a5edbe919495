"""The archived files' table: the only code that writes it. The archive store documents.archive
uses when COOP_ARCHIVE_STORE=database (given to it at start-up); each call is its own short
transaction, outside any use case's (files are archived by render workers, before the use case
records them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from governance.clock import utcnow
from governance.db.engine import get_engine
from governance.db.models.archive import ArchivedFile


@dataclass(frozen=True)
class StoredContent:
    sha256: str
    content: bytes


@dataclass(frozen=True)
class DatabaseArchive:
    """The archive in the database at `url`. Picklable: render workers receive it with their
    jobs and reach the same database."""

    url: str

    def put(self, relative_path: str, sha256: str, data: bytes, *, replace: bool) -> str | None:
        """Archive `data` under `relative_path`, once: the same content again is a no-op; other
        content is replaced when `replace` (a file its writer rebuilds by design), else left as
        it is and its sha256 returned."""
        row = {
            "relative_path": relative_path,
            "sha256": sha256,
            "size_bytes": len(data),
            "content": data,
            "created_at": utcnow(),
        }
        known = self.sha256_of(relative_path)
        if known is None:
            try:
                with get_engine(self.url).begin() as conn:
                    conn.execute(insert(ArchivedFile).values(row))
                return None
            except IntegrityError:  # another worker archived it in between: compare with theirs
                known = self.sha256_of(relative_path)
        if known == sha256:
            return None
        if not replace:
            return known
        with get_engine(self.url).begin() as conn:
            replaced = update(ArchivedFile).where(ArchivedFile.relative_path == relative_path)
            conn.execute(replaced.values(row))
        return None

    def sha256_of(self, relative_path: str) -> str | None:
        """The archived file's sha256, None when it is not archived."""
        with get_engine(self.url).connect() as conn:
            return conn.scalar(
                select(ArchivedFile.sha256).where(ArchivedFile.relative_path == relative_path)
            )

    def content_of(self, relative_path: str) -> StoredContent | None:
        """The archived file's sha256 and bytes, None when it is not archived."""
        query = select(ArchivedFile.sha256, ArchivedFile.content).where(
            ArchivedFile.relative_path == relative_path
        )
        with get_engine(self.url).connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else StoredContent(row.sha256, bytes(row.content))

    def count(self) -> int:
        """How many files are archived in the database."""
        with get_engine(self.url).connect() as conn:
            return conn.scalar(select(func.count()).select_from(ArchivedFile)) or 0

    def remove(self, relative_path: str) -> None:
        """Forget the archived file (erasure of a member's documents)."""
        with get_engine(self.url).begin() as conn:
            conn.execute(delete(ArchivedFile).where(ArchivedFile.relative_path == relative_path))
