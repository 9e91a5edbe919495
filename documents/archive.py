"""The document archive: files named by content, with their sha256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from documents.private_files import write_private


@dataclass(frozen=True)
class ArchivedFile:
    relative_path: str
    sha256: str
    size_bytes: int


def store(archive_dir: Path, folder: str, filename: str, data: bytes) -> ArchivedFile:
    """Write `data` under archive_dir/folder/filename atomically (write, fsync, rename), mode
    0600: archived letters hold names, addresses and ballot codes."""
    digest = hashlib.sha256(data).hexdigest()
    write_private(archive_dir / folder / filename, data)
    return ArchivedFile(str(Path(folder) / filename), digest, len(data))
