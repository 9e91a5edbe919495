"""Share subscriptions: opening one (awaiting payment) and reading it; who holds shares.

The functions taking a session work in the caller's session and NEVER commit, so the register
entry, the timeline event and the outbox rows become permanent together with the caller's
work; `open_subscription` is the use case that takes the unit of work and commits once. Payments are in `share_payments`, unpaid subscriptions in
`unpaid_subscriptions`, certificates in `subscription_certificates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.config import get_settings
from governance.db.models import Member, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.register import Holding, NewEntry
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import NotFound
from governance.kernel.rules.identifiers import structured_communication
from governance.kernel.use_cases import outbox
from governance.register.rules import register as rules
from governance.register.rules.register import EntryKind, SubscriptionStatus
from governance.statutes import get_statutes

__all__ = [
    "SubscriptionView",
    "brussels_today",
    "covered_years",
    "formatted_communication",
    "get_subscription",
    "holdings_as_at",
    "is_shareholder",
    "structured_digits",
    "subscribe",
    "subscription_entry",
]


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    member_id: int
    share_class: str
    shares: int
    amount_cents: int
    structured_communication: str  # +++ddd/dddd/ddddd+++
    status: SubscriptionStatus
    due_on: date
    paid_cents: int = 0
    subscribed_on: date | None = None

    @classmethod
    def of(cls, s: ShareSubscription) -> SubscriptionView:
        return cls(
            s.id,
            s.member_id,
            s.share_class,
            s.shares,
            s.amount_cents,
            formatted_communication(s.structured_communication or ""),
            SubscriptionStatus(s.status),
            s.due_on,
            s.paid_cents,
            s.subscribed_on,
        )


def formatted_communication(twelve: str) -> str:
    """A structured communication as banks show it (+++ddd/dddd/ddddd+++)."""
    return f"+++{twelve[:3]}/{twelve[3:7]}/{twelve[7:]}+++" if len(twelve) == 12 else twelve


def brussels_today(now: datetime | None = None) -> date:
    """Today in Brussels (or the Brussels date of `now`)."""
    return brussels_date(now or utcnow())


def structured_digits(subscription_id: int) -> str:
    """The 12 digits of the structured communication a subscription's payments carry."""
    ogm = structured_communication(rules.structured_base(subscription_id))
    return "".join(ch for ch in ogm if ch.isdigit())


def subscribe(
    session: Session,
    *,
    member_id: int,
    share_class: str,
    shares: int,
    actor: Actor,
    request_key: str | None = None,
    now: datetime | None = None,
) -> SubscriptionView:
    """Open a subscription awaiting payment: register entry, timeline, payment-instructions
    e-mail (outbox). The same `request_key` returns the same subscription. Does not commit."""
    head = store.lock_head(session)  # serialises with any concurrent call using the same key
    if request_key:
        existing = session.scalar(
            select(ShareSubscription).where(ShareSubscription.request_key == request_key)
        )
        if existing is not None:
            return SubscriptionView.of(existing)
    member = _member_who_may_subscribe(session, member_id, share_class)
    sub = _new_subscription(session, member_id, share_class, shares, request_key, now)
    store.append(session, head, [subscription_entry(sub)])
    view = SubscriptionView.of(sub)
    TimelineRepository(session).record(
        actor=actor,
        action="shares_subscribed",
        subject_type="share_subscription",
        subject_id=sub.id,
        member_id=member_id,
        details={"share_class": share_class, "shares": shares, "amount_cents": sub.amount_cents},
    )
    _queue_payment_instructions(session, member, view)
    return view


def open_subscription(
    uow: UnitOfWork,
    *,
    member_id: int,
    share_class: str,
    shares: int,
    actor: Actor,
    request_key: str | None = None,
) -> SubscriptionView:
    """Open (or find, by request_key) a subscription awaiting payment. Commits."""
    view = subscribe(
        uow.session,
        member_id=member_id,
        share_class=share_class,
        shares=shares,
        actor=actor,
        request_key=request_key,
    )
    uow.commit()
    return view


def subscription_entry(sub: ShareSubscription) -> NewEntry:
    """The register's SUBSCRIPTION entry of a subscription just opened."""
    return NewEntry(
        EntryKind.SUBSCRIPTION,
        sub.subscribed_on,
        sub.member_id,
        sub.share_class,
        sub.shares,
        sub.amount_cents,
        subscription_id=sub.id,
    )


def _member_who_may_subscribe(session: Session, member_id: int, share_class: str) -> Member:
    """The member, once the rules let them subscribe to `share_class`."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"there is no member with id {member_id}", field="member_id")
    rules.check_may_subscribe(member_id, member.status)
    klass = get_statutes().share_class(share_class)
    rules.check_class_open(share_class, member.kind, klass.allowed_kinds)
    return member


def _new_subscription(
    session: Session,
    member_id: int,
    share_class: str,
    shares: int,
    request_key: str | None,
    now: datetime | None,
) -> ShareSubscription:
    """The subscription row awaiting payment, with its id and structured communication."""
    statutes = get_statutes()
    klass = statutes.share_class(share_class)
    amount = rules.subscription_amount(shares, klass.nominal_value_cents, klass.minimum_shares)
    today = brussels_today(now)
    sub = ShareSubscription(
        member_id=member_id,
        share_class=share_class,
        shares=shares,
        amount_cents=amount,
        paid_cents=0,
        status=SubscriptionStatus.AWAITING_PAYMENT,
        request_key=request_key,
        subscribed_on=today,
        due_on=today + timedelta(days=statutes.payment_due_days),
    )
    session.add(sub)
    session.flush()
    sub.structured_communication = structured_digits(sub.id)
    return sub


def _queue_payment_instructions(session: Session, member: Member, view: SubscriptionView) -> None:
    """The member's e-mail with the amount, the account and the communication to use."""
    settings = get_settings()
    outbox.tell_member(
        session,
        member,
        key=mail_keys.share_payment_instructions(view.id),
        template="share_payment_instructions",
        context={
            "shares": view.shares,
            "share_class": view.share_class,
            "amount_cents": view.amount_cents,
            "iban": settings.coop_iban,
            "bic": settings.coop_bic,
            "communication": view.structured_communication,
            "due_on": view.due_on.isoformat(),
        },
    )


def get_subscription(session: Session, subscription_id: int) -> SubscriptionView:
    """A subscription as staff and flows see it."""
    return SubscriptionView.of(_subscription(session, subscription_id))


def _subscription(session: Session, subscription_id: int, lock: bool = False) -> ShareSubscription:
    query = select(ShareSubscription).where(ShareSubscription.id == subscription_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    sub = session.scalar(query)
    if sub is None:
        raise NotFound(f"there is no share subscription {subscription_id}", field="subscription_id")
    return sub


# --------------------------------------------------------------------------- holdings


def holdings_as_at(session: Session, as_at: date) -> list[Holding]:
    """Every holder of issued, fully paid, not cancelled shares at the end of `as_at`."""
    return store.holdings_as_at(session, as_at)


def covered_years(session: Session, member_id: int, as_at: date | None = None) -> set[int]:
    """Years covered by the member's issued shares (N shares subscribed in Y cover Y..Y+N-1)."""
    return store.covered_years(session, member_id, as_at or brussels_today())


def is_shareholder(session: Session, member_id: int, on: date) -> bool:
    """True when the member holds at least one issued share at the end of `on`."""
    return store.is_shareholder(session, member_id, on)
