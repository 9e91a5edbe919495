"""Claims that a delivery run could not settle because the database went away in the middle
(a PostgreSQL restart or fail-over): the run knows its claim token, which messages the SMTP
server accepted, and which one was on the wire. It keeps that here, in this process; the next
delivery run in the same process (the task's retry) first records the accepted messages as sent
and releases the rest at once, instead of leaving them for the lease and then sending the
accepted ones a second time. A process that dies loses this memory: its claims are released by
the next run on its host (the process is gone), or by any host after the lease.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from governance.clock import utcnow
from governance.config import Settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules.delivery import ClaimedMessage, UnsettledClaim

_LOCK = threading.Lock()
_KEPT: list[UnsettledClaim] = []


@dataclass
class Claim:
    """One delivery run's claim, followed message by message."""

    token: str
    _accepted: dict[int, tuple[ClaimedMessage, str]] = field(default_factory=dict)
    _in_flight: ClaimedMessage | None = None

    def sending(self, message: ClaimedMessage) -> None:
        self._in_flight = message

    def accepted(self, message: ClaimedMessage, subject: str) -> None:
        """The SMTP server took it; not yet recorded."""
        self._in_flight = None
        self._accepted[message.id] = (message, subject)

    def refused(self) -> None:
        """The server answered with an error: nothing left the building."""
        self._in_flight = None

    def recorded(self, message: ClaimedMessage) -> None:
        """Its outcome is in the database: nothing left to settle for it."""
        self._accepted.pop(message.id, None)
        if self._in_flight is not None and self._in_flight.id == message.id:
            self._in_flight = None

    def unsettled(self) -> UnsettledClaim:
        return UnsettledClaim(self.token, list(self._accepted.values()), self._in_flight)


@contextmanager
def claim(token: str) -> Iterator[Claim]:
    """A claim for one delivery run; if the run raises, what it held is kept for `settle`."""
    current = Claim(token)
    try:
        yield current
    except BaseException:
        with _LOCK:
            _KEPT.append(current.unsettled())
        raise


def kept() -> int:
    with _LOCK:
        return len(_KEPT)


def settle(settings: Settings) -> tuple[int, int]:
    """Record and release what failed runs of this process held: (sent, released). Raises (and
    keeps everything) while the database is still away, so the caller's retry tries again."""
    with _LOCK:
        pending = list(_KEPT)
    if not pending:
        return 0, 0
    with UnitOfWork(settings) as uow:
        result = uow.outbox.settle(pending, utcnow())
        uow.commit()
    with _LOCK:
        for item in pending:
            _KEPT.remove(item)
    return result
