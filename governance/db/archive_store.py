"""The archive store in the database, opened on first use: entrances hand `open_database_archive`
to documents.archive at start-up without loading SQLAlchemy (`coop --help` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from governance.db.repositories.archived_files import DatabaseArchive


def open_database_archive(url: str) -> DatabaseArchive:
    """The archive kept in the database at `url` (COOP_ARCHIVE_STORE=database)."""
    from governance.db.repositories.archived_files import DatabaseArchive

    return DatabaseArchive(url)
