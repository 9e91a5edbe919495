"""The delivery engine: claim -> send -> mark, one loop for every path.

A claim is a compare-and-set of a small batch of due outbox rows, tagged with this host and
process; each message is marked sent as soon as the SMTP server accepts it (the window for a
duplicate is one reply). A crash loses nothing and repeats at most the message on the wire:
- a later run on the same host releases at once the claims of a process that is gone, and any
  run releases the claims of any host once the lease has run out;
- a run that stops on a database error keeps what it knew in this process (delivery_claims),
  and the next run records it before claiming anything.

How a message is written and carried (MIME, SMTP, yagmail) is a `Mailer`'s business: the
documents package implements it, tasks wire the two. The single path uses one mailer; the bulk
path runs several threads, each with its own mailer (one SMTP connection each).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from governance.clock import utcnow
from governance.config import Settings, get_settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules import delivery
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.delivery import ClaimedMessage, SendResult
from governance.kernel.rules.enums import OutboxStatus
from governance.kernel.use_cases import delivery_claims
from governance.placeholders import require_ready

# This host in claim tokens: short, stable, and no machine name in the database.
HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


class Mailer(Protocol):
    """Writes and sends one message; an SMTP reply is a result, not an exception."""

    def send(self, message: ClaimedMessage, reply_to: str | None) -> SendResult: ...

    def close(self) -> None: ...


MailerFactory = Callable[[], Mailer]
_REPORT_LOCK = threading.Lock()


@dataclass
class DeliveryReport:
    """How a delivery run's messages ended: sent, to retry later, bounced, given up."""

    sent: int = 0
    retrying: int = 0
    bounced: int = 0
    failed: int = 0

    def count(self, status: OutboxStatus) -> None:
        """One more message whose delivery ended in `status` (thread-safe)."""
        with _REPORT_LOCK:
            if status is OutboxStatus.SENT:
                self.sent += 1
            elif status is OutboxStatus.BOUNCED:
                self.bounced += 1
            elif status is OutboxStatus.FAILED:
                self.failed += 1
            else:
                self.retrying += 1

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.bounced += other.bounced
        self.failed += other.failed

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "bounced": self.bounced,
            "failed": self.failed,
        }


def new_claim_token() -> str:
    """A claim token naming this host and process (see `release_abandoned`)."""
    return delivery.claim_token(HOST, os.getpid(), secrets.token_hex(4))


def process_alive(pid: int) -> bool:
    """Whether a process of this host still runs (signal 0 only checks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, under another user
        return True
    return True


def reply_office(message: ClaimedMessage, offices: dict[int, str]) -> str | None:
    """The office a reply to `message` should reach: its member's, else the one its context
    names (`reply_office`, e.g. a client writing about a member's contract)."""
    if message.member_id is not None and message.member_id in offices:
        return offices[message.member_id]
    named = message.context.get("reply_office")
    return str(named) if named else None


def release_abandoned(settings: Settings, now: datetime | None = None) -> int:
    """Release the claims of dead processes of this host at once, and of any host after the
    lease; returns how many messages went back to pending."""
    with UnitOfWork(settings) as uow:
        released = uow.outbox.release_abandoned(now or utcnow(), HOST, process_alive)
        uow.commit()
    return released


def deliver_pending(
    new_mailer: MailerFactory,
    settings: Settings | None = None,
    *,
    batch_size: int = 200,
    max_batches: int | None = None,
    keys_prefix: str | None = None,
) -> DeliveryReport:
    """Claim due messages (only those whose key starts with `keys_prefix`, if given), send
    each over one mailer, mark each: a crash loses nothing and repeats at most one."""
    settings = _ready(settings)
    report = DeliveryReport()
    with closing(new_mailer()) as mailer:
        _deliver(settings, mailer, report, batch_size, keys_prefix, max_batches)
    return report


def deliver_prefix(
    new_mailer: MailerFactory,
    keys_prefix: str,
    settings: Settings | None = None,
    *,
    connections: int = 3,
    batch: int = 25,
) -> DeliveryReport:
    """Send every due message whose key starts with `keys_prefix` from `connections` threads,
    each with its own mailer (a kept SMTP connection) and claim; returns what happened."""
    settings = _ready(settings)
    report = DeliveryReport()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with closing(new_mailer()) as mailer:
                _deliver(settings, mailer, report, batch, keys_prefix, None)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, name=f"smtp-{i}") for i in range(max(1, connections))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return report


def _ready(settings: Settings | None) -> Settings:
    """Before any claim: no placeholder on a letter, what an earlier run of this process could
    not record is recorded, abandoned claims are released."""
    settings = settings or get_settings()
    require_ready(settings, "send member mail")  # production: no placeholder on a letter
    delivery_claims.settle(settings)
    release_abandoned(settings)
    return settings


def _deliver(
    settings: Settings,
    mailer: Mailer,
    report: DeliveryReport,
    batch: int,
    keys_prefix: str | None,
    max_batches: int | None,
) -> None:
    """The loop: claim a batch, send and mark each message, until nothing is due."""
    batches = 0
    with UnitOfWork(settings) as uow, delivery_claims.claim(new_claim_token()) as claim:
        while max_batches is None or batches < max_batches:
            claimed = uow.outbox.claim(claim.token, batch, utcnow(), keys_prefix)
            uow.commit()  # the claim is ours before anything is sent
            if not claimed:
                return
            batches += 1
            offices = uow.outbox.offices_of(claimed)
            uow.rollback()  # end the read: no lock is held while the messages are sent
            for message in claimed:
                reply_to = settings.reply_to(reply_office(message, offices))
                report.count(_send_one(uow, mailer, message, claim, reply_to))


def _send_one(
    uow: UnitOfWork,
    mailer: Mailer,
    message: ClaimedMessage,
    claim: delivery_claims.Claim,
    reply_to: str | None,
) -> OutboxStatus:
    claim.sending(message)
    result = mailer.send(message, reply_to)
    if result.failure is None:
        claim.accepted(message, result.subject)
        uow.outbox.mark_sent(message, result.subject, utcnow())  # at once: the window is one reply
        uow.commit()
        claim.recorded(message)
        return OutboxStatus.SENT
    if result.answered:
        claim.refused()  # a reply: nothing left. Else it stays "in flight" until recorded.
    status = uow.outbox.mark_failed(message, result.failure, utcnow())
    if status in (OutboxStatus.BOUNCED, OutboxStatus.FAILED):
        uow.timeline.record(
            actor=Actor.system("mail"),
            action=f"email_{status}",
            subject_type="outbox_message",
            subject_id=message.id,
            member_id=message.member_id,
            details={
                "template": message.template,
                "to": message.to,
                "reply": result.failure.reply[:2000],
            },
        )
    uow.commit()
    claim.recorded(message)
    return status
