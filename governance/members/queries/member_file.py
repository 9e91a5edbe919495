"""What the cooperative holds about one member, as the member sees it in the portal ("My
file") and takes it away (GDPR art. 15 and 20). Read-only: frozen views, never rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from governance.db.base import Base
from governance.db.models import (
    Document,
    Member,
    OutboxMessage,
    RegisterEntry,
    ShareSubscription,
    TimelineEvent,
)
from governance.db.models.contracts import Declaration
from governance.db.models.grants import GrantApplication
from governance.db.repositories import register
from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import ActorKind, Language, MemberStatus, OutboxStatus
from governance.members.use_cases.erasure_requests import ErasureRequestView, latest_request
from governance.register.rules.register import SubscriptionStatus

TIMELINE_SHOWN = 200
NATIONAL_NUMBER_NOTE = (
    "Your national register number is held encrypted; it is shown only to the staff who keep "
    "the share register and is therefore not part of this export."
)


@dataclass(frozen=True)
class FileFacts:
    member_id: int
    member_number: str | None
    name: str
    status: MemberStatus
    since: datetime
    email: str
    street: str
    postcode: str
    city: str
    country: str
    phone: str
    language: Language


@dataclass(frozen=True)
class HoldingLine:
    share_class: str
    shares: int


@dataclass(frozen=True)
class DocumentLine:
    id: int
    template: str
    created_at: datetime
    language: Language
    format: str


@dataclass(frozen=True)
class EmailLine:
    created_at: datetime
    sent_at: datetime | None
    subject: str
    template: str
    status: OutboxStatus


@dataclass(frozen=True)
class TimelineLine:
    occurred_at: datetime
    action: str
    who: ActorKind  # the member, staff or the system: never a staff login


@dataclass(frozen=True)
class MemberFile:
    facts: FileFacts
    holdings: list[HoldingLine]
    shares_awaiting_payment: int
    documents: list[DocumentLine]
    emails: list[EmailLine]
    timeline: list[TimelineLine]
    erasure: ErasureRequestView | None


def _since(uow: UnitOfWork, member: Member) -> datetime:
    welcomed = uow.session.scalar(
        select(TimelineEvent.occurred_at)
        .where(TimelineEvent.member_id == member.id, TimelineEvent.action == "member_welcomed")
        .order_by(TimelineEvent.occurred_at)
        .limit(1)
    )
    return welcomed or member.created_at


def facts(uow: UnitOfWork, member_id: int) -> FileFacts:
    """The member's own facts (never the national number)."""
    m = MemberRepository(uow.session).get(member_id)
    return FileFacts(
        m.id,
        m.member_number,
        m.display_name,
        m.status,
        _since(uow, m),
        m.email or "",
        m.street or "",
        m.postcode or "",
        m.city or "",
        m.country,
        m.phone or "",
        m.language,
    )


def _documents(uow: UnitOfWork, member_id: int) -> list[DocumentLine]:
    rows = uow.session.scalars(
        select(Document)
        .where(Document.member_id == member_id, Document.voided_at.is_(None))
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return [DocumentLine(d.id, d.template, d.created_at, d.language, d.format.value) for d in rows]


def _emails(uow: UnitOfWork, member_id: int) -> list[EmailLine]:
    rows = uow.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.member_id == member_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return [EmailLine(m.created_at, m.sent_at, m.subject or "", m.template, m.status) for m in rows]


def _timeline(uow: UnitOfWork, member_id: int, limit: int | None) -> list[TimelineLine]:
    query = (
        select(TimelineEvent)
        .where(TimelineEvent.member_id == member_id)
        .order_by(TimelineEvent.occurred_at.desc(), TimelineEvent.id.desc())
    )
    rows = uow.session.scalars(query.limit(limit) if limit else query)
    return [TimelineLine(e.occurred_at, e.action, e.actor_kind) for e in rows]


def member_file(uow: UnitOfWork, member_id: int) -> MemberFile:
    """Everything the "My file" page shows."""
    awaiting = uow.session.scalars(
        select(ShareSubscription.shares).where(
            ShareSubscription.member_id == member_id,
            ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
        )
    )
    return MemberFile(
        facts=facts(uow, member_id),
        holdings=[
            HoldingLine(h.share_class, h.shares)
            for h in sorted(register.current_holdings(uow.session, member_id), key=_by_class)
        ],
        shares_awaiting_payment=sum(awaiting),
        documents=_documents(uow, member_id),
        emails=_emails(uow, member_id),
        timeline=_timeline(uow, member_id, TIMELINE_SHOWN),
        erasure=latest_request(uow, member_id),
    )


def _by_class(holding: register.Holding) -> str:
    return holding.share_class


@dataclass(frozen=True)
class DocumentFile:
    """An archived document ready to stream: its path in the archive (read through
    documents.archive.local_path), its type and a safe file name."""

    relative_path: str
    media_type: str
    filename: str


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def own_document(uow: UnitOfWork, member_id: int, document_id: int) -> DocumentFile | None:
    """The member's own archived document (None: not there, voided, or someone else's)."""
    doc = uow.session.get(Document, document_id)
    if doc is None or doc.member_id != member_id or doc.voided_at is not None:
        return None
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", doc.template).strip("-") or "document"
    filename = f"{stem}-{doc.created_at:%Y-%m-%d}-{doc.id}.{doc.format.value}"
    return DocumentFile(
        doc.path, MEDIA_TYPES.get(doc.format.value, "application/octet-stream"), filename
    )


# --- the export (GDPR art. 15 and 20) ---------------------------------------------------

NEVER_EXPORTED = frozenset(
    {"national_number_enc", "identity_hash", "request_key", "counterparty_id", "claim_token"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # enums, decimals


def _row(row: Base) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in NEVER_EXPORTED
    }


def _rows(uow: UnitOfWork, model: Any, member_id: int) -> list[dict[str, Any]]:
    found = uow.session.scalars(select(model).where(model.member_id == member_id))
    return [_row(r) for r in sorted(found, key=lambda r: r.id)]


def export(uow: UnitOfWork, member_id: int, now: datetime) -> dict[str, Any]:
    """All the member's data as one JSON-ready document (no national number: a note says why)."""
    member = MemberRepository(uow.session).get(member_id)
    emails = [
        {
            "created_at": _plain(m.created_at),
            "to": m.to_address,
            "template": m.template,
            "subject": m.subject,
            "status": m.status.value,
            "sent_at": _plain(m.sent_at),
        }
        for m in uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.member_id == member_id)
            .order_by(OutboxMessage.id)
        )
    ]
    timeline = [
        {"occurred_at": _plain(e.occurred_at), "action": e.action, "by": e.who.value}
        for e in reversed(_timeline(uow, member_id, None))
    ]
    return {
        "exported_at": now.isoformat(),
        "member": _row(member),
        "national_number": NATIONAL_NUMBER_NOTE,
        "register_entries": _rows(uow, RegisterEntry, member_id),
        "share_subscriptions": _rows(uow, ShareSubscription, member_id),
        "contracts": _rows(uow, Declaration, member_id),
        "grant_applications": _rows(uow, GrantApplication, member_id),
        "documents": [
            {
                "id": d.id,
                "kind": d.template,
                "created_at": _plain(d.created_at),
                "language": d.language.value,
                "format": d.format,
            }
            for d in reversed(_documents(uow, member_id))
        ],
        "emails": emails,
        "timeline": timeline,
    }
