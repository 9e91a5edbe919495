"""Share certificates of issued subscriptions: which are due, what each says, its e-mail.

Every function here works in the caller's session and never commits, except the e-mail's
(`queue_certificate_mail`), a use case of its own.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.db.models import Document, Member, RegisterEntry, ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.use_cases import outbox
from governance.register.rules.register import EntryKind, SubscriptionStatus
from governance.register.use_cases import share_changes
from governance.register.use_cases.share_changes import Certificate
from governance.register.use_cases.shares import _subscription

__all__ = [
    "queue_certificate_mail",
    "subscription_certificate",
    "subscriptions_without_certificate",
]


def subscription_certificate(session: Session, subscription_id: int) -> Certificate | None:
    """The certificate an issued subscription gives (None while unpaid or cancelled)."""
    sub = _subscription(session, subscription_id)
    if sub.status is not SubscriptionStatus.ISSUED or sub.issued_on is None:
        return None
    sequence = session.scalar(
        select(RegisterEntry.sequence).where(
            RegisterEntry.subscription_id == sub.id, RegisterEntry.kind == EntryKind.ISSUE
        )
    )
    assert sequence is not None
    return share_changes.certificate(
        session, sub.member_id, sub.share_class, sequence, sub.issued_on
    )


def subscriptions_without_certificate(session: Session, limit: int = 500) -> list[int]:
    """Issued subscriptions (not taken over from a spreadsheet) with no certificate yet."""
    rows = (
        session.execute(
            select(
                ShareSubscription.id,
                ShareSubscription.member_id,
                ShareSubscription.share_class,
                RegisterEntry.sequence,
            )
            .join(
                RegisterEntry,
                (RegisterEntry.subscription_id == ShareSubscription.id)
                & (RegisterEntry.kind == EntryKind.ISSUE),
            )
            .where(
                ShareSubscription.status == SubscriptionStatus.ISSUED,
                ~func.coalesce(ShareSubscription.request_key, "").startswith("import:"),
            )
            .order_by(ShareSubscription.id)
        )
        .tuples()
        .all()
    )
    keys = {sid: share_changes.certificate_key(m, c, seq) for sid, m, c, seq in rows}
    have = set(
        session.scalars(
            select(Document.idempotency_key).where(
                Document.idempotency_key.in_(list(keys.values())[:20000])
            )
        )
    )
    return [sid for sid, key in keys.items() if key not in have][:limit]


def queue_certificate_mail(uow: UnitOfWork, subscription_id: int, document_key: str) -> bool:
    """E-mail the certificate of an issued subscription (waits for the document; once).
    Commits."""
    session = uow.session
    sub = _subscription(session, subscription_id)
    member = session.get(Member, sub.member_id)
    if sub.status is not SubscriptionStatus.ISSUED or member is None:
        return False
    queued = outbox.tell_member(
        session,
        member,
        key=mail_keys.share_certificate(sub.id),
        template="share_certificate",
        attachment_keys=[document_key],
        context={"shares": sub.shares, "share_class": sub.share_class},
    )
    uow.commit()
    return queued
