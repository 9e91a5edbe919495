"""After the invitations: answers, reminders to those who have not paid, restriction, figures.

Reminders and restriction work in chunks selected by what is still to do (so a re-run picks up
exactly the rest); each chunk commits once with its timeline events and outbox rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Row, exists, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.db.models import (
    Member,
    RegisterHead,
    ShareHolding,
    ShareSubscription,
    TransitionCampaign,
    TransitionInvitee,
)
from governance.db.repositories import register as store
from governance.db.repositories.register import NewEntry
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.use_cases import outbox
from governance.register.rules.register import EntryKind, SubscriptionStatus
from governance.register.use_cases import shares
from governance.transition.rules.transition import (
    CampaignClosed,
    InviteeFacts,
    InviteeResponse,
    reminder_to_send,
)
from governance.transition.use_cases.transition import (
    CampaignView,
    _letter,
    find_campaign,
    get_campaign,
    payment_context,
)

_HOLDS = exists().where(
    ShareHolding.member_id == TransitionInvitee.member_id, ShareHolding.shares > 0
)


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class ResponseRecorded:
    campaign: str
    member_id: int
    response: InviteeResponse
    subscription_cancelled: bool
    already: bool = False


def record_response(
    uow: UnitOfWork,
    *,
    member_id: int,
    response: InviteeResponse,
    staff: str,
    campaign_name: str | None = None,
    today: date,
) -> ResponseRecorded:
    """A member answers "not now" (no more reminders) or resigns (subscription cancelled,
    member resigned). Refused once the member paid. Commits."""
    session = uow.session
    campaign = find_campaign(session, campaign_name)
    invitee = _locked_invitee(session, campaign, member_id)
    if invitee.response is response:
        return ResponseRecorded(campaign.name, member_id, response, False, already=True)
    if invitee.response is InviteeResponse.RESIGN:
        raise InvalidTransition(f"member {member_id} has already resigned", field="response")
    head = store.lock_head(session)
    sub = (
        session.get(ShareSubscription, invitee.subscription_id) if invitee.subscription_id else None
    )
    if sub is not None and sub.status is SubscriptionStatus.ISSUED:
        raise InvalidTransition(
            f"member {member_id} has paid and holds a share; a resignation goes through the "
            "register's resignation process",
            field="response",
        )
    actor = Actor.staff(staff)
    invitee.response = response
    invitee.responded_at = utcnow()
    invitee.responded_by = staff
    cancelled = False
    if response is InviteeResponse.RESIGN:
        cancelled = _resign(session, head, member_id, sub, today)
    uow.timeline.record(
        actor=actor,
        action=f"transition_answered_{response}",
        subject_type="transition_campaign",
        subject_id=campaign.id,
        member_id=member_id,
        details={"subscription_cancelled": cancelled},
    )
    uow.commit()
    return ResponseRecorded(campaign.name, member_id, response, cancelled)


def _locked_invitee(session: Session, campaign: CampaignView, member_id: int) -> TransitionInvitee:
    """The member's invitation in the campaign, locked for the answer."""
    invitee = session.scalar(
        select(TransitionInvitee)
        .where(
            TransitionInvitee.campaign_id == campaign.id, TransitionInvitee.member_id == member_id
        )
        .with_for_update()
    )
    if invitee is None:
        raise NotFound(
            f"member {member_id} is not invited by the campaign '{campaign.name}'", field="member"
        )
    return invitee


def _resign(
    session: Session,
    head: RegisterHead,
    member_id: int,
    sub: ShareSubscription | None,
    today: date,
) -> bool:
    """The member resigns; a subscription still awaiting payment is cancelled in the register
    (whether one was)."""
    member = session.get(Member, member_id)
    assert member is not None
    member.status = MemberStatus.RESIGNED
    if sub is None or sub.status is not SubscriptionStatus.AWAITING_PAYMENT:
        return False
    sub.status = SubscriptionStatus.CANCELLED
    sub.cancelled_on = today
    store.append(
        session,
        head,
        [
            NewEntry(
                EntryKind.CANCELLATION,
                today,
                member_id,
                sub.share_class,
                sub.shares,
                sub.paid_cents,
                subscription_id=sub.id,
                reference="declined: member resigned",
            )
        ],
    )
    return True


# --------------------------------------------------------------------------- chunks


