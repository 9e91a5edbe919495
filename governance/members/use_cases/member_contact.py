"""Use cases: a member changes how they are reached (address, phone, the language of their
letters) and, once the new address is proven, their e-mail address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from governance.db.models import Member
from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.contact import (
    ContactFacts,
    ContactProblem,
    ContactRefused,
    EmailTaken,
    check_contact,
    email_problem,
)
from governance.kernel.rules.enums import Language, MemberStatus
from governance.kernel.rules.errors import InvalidTransition
from governance.members.rules.portal import normalised_email
from governance.members.use_cases import portal_access


def _actor(member: Member) -> Actor:
    return Actor.member(member.member_number or str(member.id))


def _open_member(uow: UnitOfWork, member_id: int) -> Member:
    member = MemberRepository(uow.session).get(member_id)
    if member.status is MemberStatus.ERASED:
        raise InvalidTransition(f"member {member_id} was erased", field="member")
    return member


def change_contact(uow: UnitOfWork, member_id: int, facts: ContactFacts) -> bool:
    """Store the member's address, phone and letters' language; a timeline event names the
    fields changed (not their values). Returns whether anything changed; commits."""
    check_contact(facts)
    member = _open_member(uow, member_id)
    wanted = {
        "language": Language(facts.language),
        "street": facts.street,
        "postcode": facts.postcode,
        "city": facts.city,
        "country": facts.country,
        "phone": facts.phone or None,
    }
    changed = sorted(name for name, value in wanted.items() if getattr(member, name) != value)
    if not changed:
        return False
    for name in changed:
        setattr(member, name, wanted[name])
    uow.timeline.record(
        actor=_actor(member),
        action="member_contact_changed",
        subject_type="member",
        subject_id=member.id,
        member_id=member.id,
        details={"fields": changed},
    )
    uow.commit()
    return True


def email_in_use(uow: UnitOfWork, member_id: int, address: str) -> bool:
    """Whether another (not erased) member's file uses this address."""
    found = uow.session.scalar(
        select(func.count(Member.id))
        .where(func.lower(Member.email) == normalised_email(address))
        .where(Member.id != member_id)
        .where(Member.status != MemberStatus.ERASED)
    )
    return bool(found)


def check_new_email(uow: UnitOfWork, member_id: int, address: str) -> None:
    """Refuse an address that is not one, or that another member's file uses."""
    problem = email_problem(address)
    if problem is not None:
        raise ContactRefused("email", problem)
    if email_in_use(uow, member_id, address):
        raise EmailTaken()


@dataclass(frozen=True)
class EmailChanged:
    """What changing the address did: the notice to the old address (None: there was none)
    and the sessions of the old address ended."""

    new_email: str
    notice_key: str | None
    sessions_ended: int


def notice_key(member_id: int, at: datetime) -> str:
    """The outbox key of the notice to the old address of one change."""
    return f"member:{member_id}:email-changed:{at:%Y%m%dT%H%M%S%f}"


def change_email(uow: UnitOfWork, member_id: int, new_email: str, now: datetime) -> EmailChanged:
    """Make the proven `new_email` the member's address: the old address is told and its
    portal sessions end; commits."""
    address = normalised_email(new_email)
    check_new_email(uow, member_id, address)
    member = _open_member(uow, member_id)
    old = member.email
    if old and normalised_email(old) == address:
        return EmailChanged(address, None, 0)
    member.email = address
    key = None
    ended = 0
    if old:
        key = notice_key(member.id, now)
        uow.outbox.enqueue(
            key=key,
            to=old,
            template="member_email_changed",
            language=member.language,
            context={"name": member.display_name, "coop_name": uow.settings.coop_name},
            member_id=member.id,
        )
        ended = portal_access.end_sessions_of(uow, old, now)
    uow.timeline.record(
        actor=_actor(member),
        action="member_email_changed",
        subject_type="member",
        subject_id=member.id,
        member_id=member.id,
        details={"sessions_ended": ended},
    )
    uow.commit()
    return EmailChanged(address, key, ended)


__all__ = ["ContactFacts", "ContactProblem", "ContactRefused", "EmailTaken", "change_contact"]
