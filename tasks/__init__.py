"""Prefect tasks, an entrance: documents reach the archive in the database through the data
layer's store (COOP_ARCHIVE_STORE=database)."""

from documents import archive
from governance.db.archive_store import open_database_archive

archive.use_database_store(open_database_archive)
