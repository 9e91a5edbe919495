"""The outbox repository: every read and write of outbox rows for delivery.

Messages are written with the business change (`enqueue`, `enqueue_many`), then claimed,
marked and settled by the delivery engine. Nothing here commits: the caller's unit of work
does, so a claim or a mark is one transaction the caller chose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, update
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Document, Member, OutboxMessage
from governance.kernel.rules import delivery
from governance.kernel.rules.delivery import ClaimedMessage, UnsettledClaim
from governance.kernel.rules.enums import Language, OutboxStatus

# Rows per statement for bulk writes: well under the bound-parameter limits of SQLite and
# PostgreSQL, large enough that 75,000 convocations take a few statements.
CHUNK = 5000


@dataclass(frozen=True)
class NewMessage:
    """One e-mail to queue; `key` makes it unique (queuing it again does nothing)."""

    key: str
    to: str
    template: str
    language: Language
    context: dict[str, Any]
    member_id: int | None = None
    attachment_keys: Sequence[str] = ()


@dataclass(frozen=True)
class OutboxProblem:
    id: int
    to: str
    template: str
    status: OutboxStatus
    reply: str | None


class OutboxRepository:
    """Outbox rows through one session; `uow.outbox` in a unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- writing messages ----------------------------------------------------------------

    def enqueue(
        self,
        *,
        key: str,
        to: str,
        template: str,
        language: Language,
        context: dict[str, Any],
        member_id: int | None = None,
        attachment_keys: Sequence[str] | None = None,
    ) -> OutboxMessage:
        """Write one message in the caller's transaction; the same key never makes a second."""
        existing = self.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
        if existing is not None:
            return existing
        message = OutboxMessage(
            idempotency_key=key,
            member_id=member_id,
            to_address=to,
            template=template,
            language=language,
            context=context,
            attachment_keys=list(attachment_keys or []),
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=utcnow(),
        )
        self.session.add(message)
        return message

    def enqueue_many(
        self, messages: Iterable[NewMessage], now: datetime | None = None
    ) -> list[str]:
        """Write many messages with a few multi-row inserts (a GA convening queues 75,000);
        keys already queued are left alone. Returns the keys written, in the order given."""
        now = now or utcnow()
        wanted: dict[str, NewMessage] = {}
        for message in messages:
            wanted.setdefault(message.key, message)
        keys = list(wanted)
        known: set[str] = set()
        for start in range(0, len(keys), CHUNK):
            known.update(
                self.session.scalars(
                    select(OutboxMessage.idempotency_key).where(
                        OutboxMessage.idempotency_key.in_(keys[start : start + CHUNK])
                    )
                )
            )
        rows = [_row(m, now) for key, m in wanted.items() if key not in known]
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(OutboxMessage), rows[start : start + CHUNK])
        return [str(row["idempotency_key"]) for row in rows]

    # --- delivery: claim, mark, settle, release -----------------------------------------

    def claim(
        self, token: str, limit: int, now: datetime, keys_prefix: str | None = None
    ) -> list[ClaimedMessage]:
        """Mark up to `limit` due messages whose attachments all exist as held by `token`
        (compare-and-set: a message another worker took in the meantime is not returned)."""
        due = select(OutboxMessage.id, OutboxMessage.attachment_keys).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
        )
        if keys_prefix:
            due = due.where(OutboxMessage.idempotency_key.startswith(keys_prefix))
        rows = self.session.execute(due.order_by(OutboxMessage.id).limit(limit * 2)).all()
        paths = self._attachment_paths({key for _id, keys in rows for key in keys})
        ready = [row_id for row_id, keys in rows if all(k in paths for k in keys)][:limit]
        if not ready:
            return []
        self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ready), OutboxMessage.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENDING,
                claim_token=token,
                claimed_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        held = self.session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.idempotency_key,
                OutboxMessage.to_address,
                OutboxMessage.template,
                OutboxMessage.language,
                OutboxMessage.context,
                OutboxMessage.attachment_keys,
                OutboxMessage.redelivered,
                OutboxMessage.member_id,
            )
            .where(OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING)
            .order_by(OutboxMessage.id)
        ).all()
        return [
            ClaimedMessage(
                id=row.id,
                key=row.idempotency_key,
                claim_token=token,
                to=row.to_address,
                template=row.template,
                language=row.language,
                context=dict(row.context),
                attachments=[paths[k] for k in row.attachment_keys],
                redelivered=row.redelivered,
                member_id=row.member_id,
            )
            for row in held
        ]

    def _attachment_paths(self, keys: set[str]) -> dict[str, str]:
        """Archived documents' paths by key (a message waits until all of its exist)."""
        if not keys:
            return {}
        found = self.session.execute(
            select(Document.idempotency_key, Document.path).where(
                Document.idempotency_key.in_(keys)
            )
        )
        return dict(found.tuples().all())

    def mark_sent(self, message: ClaimedMessage, subject: str, now: datetime) -> bool:
        """Record that the SMTP server accepted the message (if the claim is still ours)."""
        result = self.session.execute(
            update(OutboxMessage)
            .where(_held(message.id, message.claim_token))
            .values(status=OutboxStatus.SENT, sent_at=now, subject=subject[:300], last_error=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def mark_failed(
        self, message: ClaimedMessage, failure: delivery.DeliveryFailure, now: datetime
    ) -> OutboxStatus:
        """A 5xx bounces at once; a transient failure retries with backoff until it gives up.
        Returns the new status (`sending` when the claim was lost: left to its new owner)."""
        row = self.session.scalar(
            select(OutboxMessage).where(_held(message.id, message.claim_token))
        )
        if row is None:  # the lease expired and another worker claimed it
            return OutboxStatus.SENDING
        row.last_error = failure.reply[:2000]
        row.claim_token = None
        if failure.kind is delivery.FailureKind.PERMANENT:
            row.status = OutboxStatus.BOUNCED
        else:
            decision = delivery.after_transient_failure(row.attempts, now)
            if decision.give_up:
                row.status = OutboxStatus.FAILED
            else:
                assert decision.next_attempt_at is not None
                row.status = OutboxStatus.PENDING
                row.next_attempt_at = decision.next_attempt_at
        self.session.flush()
        return row.status

    def settle(self, claims: Sequence[UnsettledClaim], now: datetime) -> tuple[int, int]:
        """The accepted messages become sent, every other message still held by these tokens
        goes back to pending (flagged redelivered only if it was in flight at the error: the
        server may have taken it). Compare-and-set: a claim released or re-claimed in the
        meantime is left alone. Returns (recorded as sent, released)."""
        sent = released = 0
        for claim in claims:
            for message, subject in claim.accepted:
                if self.mark_sent(message, subject, now):
                    sent += 1
            if claim.in_flight is not None:
                released += self._release(_held(claim.in_flight.id, claim.token), redelivered=True)
            released += self._release(
                and_(
                    OutboxMessage.claim_token == claim.token,
                    OutboxMessage.status == OutboxStatus.SENDING,
                ),
                redelivered=False,
            )
        return sent, released

    def release_abandoned(self, now: datetime, host: str, alive: Callable[[int], bool]) -> int:
        """Claims whose holder is gone go back to pending, flagged redelivered (the message it
        was sending may have been accepted): at once for the processes of `host` that no
        longer run, and for any host once the lease has run out."""
        released = self._release(
            and_(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_at < now - delivery.LEASE,
            ),
            redelivered=True,
        )
        tokens = self.session.scalars(
            select(OutboxMessage.claim_token)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claim_token.startswith(f"{host}."),
            )
            .distinct()
        )
        dead = []
        for token in tokens:
            holder = delivery.claim_holder(token or "")
            if holder is not None and holder[0] == host and not alive(holder[1]):
                dead.append(token)
        if dead:
            released += self._release(
                and_(
                    OutboxMessage.claim_token.in_(dead),
                    OutboxMessage.status == OutboxStatus.SENDING,
                ),
                redelivered=True,
            )
        return released

    def _release(self, where: ColumnElement[bool], *, redelivered: bool) -> int:
        values: dict[str, Any] = {"status": OutboxStatus.PENDING, "claim_token": None}
        if redelivered:
            values["redelivered"] = True
        result = self.session.execute(update(OutboxMessage).where(where).values(**values))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- reading ---------------------------------------------------------------------------

    def offices_of(self, messages: Iterable[ClaimedMessage]) -> dict[int, str]:
        """The office of each message's member (their replies go there), by member id."""
        ids = {m.member_id for m in messages if m.member_id is not None}
        if not ids:
            return {}
        rows = self.session.execute(
            select(Member.id, Member.office).where(Member.id.in_(ids))
        ).tuples()
        return {member_id: str(office) for member_id, office in rows}

    def counts(self, keys_prefix: str) -> dict[OutboxStatus, int]:
        """How many messages whose key starts with `keys_prefix` are in each status."""
        rows = self.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.idempotency_key.startswith(keys_prefix))
            .group_by(OutboxMessage.status)
        ).tuples()
        return {OutboxStatus(status): int(n) for status, n in rows}

    def undeliverable(self) -> list[OutboxProblem]:
        """Bounced and failed messages, for staff."""
        rows = self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_([OutboxStatus.BOUNCED, OutboxStatus.FAILED]))
            .order_by(OutboxMessage.id)
        ).all()
        return [OutboxProblem(r.id, r.to_address, r.template, r.status, r.last_error) for r in rows]

    def forget_member(self, member_id: int, erased: str) -> int:
        """Erasure: the member's messages lose address, context and subject; the ones not yet
        sent are never sent. Returns how many messages were touched."""
        touched = self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.member_id == member_id)
            .values(to_address=erased, context={}, subject=None)
        ).rowcount  # type: ignore[attr-defined]
        self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.member_id == member_id, OutboxMessage.status == OutboxStatus.PENDING
            )
            .values(status=OutboxStatus.FAILED, last_error="member erased before delivery")
        )
        return int(touched or 0)


def _held(message_id: int, token: str) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == message_id,
        OutboxMessage.claim_token == token,
        OutboxMessage.status == OutboxStatus.SENDING,
    )


def _row(message: NewMessage, now: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": message.key,
        "member_id": message.member_id,
        "to_address": message.to,
        "language": message.language,
        "template": message.template,
        "context": message.context,
        "attachment_keys": list(message.attachment_keys),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "redelivered": False,
        "created_at": now,
    }
