"""Prefect tasks, an entrance: documents reach the archive in the database through the data
layer's store (COOP_ARCHIVE_STORE=database)."""

from documents import archive
from governance.db.repositories.archived_files import DatabaseArchive

archive.use_database_store(DatabaseArchive)
