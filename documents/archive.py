"""The document archive: files named by content, with their sha256.

COOP_ARCHIVE_STORE=local (the default): the archive is the folder COOP_ARCHIVE_DIR, on one
machine. COOP_ARCHIVE_STORE=database: every file is also a row of the database every worker
reaches (written first), and the folder is this machine's cache, filled on first read. Every
read goes through `local_path`; every write through `store`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from documents.private_files import write_private
from governance.config import ArchiveStore, Settings, get_settings
from governance.db.repositories import archived_files

log = logging.getLogger(__name__)


class ArchiveError(OSError):
    """An archived file this machine cannot use. An OSError: whoever waits for a file (a
    delivery, a retried task) treats it as 'not readable here, try again later'."""


class ArchiveMissing(ArchiveError):
    """The file is neither in this machine's archive folder nor in the database store."""


class ArchiveTampered(ArchiveError):
    """A copy whose bytes no longer match the sha256 recorded when it was archived."""


class ArchiveConflict(ValueError):
    """The path is already archived with other content: an archived file is never replaced,
    unless its writer rebuilds it by design (`replace=True`)."""


@dataclass(frozen=True)
class ArchivedFile:
    relative_path: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class Place:
    """Where archived files go: this machine's folder and, with the database store, the
    database's URL. Picklable: render workers get it with their jobs, so a worker started
    earlier never writes with settings of its own."""

    directory: Path
    database_url: str = ""  # empty: the folder is the archive

    @classmethod
    def of(cls, settings: Settings) -> Place:
        """The configured archive."""
        return cls.at(settings.resolved_archive_dir(), settings)

    @classmethod
    def at(cls, directory: Path, settings: Settings | None = None) -> Place:
        """The configured store, with this folder as the local archive (or cache)."""
        settings = settings or get_settings()
        database = settings.archive_store is ArchiveStore.DATABASE
        return cls(Path(directory), settings.resolved_database_url() if database else "")


def place_of(where: Path | str | Place | Settings) -> Place:
    """The archive meant: a Place as it is, the configured one, or this folder with the
    configured store."""
    if isinstance(where, Place):
        return where
    if isinstance(where, Settings):
        return Place.of(where)
    return Place.at(Path(where))


def store(
    where: Path | str | Place | Settings,
    folder: str,
    filename: str,
    data: bytes,
    *,
    replace: bool = False,
) -> ArchivedFile:
    """Archive `data` as folder/filename: the store's copy first (same content again is a
    no-op, other content an ArchiveConflict unless `replace`: a file rebuilt by design, like a
    postal pack or a PDF converted again), then the local file, written atomically with mode
    0600: archived letters hold names, addresses and ballot codes."""
    place = place_of(where)
    digest = hashlib.sha256(data).hexdigest()
    relative = str(Path(folder) / filename)
    if place.database_url:
        try:
            archived_files.put(place.database_url, relative, digest, data, replace=replace)
        except archived_files.ArchivedElsewhere as exc:
            raise ArchiveConflict(str(exc)) from exc
    write_private(place.directory / relative, data)
    return ArchivedFile(relative, digest, len(data))


def local_path(where: Settings | Place, relative_path: str | Path) -> Path:
    """The archived file as a file on this machine: from the folder, else (database store)
    fetched from the database into the folder, its sha256 checked. ArchiveMissing when it is
    in neither; ArchiveTampered when the database's copy does not match its sha256. A local
    copy that differs from the database's is never used: it is replaced by the archived one."""
    place = place_of(where)
    relative = _inside(relative_path)
    path = place.directory / relative
    if not place.database_url:
        if path.is_file():
            return path
        raise ArchiveMissing(f"archived file {relative} is not in the archive {place.directory}")
    if path.is_file() and _cached_copy_is_current(place, relative, path):
        return path
    found = archived_files.content_of(place.database_url, relative)
    if found is None:
        raise ArchiveMissing(
            f"archived file {relative} is neither in this machine's archive {place.directory} "
            "nor in the database store"
        )
    if hashlib.sha256(found.content).hexdigest() != found.sha256:
        raise ArchiveTampered(f"the database copy of {relative} does not match its sha256")
    return write_private(path, found.content)


def found(where: Settings | Place, relative_path: str | Path) -> Path | None:
    """`local_path`, or None when the file is in neither place (a page answers 404)."""
    try:
        return local_path(where, relative_path)
    except ArchiveMissing:
        return None


def read_bytes(where: Settings | Place, relative_path: str | Path) -> bytes:
    """The archived file's bytes (through `local_path`)."""
    return local_path(where, relative_path).read_bytes()


def delete(where: Settings | Place, relative_path: str | Path) -> None:
    """Forget an archived file (erasure): the store's copy, then this machine's."""
    place = place_of(where)
    relative = _inside(relative_path)
    if place.database_url:
        archived_files.remove(place.database_url, relative)
    (place.directory / relative).unlink(missing_ok=True)


def _cached_copy_is_current(place: Place, relative: str, path: Path) -> bool:
    """A cached copy is used only while it matches the database's sha256 (a file archived
    before the database store was turned on has no row: it is used as it is)."""
    expected = archived_files.sha256_of(place.database_url, relative)
    if expected is None or hashlib.sha256(path.read_bytes()).hexdigest() == expected:
        return True
    log.warning(
        "this machine's copy of %s does not match the archived sha256: "
        "replaced by the database's copy",
        relative,
    )
    return False


def _inside(relative_path: str | Path) -> str:
    """The path as stored, refused when it would leave the archive folder."""
    relative = PurePosixPath(str(relative_path).replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ArchiveMissing(f"{relative_path} is not a path inside the archive")
    return str(relative_path)
