"""A hostile SMTP server for the faults suite: random 421/451, connections dropped in the middle
of DATA (before the 250 reply, so nothing was accepted), 550 for chosen recipients; and a
counter of what truly arrived (.eml files, distinct X-Coop-Key)."""

from __future__ import annotations

import email
import random
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from documents.sink import EmlWriter


@dataclass
class Injected:
    """What the server did to its clients."""

    rcpt_451: int = 0
    rcpt_550: int = 0
    data_421: int = 0
    data_451: int = 0
    dropped_before_reply: int = 0
    dropped_after_accept: int = 0
    accepted: int = 0

    @property
    def faults(self) -> int:
        return (self.rcpt_451 + self.rcpt_550 + self.data_421 + self.data_451
                + self.dropped_before_reply + self.dropped_after_accept)


class HostileSmtp(EmlWriter):
    """Refuses `rejected` addresses for good (550) and `always_busy` ones always (451); for the
    others, with probability `p` each: 451 at RCPT, 421 or 451 after DATA, or a dropped
    connection before the reply. `drop_after_accept` writes the message, then drops the
    connection without the 250: the one window where the client cannot know (a duplicate)."""

    def __init__(self, directory: Path, *, seed: int, p: float = 0.08,
                 rejected: frozenset[str] = frozenset(), always_busy: frozenset[str] = frozenset(),
                 drop_after_accept: float = 0.0) -> None:
        super().__init__(directory)
        self.random = random.Random(seed)
        self.p = p
        self.rejected = rejected
        self.always_busy = always_busy
        self.drop_after_accept = drop_after_accept
        self.injected = Injected()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.rejected:
            self.injected.rcpt_550 += 1
            return f"550 5.1.1 <{address}>: mailbox unknown"
        if address in self.always_busy or self.random.random() < self.p:
            self.injected.rcpt_451 += 1
            return "451 4.3.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        roll = self.random.random()
        if roll < self.p:
            self.injected.data_421 += 1
            return "421 4.7.0 too busy, closing"
        if roll < 2 * self.p:
            self.injected.data_451 += 1
            return "451 4.3.2 local error in processing"
        if roll < 3 * self.p:
            # the message was received but not accepted: drop before replying
            self.injected.dropped_before_reply += 1
            assert server.transport is not None
            server.transport.close()
            return "421 connection dropped"  # never reaches the client
        reply = await super().handle_DATA(server, session, envelope)
        self.injected.accepted += 1
        if self.random.random() < self.drop_after_accept:
            self.injected.dropped_after_accept += 1
            assert server.transport is not None
            server.transport.close()
        return reply


@dataclass
class Arrivals:
    """What the mailboxes received."""

    keys: Counter[str] = field(default_factory=Counter)
    recipients: Counter[str] = field(default_factory=Counter)
    message_ids: Counter[str] = field(default_factory=Counter)

    @property
    def files(self) -> int:
        return sum(self.keys.values())

    @property
    def distinct(self) -> int:
        return len(self.keys)

    @property
    def duplicates(self) -> int:
        return self.files - self.distinct


def arrivals(directory: Path) -> Arrivals:
    """Count the .eml files by X-Coop-Key, recipient and Message-ID."""
    found = Arrivals()
    for path in sorted(directory.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.keys[str(message["X-Coop-Key"])] += 1
        found.recipients[str(message["To"])] += 1
        found.message_ids[str(message["Message-ID"])] += 1
    return found
