"""Member records: creation and look-up (onboarding builds on these)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.db.models import Member
from governance.db.repositories.members import MemberRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.errors import NotFound
from governance.members.rules.members import MemberFacts, member_number


@dataclass(frozen=True)
class MemberView:
    """What tasks and documents need of a member."""

    id: int
    member_number: str | None
    kind: MemberKind
    status: MemberStatus
    name: str
    email: str | None
    street: str
    postcode: str
    city: str
    country: str
    language: Language
    office: Office

    @classmethod
    def of(cls, m: Member) -> MemberView:
        return cls(
            m.id,
            m.member_number,
            m.kind,
            m.status,
            m.display_name,
            m.email,
            m.street or "",
            m.postcode or "",
            m.city or "",
            m.country,
            m.language,
            m.office,
        )


def create_member(
    session: Session,
    facts: MemberFacts,
    actor: Actor,
    status: MemberStatus = MemberStatus.APPLICANT,
    national_number_enc: str | None = None,
    identity_hash: str | None = None,
) -> MemberView:
    """Add a member record in the caller's transaction, with its first timeline event."""
    member = MemberRepository(session).add(
        {
            **facts.model_dump(),
            "status": status,
            "national_number_enc": national_number_enc,
            "identity_hash": identity_hash,
        }
    )
    TimelineRepository(session).record(
        actor=actor,
        action="member_created",
        subject_type="member",
        subject_id=member.id,
        member_id=member.id,
        details={"kind": facts.kind, "status": status},
    )
    return MemberView.of(member)


def assign_member_number(session: Session, member_id: int) -> str:
    """Give the member the next member number (once)."""
    member = MemberRepository(session).get(member_id)
    if member.member_number is None:
        highest = session.scalar(select(func.max(Member.member_number)))
        sequence = int(highest[1:]) + 1 if highest else 1
        member.member_number = member_number(sequence)
    return member.member_number


def get_member(session: Session, member_id: int) -> MemberView:
    """What tasks and documents need of the member; NotFound when there is none."""
    return MemberView.of(MemberRepository(session).get(member_id))


def resolve_member(session: Session, ref: str) -> int:
    """A member id from what staff type: the member number (M0000042) or the internal id."""
    ref = ref.strip()
    if ref.isdigit():
        return get_member(session, int(ref)).id
    found = session.scalar(select(Member.id).where(Member.member_number == ref.upper()))
    if found is None:
        raise NotFound(f"there is no member numbered {ref}", field="member")
    return int(found)
