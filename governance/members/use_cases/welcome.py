"""Welcoming an admitted member: member number, welcome letter and e-mail (via the outbox)."""

from __future__ import annotations

from dataclasses import dataclass

from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import outbox
from governance.members.use_cases import members
from governance.members.use_cases.members import MemberView


@dataclass(frozen=True)
class WelcomePack:
    """What the welcome letter needs; `letter_key` is the document the e-mail waits for."""

    member: MemberView
    letter_key: str
    share_class: str
    shares: int
    amount_cents: int


def welcome_letter_key(member_id: int) -> str:
    return f"doc:welcome_letter:{member_id}"


def welcome_member(
    uow: UnitOfWork,
    member_id: int,
    *,
    share_class: str,
    shares: int,
    amount_cents: int,
    actor: Actor,
) -> WelcomePack:
    """Assign the member number and queue the welcome e-mail; safe to call twice."""
    session = uow.session
    member = MemberRepository(session).get(member_id)
    if member.status in (MemberStatus.ERASED, MemberStatus.EXCLUDED, MemberStatus.DECEASED):
        raise InvalidTransition(f"member {member_id} is {member.status}: no welcome pack")
    first_time = member.member_number is None
    number = members.assign_member_number(session, member.id)
    letter_key = welcome_letter_key(member_id)
    outbox.tell_member(
        session,
        member,
        key=mail_keys.welcome(member_id),
        template="welcome",
        attachment_keys=[letter_key],
        context={"member_number": number},
    )
    if first_time:
        uow.timeline.record(
            actor=actor,
            action="member_welcomed",
            subject_type="member",
            subject_id=member_id,
            member_id=member_id,
            details={"member_number": number, "email": bool(member.email)},
        )
    uow.commit()
    return WelcomePack(MemberView.of(member), letter_key, share_class, shares, amount_cents)
