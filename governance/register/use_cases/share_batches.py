"""The batch form of `shares.subscribe`, for mass campaigns (the cooperative transition).

Same rules, same records as `shares.subscribe` — one subscription per request key, the same
refusals, a SUBSCRIPTION register entry each, the same structured communication, a timeline
event each — but one register lock, one chained append and bulk inserts per batch: opening
75,000 subscriptions one call at a time spent most of a campaign's time in ORM round trips.
Does not commit (the caller's unit of work does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member, RegisterHead, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.timeline import NewEvent, TimelineRepository
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberKind
from governance.kernel.rules.errors import NotFound
from governance.register.rules import register as rules
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases.shares import (
    SubscriptionView,
    brussels_today,
    structured_digits,
    subscription_entry,
)
from governance.statutes import get_statutes


@dataclass(frozen=True)
class SubscriptionRequest:
    member_id: int
    request_key: str


def subscribe_many(
    session: Session,
    requests: Sequence[SubscriptionRequest],
    *,
    share_class: str,
    shares: int,
    actor: Actor,
    now: datetime | None = None,
    due_on: date | None = None,
    own_reminders: bool = False,
) -> dict[str, SubscriptionView]:
    """Open (or find, by request key) one subscription per request; returns them by key.

    No payment-instructions e-mail: the caller writes its own letter. `due_on`: a campaign's
    own date (default: the statutes' payment delay), from which the register's lapse is
    counted. `own_reminders`: the caller reminds on its own schedule, so the register's
    generic payment reminder is marked as not needed (reminded_at set)."""
    head = store.lock_head(session)
    keys = [r.request_key for r in requests]
    found = {
        s.request_key: s
        for s in session.scalars(
            select(ShareSubscription).where(ShareSubscription.request_key.in_(keys))
        )
        if s.request_key
    }
    todo = [r for r in requests if r.request_key not in found]
    statutes = get_statutes()
    klass = statutes.share_class(share_class)
    amount = rules.subscription_amount(shares, klass.nominal_value_cents, klass.minimum_shares)
    _check_members(session, todo, share_class, klass.allowed_kinds)
    today = brussels_today(now)
    created = [
        ShareSubscription(
            member_id=r.member_id,
            share_class=share_class,
            shares=shares,
            amount_cents=amount,
            paid_cents=0,
            status=SubscriptionStatus.AWAITING_PAYMENT,
            request_key=r.request_key,
            subscribed_on=today,
            due_on=due_on or today + timedelta(days=statutes.payment_due_days),
            reminded_at=(now or utcnow()) if own_reminders else None,
        )
        for r in todo
    ]
    if created:
        _record(session, head, created, actor=actor, now=now)
        found.update({sub.request_key: sub for sub in created if sub.request_key})
    return {key: SubscriptionView.of(found[key]) for key in keys}


def _check_members(
    session: Session,
    todo: Sequence[SubscriptionRequest],
    share_class: str,
    allowed_kinds: Iterable[MemberKind],
) -> None:
    """Refuse the batch when one of its members is unknown or may not subscribe to the class."""
    people = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_([r.member_id for r in todo])))
    }
    for r in todo:
        member = people.get(r.member_id)
        if member is None:
            raise NotFound(f"there is no member with id {r.member_id}", field="member_id")
        rules.check_may_subscribe(r.member_id, member.status)
        rules.check_class_open(share_class, member.kind, allowed_kinds)


def _record(
    session: Session,
    head: RegisterHead,
    created: list[ShareSubscription],
    *,
    actor: Actor,
    now: datetime | None,
) -> None:
    """Insert the new subscriptions with their communications, one chained append of their
    SUBSCRIPTION entries, and a timeline event each."""
    session.add_all(created)
    session.flush()
    for sub in created:
        sub.structured_communication = structured_digits(sub.id)
    store.append(session, head, [subscription_entry(sub) for sub in created])
    TimelineRepository(session).record_many(
        actor=actor,
        action="shares_subscribed",
        occurred_at=now,
        events=(
            NewEvent(
                sub.member_id,
                "share_subscription",
                sub.id,
                {
                    "share_class": sub.share_class,
                    "shares": sub.shares,
                    "amount_cents": sub.amount_cents,
                },
            )
            for sub in created
        ),
    )