def _next_chunk(
    session: Session,
    campaign_id: int,
    limit: int,
    *conditions: ColumnElement[bool],
    with_subscription: bool,
) -> Sequence[Row[tuple[TransitionInvitee, Member, ShareSubscription]]]:
    """The campaign's next `limit` invitees meeting `conditions` who hold no share yet, locked,
    with their member and subscription (only those with one when `with_subscription`, else
    the subscription may be None). What a chunk handles leaves the conditions, so a re-run
    picks up exactly the rest."""
    query = select(TransitionInvitee, Member, ShareSubscription).join(
        Member, Member.id == TransitionInvitee.member_id
    )
    on_subscription = ShareSubscription.id == TransitionInvitee.subscription_id
    query = (
        query.join(ShareSubscription, on_subscription)
        if with_subscription
        else query.outerjoin(ShareSubscription, on_subscription)
    )
    return session.execute(
        query.where(TransitionInvitee.campaign_id == campaign_id, *conditions, ~_HOLDS)
        .order_by(TransitionInvitee.id)
        .limit(limit)
        .with_for_update(of=TransitionInvitee)
    ).all()


# --------------------------------------------------------------------------- reminders


@dataclass
class ChunkResult:
    done: int  # members handled in this chunk
    emailed: int
    postal: list[int]  # member ids to write to by post


def send_reminders(
    uow: UnitOfWork, campaign_id: int, today: date, limit: int, actor: Actor
) -> ChunkResult:
    """Remind the next chunk of invitees who owe the stage due today and have not paid.

    Payers, members who answered, and members already reminded for this stage are skipped by
    the query itself; the latest stage only is sent (a catch-up run sends one reminder)."""
    session = uow.session
    campaign = get_campaign(session, campaign_id)
    stage = campaign.plan.reminders_due(today)
    if stage == 0:
        return ChunkResult(0, 0, [])
    rows = _next_chunk(
        session,
        campaign_id,
        limit,
        TransitionInvitee.invited_at.is_not(None),
        TransitionInvitee.reminders_sent < stage,
        TransitionInvitee.response.is_(None),
        ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
        with_subscription=True,
    )
    now = utcnow()
    result = ChunkResult(len(rows), 0, [])
    for invitee, member, sub in rows:
        if not reminder_to_send(stage, invitee.reminders_sent):
            continue
        invitee.reminders_sent = stage
        invitee.last_reminded_at = now
        letter = _letter(campaign, member, shares.SubscriptionView.of(sub))
        if member.email:
            outbox.enqueue(
                session,
                key=mail_keys.transition_key(campaign_id, f"reminder{stage}", member.id),
                to=member.email,
                template="transition_reminder",
                language=member.language,
                context=payment_context(campaign, letter),
                member_id=member.id,
                attachment_keys=[letter.document_key],
            )
            result.emailed += 1
        else:
            result.postal.append(member.id)
        uow.timeline.record(
            actor=actor,
            action="transition_reminded",
            subject_type="transition_campaign",
            subject_id=campaign_id,
            member_id=member.id,
            details={"stage": stage, "by": "e-mail" if member.email else "post"},
        )
    uow.commit()
    return result


# --------------------------------------------------------------------------- restriction


def restrict_members(
    uow: UnitOfWork, campaign_id: int, today: date, limit: int, actor: Actor
) -> ChunkResult:
    """On or after the restriction date: the next chunk of invitees still without a share
    become RESTRICTED and are told so (e-mail, or the postal list)."""
    session = uow.session
    campaign = get_campaign(session, campaign_id)
    if today < campaign.restriction_on:
        raise CampaignClosed(
            f"restriction applies from {campaign.restriction_on.isoformat()}, not before",
            field="restriction_on",
        )
    rows = _next_chunk(
        session,
        campaign_id,
        limit,
        TransitionInvitee.restricted_at.is_(None),
        Member.status.in_([MemberStatus.ACTIVE, MemberStatus.RESTRICTED]),
        ShareSubscription.status.is_distinct_from(SubscriptionStatus.ISSUED),
        with_subscription=False,
    )
    now = utcnow()
    result = ChunkResult(len(rows), 0, [])
    for invitee, member, sub in rows:
        invitee.restricted_at = now
        member.status = MemberStatus.RESTRICTED
        if outbox.tell_member(
            session,
            member,
            key=mail_keys.transition_key(campaign_id, "restricted", member.id),
            template="transition_restricted",
            context={
                "restriction_on": campaign.restriction_on.isoformat(),
                "questions": _questions(),
                **_still_payable(sub),
            },
        ):
            result.emailed += 1
        else:
            result.postal.append(member.id)
        uow.timeline.record(
            actor=actor,
            action="member_restricted",
            subject_type="transition_campaign",
            subject_id=campaign_id,
            member_id=member.id,
            details={"reason": "no share at the restriction date"},
        )
    if not rows:
        row = session.get(TransitionCampaign, campaign_id)
        if row is not None and row.restricted_at is None:
            row.restricted_at = now
    uow.commit()
    return result


