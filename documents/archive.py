"""The document archive: files named by content, with their sha256."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArchivedFile:
    relative_path: str
    sha256: str
    size_bytes: int


def store(archive_dir: Path, folder: str, filename: str, data: bytes) -> ArchivedFile:
    """Write `data` under archive_dir/folder/filename atomically (write, fsync, rename)."""
    digest = hashlib.sha256(data).hexdigest()
    target_dir = archive_dir / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / filename
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
    return ArchivedFile(str(Path(folder) / filename), digest, len(data))
