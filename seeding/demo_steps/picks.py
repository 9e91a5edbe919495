"""Which records the demo's steps work on: the demo's read-only queries.

No use case chooses sample records ("two members per language with an e-mail", "the first
sixty active members", "the payments the bank statement left held"): a use case acts on the
records its caller names. These reads stay here, in the seeding package, so the steps write only
through use cases and flows. Nothing here writes.
"""

from __future__ import annotations

from sqlalchemy import select

from governance.db.models import Member, SharePayment, ShareRefund, TransitionInvitee
from governance.db.models.assembly import AssemblyVoter
from governance.db.models.contracts import Declaration
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.use_cases.members import MemberView
from governance.register.rules.register import PaymentStatus


def with_email_per_language(count: int, skip: int = 0) -> list[int]:
    """`count` members with an e-mail per language (after the first `skip`), by id."""
    chosen: list[int] = []
    with UnitOfWork() as uow:
        for language in Language:
            chosen.extend(
                uow.session.scalars(
                    select(Member.id)
                    .where(Member.language == language, Member.email.is_not(None))
                    .order_by(Member.id)
                    .offset(skip)
                    .limit(count)
                )
            )
    return chosen


def active_members(limit: int | None = None, *, with_email: bool = False) -> list[int]:
    """Active members by id (the first `limit`), only those with an e-mail if asked."""
    query = select(Member.id).where(Member.status == MemberStatus.ACTIVE)
    if with_email:
        query = query.where(Member.email.is_not(None))
    with UnitOfWork() as uow:
        return list(uow.session.scalars(query.order_by(Member.id).limit(limit)))


def people_per_office(per_office: int) -> list[MemberView]:
    """The first `per_office` persons with an e-mail of each office, office by office."""
    chosen: list[MemberView] = []
    with UnitOfWork() as uow:
        for office in Office:
            chosen.extend(
                MemberView.of(m)
                for m in uow.session.scalars(
                    select(Member)
                    .where(
                        Member.office == office,
                        Member.kind == MemberKind.PERSON,
                        Member.email.is_not(None),
                    )
                    .order_by(Member.id)
                    .limit(per_office)
                )
            )
    return chosen


def without_member_number(limit: int) -> list[int]:
    """Members with an e-mail who have no member number yet (their welcome pack waits)."""
    with UnitOfWork() as uow:
        return list(
            uow.session.scalars(
                select(Member.id)
                .where(Member.member_number.is_(None), Member.email.is_not(None))
                .order_by(Member.id)
                .limit(limit)
            )
        )


def declaration_by_ref(external_ref: str) -> int | None:
    """The declaration the client's system numbered `external_ref`, if any."""
    with UnitOfWork() as uow:
        return uow.session.scalar(
            select(Declaration.id).where(Declaration.external_ref == external_ref)
        )


def held_payments() -> list[tuple[int, int | None]]:
    """Payments the bank statement import held for staff: (payment id, subscription id)."""
    with UnitOfWork() as uow:
        rows = uow.session.execute(
            select(SharePayment.id, SharePayment.subscription_id)
            .where(SharePayment.status == PaymentStatus.HELD)
            .order_by(SharePayment.id)
        ).tuples()
        return [(int(p), s) for p, s in rows]


def refund_statuses() -> list[str]:
    """The status of every refund owed."""
    with UnitOfWork() as uow:
        return [str(s) for s in uow.session.scalars(select(ShareRefund.status))]


def invitees(campaign_id: int) -> list[tuple[int, int | None]]:
    """A transition campaign's invitees in order: (member id, subscription id)."""
    with UnitOfWork() as uow:
        rows = uow.session.execute(
            select(TransitionInvitee.member_id, TransitionInvitee.subscription_id)
            .where(TransitionInvitee.campaign_id == campaign_id)
            .order_by(TransitionInvitee.id)
        ).tuples()
        return [(int(m), s) for m, s in rows]


def voters(assembly_id: int, limit: int) -> list[int]:
    """The first `limit` voters of a convened assembly, by member id."""
    with UnitOfWork() as uow:
        return list(
            uow.session.scalars(
                select(AssemblyVoter.member_id)
                .where(AssemblyVoter.assembly_id == assembly_id)
                .order_by(AssemblyVoter.member_id)
                .limit(limit)
            )
        )
