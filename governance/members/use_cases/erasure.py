"""Erasure of a member's personal data (GDPR), except what the law makes us keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.db.models import Document, Member
from governance.db.models.onboarding import Application, InformationRequest
from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.members.rules.members import check_erasable
from governance.members.use_cases import members, portal_access

ERASED = "(erased)"
MEMBER_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "company_number",
    "birth_date",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "iban",
    "national_number_enc",
    "identity_hash",
    "attestation_type",
    "attestation_expires_on",
    "external_ref",
)
APPLICATION_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "company_number",
    "vat_number",
    "birth_date",
    "national_number_enc",
    "identity_hash",
    "phone",
    "rejection_reason",
)


_CLOSED_CONTRACT_STATES = ("closed", "cancelled", "canceled", "completed", "ended", "rejected")


def has_open_contracts(session: Session, member_id: int) -> bool:
    """Whether the member has a contract still running (False until contracts exist).

    The contracts area adds a `contract` table on its own branch; until it is merged there
    is nothing to check. Once present, any row of the member not in a closed state counts.
    """
    from governance.db.models import Base

    table = Base.metadata.tables.get("contract")
    if table is None or "member_id" not in table.c:
        return False
    query = select(table.c.member_id).where(table.c.member_id == member_id)
    if "status" in table.c:
        query = query.where(table.c.status.not_in(_CLOSED_CONTRACT_STATES))
    return session.execute(query.limit(1)).first() is not None


def holds_shares(session: Session, member_id: int, today: date) -> bool:
    """Whether the register keeps the member: issued shares, or a subscription awaiting
    payment (the payment would make them a holder whose name the register must show)."""
    from governance.db.models import ShareSubscription
    from governance.register.rules.register import SubscriptionStatus
    from governance.register.use_cases import shares

    if shares.is_shareholder(session, member_id, today):
        return True
    awaiting = select(ShareSubscription.id).where(
        ShareSubscription.member_id == member_id,
        ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
    )
    return session.execute(awaiting.limit(1)).first() is not None


@dataclass(frozen=True)
class Erasure:
    member_id: int
    applications: int
    messages: int
    events: int
    document_paths: list[str]  # archive files to delete once committed


def erase_member(
    uow: UnitOfWork, member_id: int, *, staff: str, now: datetime | None = None
) -> Erasure:
    """Anonymise the member everywhere; refused while shares are held or contracts run."""
    session = uow.session
    member = MemberRepository(session).get(member_id)
    if member.status is MemberStatus.ERASED:
        raise InvalidTransition(f"member {member_id} was erased already", field="member")
    now = now or utcnow()
    check_erasable(
        holds_shares=holds_shares(session, member_id, brussels_date(now)),
        open_contracts=has_open_contracts(session, member_id),
    )
    portal_access.forget_person(uow, member.email, member_id)
    for name in MEMBER_FIELDS:
        setattr(member, name, None)
    member.last_name = ERASED if member.kind == "person" else None
    member.company_name = ERASED if member.kind == "company" else None
    member.status = MemberStatus.ERASED
    apps = list(session.scalars(select(Application).where(Application.member_id == member_id)))
    for app in apps:
        for name in APPLICATION_FIELDS:
            setattr(app, name, None)
        app.email = app.street = app.postcode = app.city = app.iban = ERASED
        session.execute(
            update(InformationRequest)
            .where(InformationRequest.application_id == app.id)
            .values(message=ERASED, answer=None)
        )
    messages = uow.outbox.forget_member(member_id, ERASED)
    uow.decisions.erase_questions(member_id, ERASED)
    events = uow.timeline.erase_details(member_id)
    docs = list(
        session.scalars(
            select(Document).where(Document.member_id == member_id, Document.voided_at.is_(None))
        )
    )
    for doc in docs:
        doc.voided_at, doc.void_reason = now, "personal data erased"
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="member_erased",
        subject_type="member",
        subject_id=member_id,
        member_id=member_id,
        details={"applications": len(apps), "documents": len(docs)},
    )
    uow.commit()
    return Erasure(member_id, len(apps), int(messages), int(events), [d.path for d in docs])


def resolve_member(uow: UnitOfWork, ref: str) -> int:
    """A member id from what staff type: the member number (M0000042) or the id."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        return members.get_member(uow.session, int(ref)).id
    found = uow.session.scalar(select(Member.id).where(Member.member_number == ref.upper()))
    if found is None:
        raise NotFound(f"there is no member numbered {ref}", field="member")
    return int(found)
