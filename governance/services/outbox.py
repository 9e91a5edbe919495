"""The outbox: e-mails written with the business change, delivered exactly once later."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Document, Member, OutboxMessage
from governance.db.uow import UnitOfWork
from governance.domain import delivery
from governance.domain.enums import Language, OutboxStatus
from governance.services import timeline
from governance.services.timeline import Actor


def enqueue(
    session: Session,
    *,
    key: str,
    to: str,
    template: str,
    language: Language,
    context: dict[str, Any],
    member_id: int | None = None,
    attachment_keys: list[str] | None = None,
) -> OutboxMessage:
    """Write one message in the caller's transaction; the same key never makes a second one."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=key,
        member_id=member_id,
        to_address=to,
        template=template,
        language=language,
        context=context,
        attachment_keys=attachment_keys or [],
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    key: str
    claim_token: str
    to: str
    template: str
    language: Language
    context: dict[str, Any]
    attachments: list[str]  # archive-relative paths, in the order given
    redelivered: bool
    member_id: int | None = None

    @classmethod
    def of(cls, row: OutboxMessage, paths: dict[str, str]) -> ClaimedMessage:
        """The claimed row as a worker needs it; `paths`: document key -> archive path."""
        assert row.claim_token is not None
        return cls(
            row.id,
            row.idempotency_key,
            row.claim_token,
            row.to_address,
            row.template,
            row.language,
            dict(row.context),
            [paths[k] for k in row.attachment_keys],
            row.redelivered,
            row.member_id,
        )


def reply_office(message: ClaimedMessage, offices: dict[int, str]) -> str | None:
    """The office a reply to `message` should reach: its member's, else the one its context
    names (`reply_office`, e.g. a client writing about a member's contract)."""
    if message.member_id is not None and message.member_id in offices:
        return offices[message.member_id]
    named = message.context.get("reply_office")
    return str(named) if named else None


def offices_of(session: Session, messages: list[ClaimedMessage]) -> dict[int, str]:
    """The office of each message's member (their replies go there), by member id."""
    ids = {m.member_id for m in messages if m.member_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Member.id, Member.office).where(Member.id.in_(ids))).all()
    return {member_id: str(office) for member_id, office in rows}