def lift_restrictions(uow: UnitOfWork, campaign_id: int, actor: Actor) -> int:
    """Members restricted by the campaign who have paid since become ACTIVE again."""
    session = uow.session
    rows = session.execute(
        select(TransitionInvitee, Member)
        .join(Member, Member.id == TransitionInvitee.member_id)
        .where(
            TransitionInvitee.campaign_id == campaign_id,
            TransitionInvitee.restricted_at.is_not(None),
            Member.status == MemberStatus.RESTRICTED,
            _HOLDS,
        )
    ).all()
    for _invitee, member in rows:
        member.status = MemberStatus.ACTIVE
        uow.timeline.record(
            actor=actor,
            action="member_restriction_lifted",
            subject_type="transition_campaign",
            subject_id=campaign_id,
            member_id=member.id,
            details={"reason": "holds a share"},
        )
    uow.commit()
    return len(rows)


def _still_payable(sub: ShareSubscription | None) -> dict[str, str | int]:
    """What to pay and how, when the invitation's subscription is still open: the restriction
    e-mail says it, so paying lifts the restriction without a further exchange."""
    if sub is None or sub.status != SubscriptionStatus.AWAITING_PAYMENT:
        return {}
    from governance.config import get_settings

    settings = get_settings()
    return {
        "amount_cents": sub.amount_cents - sub.paid_cents,
        "iban": settings.coop_iban,
        "bic": settings.coop_bic,
        "communication": sub.structured_communication or "",
    }


def _questions() -> str:
    from governance.config import get_settings

    return get_settings().staff_mailbox


# --------------------------------------------------------------------------- figures


def conversion_facts(session: Session, campaign_id: int) -> list[InviteeFacts]:
    """Every invitee with what became of the invitation (for the conversion figures)."""
    rows = session.execute(
        select(
            TransitionInvitee.office,
            TransitionInvitee.language,
            TransitionInvitee.invited_at,
            ShareSubscription.status,
            ShareSubscription.issued_on,
            TransitionInvitee.response,
            TransitionInvitee.restricted_at,
        )
        .outerjoin(ShareSubscription, ShareSubscription.id == TransitionInvitee.subscription_id)
        .where(TransitionInvitee.campaign_id == campaign_id)
    ).all()
    return [
        InviteeFacts(
            office=str(office),
            language=str(language),
            invited_on=brussels_date(invited_at) if invited_at else None,
            paid_on=issued_on if status is SubscriptionStatus.ISSUED else None,
            response=response,
            restricted=restricted_at is not None,
        )
        for office, language, invited_at, status, issued_on, response, restricted_at in rows
    ]


def postal_followups(session: Session, campaign_id: int) -> dict[str, list[tuple[str, ...]]]:
    """Members without e-mail to write to: per reminder stage sent, and the restricted ones."""
    rows = session.execute(
        select(Member, TransitionInvitee.reminders_sent, TransitionInvitee.restricted_at)
        .join(TransitionInvitee, TransitionInvitee.member_id == Member.id)
        .where(
            TransitionInvitee.campaign_id == campaign_id,
            TransitionInvitee.postal.is_(True),
            (TransitionInvitee.reminders_sent > 0) | TransitionInvitee.restricted_at.is_not(None),
        )
        .order_by(Member.id)
    ).all()
    lists: dict[str, list[tuple[str, ...]]] = {}
    for m, stage, restricted_at in rows:
        line = (
            m.member_number or "",
            m.display_name,
            m.street or "",
            m.postcode or "",
            m.city or "",
            m.country,
            str(m.language),
        )
        name = "restricted" if restricted_at is not None else f"reminder-{stage}"
        lists.setdefault(name, []).append(line)
    return lists


def campaign_summary(session: Session, campaign_id: int) -> CampaignView:
    return get_campaign(session, campaign_id)


__all__ = [
    "CampaignView",
    "ChunkResult",
    "ResponseRecorded",
    "conversion_facts",
    "lift_restrictions",
    "record_response",
    "restrict_members",
    "send_reminders",
]


def find_member_id(session: Session, text: str) -> int:
    """A member named by staff: its id, or its member number (M0000042)."""
    text = text.strip()
    query = (
        select(Member.id).where(Member.id == int(text))
        if text.isascii() and text.isdigit()
        else select(Member.id).where(Member.member_number == text.upper())
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"there is no member {text}", field="member")
    return found
