"""The transition campaign: every member without a share is invited to subscribe one.

Every step is idempotent and chunked; the invitee row's timestamps say what was done, so a
killed run re-run continues where it stopped and never invites or reminds anyone twice.
Functions taking a UnitOfWork commit once; those taking a Session let the caller commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.config import get_settings
from governance.db.models import (
    Document,
    Member,
    ShareHolding,
    ShareSubscription,
    TransitionCampaign,
    TransitionInvitee,
)
from governance.db.repositories.outbox import NewMessage, OutboxRepository
from governance.db.repositories.timeline import NewEvent, TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import MemberKind, MemberStatus
from governance.kernel.rules.errors import NotFound
from governance.kernel.use_cases.documents import existing_keys
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import shares
from governance.register.use_cases.share_batches import SubscriptionRequest, subscribe_many
from governance.transition.rules.invitation import InvitationLetter
from governance.transition.rules.transition import CampaignPlan, InvalidCampaign

ELIGIBLE = (MemberStatus.ACTIVE, MemberStatus.RESTRICTED)


@dataclass(frozen=True)
class CampaignView:
    id: int
    name: str
    share_class: str
    deadline: date
    reminder_days: tuple[int, ...]
    restriction_on: date
    restricted_at: datetime | None

    @property
    def plan(self) -> CampaignPlan:
        return CampaignPlan(self.deadline, self.reminder_days, self.restriction_on)

    @classmethod
    def of(cls, c: TransitionCampaign) -> CampaignView:
        return cls(
            c.id,
            c.name,
            c.share_class,
            c.deadline,
            tuple(c.reminder_days),
            c.restriction_on,
            c.restricted_at,
        )


def request_key(campaign_id: int, member_id: int) -> str:
    return f"transition:{campaign_id}:{member_id}"


def invitation_key(campaign_id: int, member_id: int) -> str:
    """The invitation document's key (also what its e-mails attach)."""
    return f"doc:transition:{campaign_id}:invitation:{member_id}"


def open_campaign(
    uow: UnitOfWork,
    *,
    name: str,
    share_class: str,
    deadline: date,
    reminder_days: list[int],
    restriction_on: date,
    actor: Actor,
    today: date,
) -> CampaignView:
    """Create the campaign, or return the one of that name (its dates must be the same)."""
    session = uow.session
    existing = session.scalar(select(TransitionCampaign).where(TransitionCampaign.name == name))
    if existing is not None:
        same = (
            existing.share_class == share_class
            and existing.deadline == deadline
            and existing.restriction_on == restriction_on
            and sorted(existing.reminder_days, reverse=True)
            == sorted(set(reminder_days), reverse=True)
        )
        if not same:
            raise InvalidCampaign(
                f"a campaign named '{name}' already exists with other dates or class; "
                "choose another name",
                field="name",
            )
        return CampaignView.of(existing)
    from governance.statutes import get_statutes

    get_statutes().share_class(share_class)  # refuses an unknown class, naming the field
    plan = CampaignPlan.checked(
        deadline=deadline, reminder_days=reminder_days, restriction_on=restriction_on, today=today
    )
    campaign = TransitionCampaign(
        name=name,
        share_class=share_class,
        deadline=plan.deadline,
        reminder_days=list(plan.reminder_days),
        restriction_on=plan.restriction_on,
        created_by=actor.name,
    )
    session.add(campaign)
    session.flush()
    uow.timeline.record(
        actor=actor,
        action="transition_campaign_opened",
        subject_type="transition_campaign",
        subject_id=campaign.id,
        details={
            "name": name,
            "deadline": deadline.isoformat(),
            "restriction_on": restriction_on.isoformat(),
            "reminder_days": list(plan.reminder_days),
        },
    )
    view = CampaignView.of(campaign)
    uow.commit()
    return view


def get_campaign(session: Session, campaign_id: int) -> CampaignView:
    campaign = session.get(TransitionCampaign, campaign_id)
    if campaign is None:
        raise NotFound(f"there is no transition campaign {campaign_id}", field="campaign_id")
    return CampaignView.of(campaign)


def find_campaign(session: Session, name: str | None) -> CampaignView:
    """The campaign of that name, or the latest one."""
    query = select(TransitionCampaign)
    query = (
        query.where(TransitionCampaign.name == name)
        if name
        else query.order_by(TransitionCampaign.id.desc()).limit(1)
    )
    campaign = session.scalar(query)
    if campaign is None:
        raise NotFound(
            f"there is no transition campaign named '{name}'" if name else "no campaign yet",
            field="campaign",
        )
    return CampaignView.of(campaign)


