"""Erasure of a member's personal data (GDPR), except what the law makes us keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from governance.clock import brussels_date, utcnow
from governance.db.models import Document, Member
from governance.db.models.onboarding import Application, InformationRequest
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.members.rules.members import check_erasable
from governance.members.use_cases import members, portal_access
from governance.members.use_cases.onboarding import has_open_contracts, holds_shares

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
    member = members.get_member(session, member_id)
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
