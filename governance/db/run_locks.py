"""One run at a time for a subject (e.g. the convening of one assembly), decided by the database.

A lock held for the whole run, released by the database when the run's process is gone, so a run
killed mid-way never blocks the re-run that finishes its job:

- PostgreSQL: a session advisory lock on a connection held by the run (server-side TCP
  keepalives: a machine that vanishes frees it within about a minute);
- SQLite (one machine): an exclusive `flock` on a file beside the database.

A second start while the first runs is refused with `AlreadyRunning`, a message for staff,
before it writes anything (two runs rendering the same documents collided on a document key).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from governance.kernel.rules.errors import RuleViolation


class AlreadyRunning(RuleViolation):
    """Another run holds this subject; this one is refused before it starts."""

    code = "already_running"


def _key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _refusal(name: str, what: str) -> AlreadyRunning:
    return AlreadyRunning(
        f"{what} is already running in another run: this start is refused and changes "
        "nothing; the running one does the whole job. If that run was lost (its machine "
        "stopped), it is marked Crashed and its lock freed when its process is gone: then "
        f"start again. (lock: {name})"
    )


@contextmanager
def exclusive(url: str, name: str, what: str) -> Iterator[None]:
    """Hold the lock `name` on the database at `url` while the block runs; `what` names the
    subject for staff ("the convening of assembly 42")."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        with _file_lock(url, name, what):
            yield
        return
    with _advisory_lock(url, name, what):
        yield


@contextmanager
def _file_lock(url: str, name: str, what: str) -> Iterator[None]:
    database = make_url(url).database or ""
    if database in ("", ":memory:"):
        yield  # a private in-memory database: nobody else can run
        return
    folder = Path(f"{database}.run-locks")
    folder.mkdir(mode=0o700, exist_ok=True)
    safe = hashlib.sha256(name.encode()).hexdigest()[:32]
    fd = os.open(folder / f"{safe}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refusal(name, what) from None
        yield
    finally:
        os.close(fd)  # releases the lock (as the process's death would)


@contextmanager
def _advisory_lock(url: str, name: str, what: str) -> Iterator[None]:
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for setting in ("tcp_keepalives_idle = 30", "tcp_keepalives_interval = 10",
                            "tcp_keepalives_count = 3"):  # fmt: skip
                conn.execute(text(f"SET {setting}"))
            taken = conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": _key(name)})
            if not taken:
                raise _refusal(name, what)
            try:
                yield
            finally:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _key(name)})
                except SQLAlchemyError:
                    pass  # the connection is gone: so is the lock
    finally:
        engine.dispose()