def enrol_members(uow: UnitOfWork, campaign_id: int) -> int:
    """Add every eligible member without a share (and without a subscription under way) to
    the campaign; members already in it are left alone. Returns how many were added."""
    session = uow.session
    holds = exists().where(ShareHolding.member_id == Member.id, ShareHolding.shares > 0)
    paying = exists().where(
        ShareSubscription.member_id == Member.id,
        ShareSubscription.status.in_(
            [SubscriptionStatus.AWAITING_PAYMENT, SubscriptionStatus.ISSUED]
        ),
    )
    enrolled = exists().where(
        TransitionInvitee.member_id == Member.id, TransitionInvitee.campaign_id == campaign_id
    )
    rows = session.execute(
        select(Member.id, Member.language, Member.office, Member.email)
        .where(Member.status.in_(ELIGIBLE), ~holds, ~paying, ~enrolled)
        .order_by(Member.id)
    ).all()
    values = [
        {
            "campaign_id": campaign_id,
            "member_id": member_id,
            "language": language,
            "office": office,
            "email": email,
            "postal": not email,
            "reminders_sent": 0,
        }
        for member_id, language, office, email in rows
    ]
    for start in range(0, len(values), 5000):
        session.execute(insert(TransitionInvitee), values[start : start + 5000])
    uow.commit()
    return len(values)


def _letter(campaign: CampaignView, m: Member, sub: shares.SubscriptionView) -> InvitationLetter:
    return InvitationLetter(
        member_id=m.id,
        member_number=m.member_number or "",
        name=m.display_name,
        street=m.street or "",
        postcode=m.postcode or "",
        city=m.city or "",
        country=m.country,
        language=m.language,
        office=m.office,
        email=m.email,
        subscription_id=sub.id,
        communication=sub.structured_communication,
        amount_cents=sub.amount_cents,
        shares=sub.shares,
        share_class=sub.share_class,
        deadline=campaign.deadline,
        document_key=invitation_key(campaign.id, m.id),
        company=m.kind == MemberKind.COMPANY,
    )


def payment_context(
    campaign: CampaignView, letter: InvitationLetter
) -> dict[str, str | int | bool]:
    """The e-mail context (strings and ints only): the payment details and how to ask."""
    settings = get_settings()
    return {
        "name": letter.name,
        "member_number": letter.member_number,
        "shares": letter.shares,
        "share_class": letter.share_class,
        "amount_cents": letter.amount_cents,
        "iban": settings.coop_iban,
        "bic": settings.coop_bic,
        "communication": letter.communication,
        "deadline": campaign.deadline.isoformat(),
        "restriction_on": campaign.restriction_on.isoformat(),
        "coop_name": settings.coop_name,
        "questions": settings.staff_mailbox,
        "company": letter.company,
    }


def uninvited_ranges(session: Session, campaign_id: int, size: int) -> list[tuple[int, int]]:
    """The invitees not yet invited, as ranges of `size` invitee ids (first, last): parts that
    different workers invite side by side without taking the same member."""
    ids = list(
        session.scalars(
            select(TransitionInvitee.id)
            .where(
                TransitionInvitee.campaign_id == campaign_id,
                TransitionInvitee.invited_at.is_(None),
            )
            .order_by(TransitionInvitee.id)
        )
    )
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def prepare_invitations(
    uow: UnitOfWork,
    campaign_id: int,
    limit: int,
    actor: Actor,
    now: datetime | None = None,
    between: tuple[int, int] | None = None,
) -> list[InvitationLetter]:
    """The next chunk of members not yet invited (among invitee ids `between` first and last,
    when given): subscription opened (once, by request key) and the e-mail queued (waiting for
    its document). Commits; call `mark_invited` once the documents exist."""
    session = uow.session
    campaign = get_campaign(session, campaign_id)
    query = select(TransitionInvitee).where(
        TransitionInvitee.campaign_id == campaign_id, TransitionInvitee.invited_at.is_(None)
    )
    if between is not None:
        query = query.where(TransitionInvitee.id.between(*between))
    invitees = session.scalars(query.order_by(TransitionInvitee.id).limit(limit)).all()
    people = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.id.in_([i.member_id for i in invitees]))
        )
    }
    views = subscribe_many(
        session,
        [SubscriptionRequest(i.member_id, request_key(campaign_id, i.member_id)) for i in invitees],
        share_class=campaign.share_class,
        shares=1,
        actor=actor,
        now=now,
        due_on=campaign.restriction_on,  # unpaid ones lapse only after the restriction date
        own_reminders=True,  # the campaign's schedule, not the register's generic reminder
    )
    letters = []
    for invitee in invitees:
        sub = views[request_key(campaign_id, invitee.member_id)]
        invitee.subscription_id = sub.id
        letters.append(_letter(campaign, people[invitee.member_id], sub))
    _queue_invitations(uow.outbox, campaign, letters)
    uow.commit()
    return letters


