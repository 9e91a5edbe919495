"""One run at a time for a subject: a flow wraps its steps in `one_run_at_a_time`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from governance.config import get_settings
from governance.db.run_locks import AlreadyRunning, exclusive


@contextmanager
def one_run_at_a_time(name: str, what: str) -> Iterator[None]:
    """Refuse (AlreadyRunning, a message for staff) while another run holds `name`; the lock
    is freed when this block ends or this process dies."""
    with exclusive(get_settings().resolved_database_url(), name, what):
        yield


__all__ = ["AlreadyRunning", "one_run_at_a_time"]
