"""Files holding personal data: private to the service account, whatever was there before.

A file is written to a new temporary file created with mode 0600 in the same folder, synced,
then renamed over the target: a pre-existing file's wider mode (0644) is never kept, a reader
never sees half a file, and a crash leaves the old file or the new one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` with mode 0600 (atomically); creates missing folders 0700."""
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE)  # whatever the umask or the file system did
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