def _queue_invitations(
    outbox: OutboxRepository, campaign: CampaignView, letters: list[InvitationLetter]
) -> None:
    """The chunk's invitation e-mails in one insert (a key already queued is left alone)."""
    wanted = {
        mail_keys.transition_key(campaign.id, "invitation", x.member_id): x
        for x in letters
        if x.email is not None
    }
    if not wanted:
        return
    outbox.enqueue_many(
        NewMessage(
            key=key,
            member_id=x.member_id,
            to=x.email,
            language=x.language,
            template="transition_invitation",
            context=payment_context(campaign, x),
            attachment_keys=[x.document_key],
        )
        for key, x in wanted.items()
        if x.email is not None
    )


def mark_invited(
    uow: UnitOfWork,
    campaign_id: int,
    member_ids: list[int],
    actor: Actor,
    now: datetime | None = None,
    documents: Sequence[ArchivedDocument] = (),
) -> int:
    """Index the chunk's archived invitations and record that these members' invitations are
    ready (document archived, e-mail queued), in one transaction."""
    now = now or utcnow()
    session = uow.session
    _index_documents(session, documents, actor, now)
    rows = session.execute(
        select(TransitionInvitee.member_id, TransitionInvitee.postal).where(
            TransitionInvitee.campaign_id == campaign_id,
            TransitionInvitee.member_id.in_(member_ids),
            TransitionInvitee.invited_at.is_(None),
        )
    ).all()
    if rows:  # none left: the documents indexed above are all there is to commit
        session.execute(
            update(TransitionInvitee)
            .where(
                TransitionInvitee.campaign_id == campaign_id,
                TransitionInvitee.member_id.in_([r[0] for r in rows]),
            )
            .values(invited_at=now)
        )
        uow.timeline.record_many(
            actor=actor,
            action="transition_invited",
            occurred_at=now,
            events=(
                NewEvent(
                    member_id,
                    "transition_campaign",
                    campaign_id,
                    {"by": "post" if postal else "e-mail"},
                )
                for member_id, postal in rows
            ),
        )
    uow.commit()
    return len(rows)


def _index_documents(
    session: Session, documents: Sequence[ArchivedDocument], actor: Actor, now: datetime
) -> None:
    """Bulk form of documents.record_documents (same rows, same timeline events)."""
    known = existing_keys(session, [d.key for d in documents])
    new = [d for d in documents if d.key not in known]
    if not new:
        return
    session.execute(
        insert(Document),
        [
            {
                "idempotency_key": d.key,
                "template": d.template,
                "template_version": d.template_version,
                "language": d.language,
                "format": d.format,
                "path": d.path,
                "sha256": d.sha256,
                "size_bytes": d.size_bytes,
                "member_id": d.member_id,
                "subject_type": d.subject_type,
                "subject_id": d.subject_id,
                "created_at": now,
            }
            for d in new
        ],
    )
    TimelineRepository(session).record_many(
        actor=actor,
        action="document_generated",
        occurred_at=now,
        events=(
            NewEvent(
                d.member_id,
                d.subject_type,
                d.subject_id,
                {
                    "template": d.template,
                    "language": d.language,
                    "sha256": d.sha256,
                    "path": d.path,
                },
            )
            for d in new
        ),
    )


@dataclass(frozen=True)
class Progress:
    enrolled: int
    invited: int
    postal: int


def progress(session: Session, campaign_id: int) -> Progress:
    from sqlalchemy import func

    enrolled, invited, postal = session.execute(
        select(
            func.count(TransitionInvitee.id),
            func.count(TransitionInvitee.invited_at),
            func.count(TransitionInvitee.id).filter(TransitionInvitee.postal.is_(True)),
        ).where(TransitionInvitee.campaign_id == campaign_id)
    ).one()
    return Progress(int(enrolled), int(invited), int(postal))


def postal_letters(session: Session, campaign_id: int) -> list[InvitationLetter]:
    """The invitations that go by post (members without e-mail), in member order."""
    campaign = get_campaign(session, campaign_id)
    rows = session.execute(
        select(Member, ShareSubscription)
        .join(TransitionInvitee, TransitionInvitee.member_id == Member.id)
        .join(ShareSubscription, ShareSubscription.id == TransitionInvitee.subscription_id)
        .where(
            TransitionInvitee.campaign_id == campaign_id,
            TransitionInvitee.postal.is_(True),
            TransitionInvitee.invited_at.is_not(None),
        )
        .order_by(Member.id)
    ).all()
    return [_letter(campaign, m, shares.SubscriptionView.of(s)) for m, s in rows]