def recover_stale_claims(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Messages claimed by a worker that died are released for another attempt."""
    now = now or utcnow()
    result = uow.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - delivery.LEASE,
        )
        .values(status=OutboxStatus.PENDING, claim_token=None, redelivered=True)
    )
    uow.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def new_claim_token() -> str:
    return secrets.token_hex(8)


def claim_batch(
    uow: UnitOfWork,
    limit: int,
    now: datetime | None = None,
    keys_prefix: str | None = None,
    token: str | None = None,
) -> list[ClaimedMessage]:
    """Mark up to `limit` due messages as being sent by this worker (compare-and-set); the
    caller may choose the token, so that it knows its claim even if this call fails."""
    now = now or utcnow()
    due = select(OutboxMessage.id, OutboxMessage.attachment_keys).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
    )
    if keys_prefix:
        due = due.where(OutboxMessage.idempotency_key.startswith(keys_prefix))
    rows = uow.session.execute(due.order_by(OutboxMessage.id).limit(limit * 2)).all()
    wanted = {key for _id, keys in rows for key in keys}
    docs: dict[str, str] = {}
    if wanted:
        docs = dict(
            uow.session.execute(
                select(Document.idempotency_key, Document.path).where(
                    Document.idempotency_key.in_(wanted)
                )
            )
            .tuples()
            .all()
        )
    ready = [row_id for row_id, keys in rows if all(k in docs for k in keys)][:limit]
    if not ready:
        uow.rollback()
        return []
    token = token or new_claim_token()
    uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ready), OutboxMessage.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    uow.commit()
    claimed = uow.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING)
        .order_by(OutboxMessage.id)
    ).all()
    result = [ClaimedMessage.of(m, docs) for m in claimed]
    uow.rollback()  # end the read: no lock is held while the messages are sent
    return result


def _mine(message_id: int, token: str) -> Any:
    return and_(
        OutboxMessage.id == message_id,
        OutboxMessage.claim_token == token,
        OutboxMessage.status == OutboxStatus.SENDING,
    )


def mark_sent(
    uow: UnitOfWork, message: ClaimedMessage, subject: str, now: datetime | None = None
) -> None:
    """Record that the SMTP server accepted the message."""
    uow.session.execute(
        update(OutboxMessage)
        .where(_mine(message.id, message.claim_token))
        .values(
            status=OutboxStatus.SENT,
            sent_at=now or utcnow(),
            subject=subject[:300],
            last_error=None,
        )
    )
    uow.commit()


@dataclass(frozen=True)
class UnsettledClaim:
    """What a delivery run that stopped on an error knew of its claim: its token, the messages
    the SMTP server accepted but the run could not record, and the one being sent, if any."""

    token: str
    accepted: list[tuple[ClaimedMessage, str]]  # (message, subject)
    in_flight: ClaimedMessage | None = None


def settle_claims(uow: UnitOfWork, claims: list[UnsettledClaim]) -> tuple[int, int]:
    """In one transaction: the accepted messages become sent, every other message still held
    by these tokens is released at once (flagged redelivered only if it was in flight at the
    error: the server may have taken it). Compare-and-set: a claim released or re-claimed in
    the meantime is left alone. Returns (recorded as sent, released)."""
    now = utcnow()
    sent = released = 0
    for claim in claims:
        for message, subject in claim.accepted:
            result = uow.session.execute(
                update(OutboxMessage)
                .where(_mine(message.id, claim.token))
                .values(
                    status=OutboxStatus.SENT, sent_at=now, subject=subject[:300], last_error=None
                )
            )
            sent += int(result.rowcount or 0)  # type: ignore[attr-defined]
        if claim.in_flight is not None:
            result = uow.session.execute(
                update(OutboxMessage)
                .where(_mine(claim.in_flight.id, claim.token))
                .values(status=OutboxStatus.PENDING, claim_token=None, redelivered=True)
            )
            released += int(result.rowcount or 0)  # type: ignore[attr-defined]
        result = uow.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.claim_token == claim.token,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(status=OutboxStatus.PENDING, claim_token=None)
        )
        released += int(result.rowcount or 0)  # type: ignore[attr-defined]
    uow.commit()
    return sent, released


def mark_failed(
    uow: UnitOfWork,
    message: ClaimedMessage,
    failure: delivery.DeliveryFailure,
    now: datetime | None = None,
) -> OutboxStatus:
    """A 5xx bounces at once; a transient failure retries with backoff until it gives up."""
    now = now or utcnow()
    row = uow.session.scalar(select(OutboxMessage).where(_mine(message.id, message.claim_token)))
    if row is None:  # the claim was lost (lease expired and re-claimed): leave it to its owner
        uow.rollback()
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
            row.status = OutboxStatus.PENDING
            assert decision.next_attempt_at is not None
            row.next_attempt_at = decision.next_attempt_at
    if row.status in (OutboxStatus.BOUNCED, OutboxStatus.FAILED):
        timeline.record(
            uow.session,
            actor=Actor.system("mail"),
            action=f"email_{row.status}",
            subject_type="outbox_message",
            subject_id=row.id,
            member_id=row.member_id,
            details={"template": row.template, "to": row.to_address, "reply": row.last_error},
        )
    uow.commit()
    return row.status


@dataclass(frozen=True)
class OutboxProblem:
    id: int
    to: str
    template: str
    status: OutboxStatus
    reply: str | None


def undeliverable(uow: UnitOfWork) -> list[OutboxProblem]:
    """Bounced and failed messages, for staff."""
    rows = uow.session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.status == OutboxStatus.BOUNCED,
                OutboxMessage.status == OutboxStatus.FAILED,
            )
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [OutboxProblem(r.id, r.to_address, r.template, r.status, r.last_error) for r in rows]
