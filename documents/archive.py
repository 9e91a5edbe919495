"""The document archive: files named by content, with their sha256.

COOP_ARCHIVE_STORE=local (the default): the archive is the folder COOP_ARCHIVE_DIR, on one
machine. COOP_ARCHIVE_STORE=database: every file is also kept by an `ArchiveStore` every worker
reaches (the database's, given once at start-up by the entrance through `use_database_store`),
written first, and the folder is this machine's cache, filled on first read. Every read goes
through `local_path`; every write through `store`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from documents.private_files import write_private
from governance.config import ArchiveStore as StoreSetting
from governance.config import Settings, get_settings

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


class StoredCopy(Protocol):
    """A file as the store keeps it: its bytes and the sha256 recorded when it was archived."""

    @property
    def sha256(self) -> str: ...

    @property
    def content(self) -> bytes: ...


class ArchiveStore(Protocol):
    """Where archived files are kept beyond this machine's folder, reached by every worker (the
    database's). Each call is its own short transaction; picklable, as it travels in a Place."""

    def put(self, relative_path: str, sha256: str, data: bytes, *, replace: bool) -> str | None:
        """Keep `data` once; other content already there is replaced when `replace`, else left
        as it is and its sha256 returned."""
        ...

    def sha256_of(self, relative_path: str) -> str | None:
        """The kept file's sha256, None when it is not kept."""
        ...

    def content_of(self, relative_path: str) -> StoredCopy | None:
        """The kept file's sha256 and bytes, None when it is not kept."""
        ...

    def remove(self, relative_path: str) -> None:
        """Forget the file."""
        ...


_open_database_store: Callable[[str], ArchiveStore] | None = None


def use_database_store(open_store: Callable[[str], ArchiveStore]) -> None:
    """How to reach the archive in the database at a URL (COOP_ARCHIVE_STORE=database): given
    once at start-up by each entrance (tasks, the coop CLI and its pages)."""
    global _open_database_store
    _open_database_store = open_store


@dataclass(frozen=True)
class ArchivedFile:
    relative_path: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class Place:
    """Where archived files go: this machine's folder and, with the database store, that
    store. Picklable: render workers get it with their jobs, so a worker started earlier never
    writes with settings of its own."""

    directory: Path
    store: ArchiveStore | None = None  # None: the folder is the archive

    @classmethod
    def of(cls, settings: Settings) -> Place:
        """The configured archive."""
        return cls.at(settings.resolved_archive_dir(), settings)

    @classmethod
    def at(cls, directory: Path, settings: Settings | None = None) -> Place:
        """The configured store, with this folder as the local archive (or cache)."""
        settings = settings or get_settings()
        if settings.archive_store is not StoreSetting.DATABASE:
            return cls(Path(directory))
        if _open_database_store is None:
            raise RuntimeError(
                "COOP_ARCHIVE_STORE=database, but this process was given no database store at "
                "start-up (documents.archive.use_database_store)"
            )
        return cls(Path(directory), _open_database_store(settings.resolved_database_url()))


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
    if place.store is not None:
        known = place.store.put(relative, digest, data, replace=replace)
        if known is not None:
            raise ArchiveConflict(
                f"{relative} is already archived with other content (sha256 {known}); "
                f"an archived file is never replaced (new sha256 {digest})"
            )
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
    if place.store is None:
        if path.is_file():
            return path
        raise ArchiveMissing(f"archived file {relative} is not in the archive {place.directory}")
    if path.is_file() and _cached_copy_is_current(place.store, relative, path):
        return path
    found = place.store.content_of(relative)
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
    if place.store is not None:
        place.store.remove(relative)
    (place.directory / relative).unlink(missing_ok=True)


def _cached_copy_is_current(store: ArchiveStore, relative: str, path: Path) -> bool:
    """A cached copy is used only while it matches the database's sha256 (a file archived
    before the database store was turned on has no row: it is used as it is)."""
    expected = store.sha256_of(relative)
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
