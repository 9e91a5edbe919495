"""Money received for a share subscription: applied when it is the exact amount still owed
(the shares are issued once the subscription is fully paid), otherwise held for a staff review.

The functions taking a session work in the caller's session and NEVER commit, so the payment,
the register entries and the review become permanent together; `settle_held_payment` is the
use case that takes the unit of work and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import RegisterHead, SharePayment, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.register import NewEntry
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.register.rules import register as rules
from governance.register.rules.payments import PaymentMatch, match_payment
from governance.register.rules.register import EntryKind, PaymentStatus, SubscriptionStatus
from governance.register.use_cases import refunds
from governance.register.use_cases.shares import _subscription
from governance.statutes import get_statutes

__all__ = [
    "PaymentOutcome",
    "ReviewDecision",
    "open_review",
    "payment_outcome",
    "record_payment",
    "resolve_payment_review",
    "review_key",
]


@dataclass(frozen=True)
class PaymentOutcome:
    payment_id: int
    subscription_id: int | None
    match: PaymentMatch
    issued: bool
    review_key: str | None
    outstanding_cents: int
    duplicate: bool = False


def review_key(payment_id: int) -> str:
    """The key of the staff review a held payment opens."""
    return f"share-payment-review:{payment_id}"


def record_payment(
    session: Session,
    *,
    subscription_id: int,
    amount_cents: int,
    paid_on: date,
    actor: Actor,
    bank_reference: str | None = None,
    source_key: str | None = None,
    payer_name: str | None = None,
    payer_iban: str | None = None,
    bank_transaction_key: str | None = None,
) -> PaymentOutcome:
    """Money received for a subscription. Exact outstanding amount → applied and shares issued;
    anything else → held with a staff review (DecisionRequest), never guessed. The same
    payment (source_key, else bank reference) recorded twice is one payment. Does not commit."""
    if amount_cents <= 0:
        raise rules.InvalidEntry("a payment must be a positive amount", field="amount_cents")
    head = store.lock_head(session)
    key = source_key or (
        f"staff:{subscription_id}:{bank_reference}"
        if bank_reference
        else f"staff:{subscription_id}:{paid_on.isoformat()}:{amount_cents}"
    )
    known = session.scalar(select(SharePayment).where(SharePayment.source_key == key))
    if known is not None:
        return _outcome_of(session, known, duplicate=True)
    sub = _subscription(session, subscription_id, lock=True)
    outstanding = sub.amount_cents - sub.paid_cents
    payment = SharePayment(
        source_key=key,
        bank_transaction_key=bank_transaction_key,
        subscription_id=sub.id,
        amount_cents=amount_cents,
        paid_on=paid_on,
        status=PaymentStatus.HELD,
        bank_reference=bank_reference,
        recorded_by=actor.name,
        structured_reference=sub.structured_communication,
        payer_name=payer_name,
        payer_iban=payer_iban,
        details={},
    )
    session.add(payment)
    session.flush()
    match = match_payment(sub.status, outstanding, amount_cents)
    payment.details = {"match": str(match)}
    TimelineRepository(session).record(
        actor=actor,
        action="share_payment_received",
        subject_type="share_subscription",
        subject_id=sub.id,
        member_id=sub.member_id,
        details={"amount_cents": amount_cents, "paid_on": paid_on.isoformat(), "match": match},
    )
    if match is PaymentMatch.EXACT:
        _apply(session, head, sub, payment, actor)
        return _outcome_of(session, payment)
    open_review(session, payment, sub, match)
    return _outcome_of(session, payment)


def open_review(
    session: Session, payment: SharePayment, sub: ShareSubscription | None, match: PaymentMatch
) -> None:
    """A staff review item for a payment the register will not guess about."""
    key = review_key(payment.id)
    payment.review_key = key
    if sub is None:
        question = (
            f"A payment of {payment.amount_cents / 100:.2f} EUR received on {payment.paid_on} "
            f"from {payment.payer_name or 'an unknown payer'} matches no subscription "
            f"(reference: {payment.structured_reference or 'none'}). Assign it to a "
            "subscription, or refund it."
        )
    else:
        question = (
            f"Subscription {sub.id} ({sub.shares} class {sub.share_class} share(s)) expects "
            f"{(sub.amount_cents - sub.paid_cents) / 100:.2f} EUR; {payment.amount_cents / 100:.2f}"
            f" EUR was received on {payment.paid_on} ({match}). Apply it, or refund it."
        )
    DecisionRepository(session).open(
        key=key,
        process="share-payment-review",
        subject_type="share_payment",
        subject_id=payment.id,
        question=question,
        due_in=timedelta(days=5),
        member_id=sub.member_id if sub else None,
    )


def _apply(
    session: Session,
    head: RegisterHead,
    sub: ShareSubscription,
    payment: SharePayment,
    actor: Actor,
) -> bool:
    """Count the payment; issue the shares when the subscription is now fully paid."""
    payment.status = PaymentStatus.APPLIED
    sub.paid_cents += payment.amount_cents
    entries = [
        NewEntry(
            EntryKind.PAYMENT,
            payment.paid_on,
            sub.member_id,
            sub.share_class,
            0,
            payment.amount_cents,
            subscription_id=sub.id,
            reference=payment.bank_reference or "",
        )
    ]
    issue = sub.paid_cents >= sub.amount_cents and sub.status is SubscriptionStatus.AWAITING_PAYMENT
    if issue:
        nominal = get_statutes().share_class(sub.share_class).nominal_value_cents
        rules.check_fully_paid(sub.shares, nominal, sub.paid_cents)
        entries.append(
            NewEntry(
                EntryKind.ISSUE,
                payment.paid_on,
                sub.member_id,
                sub.share_class,
                sub.shares,
                sub.shares * nominal,
                subscription_id=sub.id,
            )
        )
        sub.status = SubscriptionStatus.ISSUED
        sub.issued_on = payment.paid_on
    store.append(session, head, entries)
    if issue:
        TimelineRepository(session).record(
            actor=actor,
            action="shares_issued",
            subject_type="share_subscription",
            subject_id=sub.id,
            member_id=sub.member_id,
            details={"shares": sub.shares, "share_class": sub.share_class},
        )
    return issue


def payment_outcome(session: Session, payment: SharePayment) -> PaymentOutcome:
    """Where a recorded payment stands (matched, issued, still owed)."""
    return _outcome_of(session, payment)


def _outcome_of(session: Session, payment: SharePayment, duplicate: bool = False) -> PaymentOutcome:
    sub = (
        session.get(ShareSubscription, payment.subscription_id) if payment.subscription_id else None
    )
    match = PaymentMatch(payment.details.get("match", PaymentMatch.UNKNOWN))
    return PaymentOutcome(
        payment.id,
        payment.subscription_id,
        match,
        bool(
            sub is not None
            and sub.status is SubscriptionStatus.ISSUED
            and payment.status == PaymentStatus.APPLIED
        ),
        payment.review_key,
        (sub.amount_cents - sub.paid_cents) if sub is not None else 0,
        duplicate,
    )


class ReviewDecision(StrEnum):
    APPLY = "apply"  # count the money on the subscription (assigning it if it was unknown)
    REFUND = "refund"  # send the money back; the register is unchanged


def resolve_payment_review(
    session: Session,
    *,
    payment_id: int,
    decision: ReviewDecision,
    staff: str,
    subscription_id: int | None = None,
) -> PaymentOutcome:
    """Carry out a staff decision on a held payment (idempotent for the same decision)."""
    head = store.lock_head(session)
    payment = session.get(SharePayment, payment_id)
    if payment is None:
        raise NotFound(f"there is no payment {payment_id}", field="payment_id")
    given = {"decision": str(decision), "subscription_id": subscription_id}
    key = payment.review_key or review_key(payment.id)
    DecisionRepository(session).decide(key=key, decision=given, staff=staff)
    if payment.status != PaymentStatus.HELD:
        return _outcome_of(session, payment, duplicate=True)
    actor = Actor.staff(staff)
    if decision is ReviewDecision.REFUND:
        payment.status = PaymentStatus.REFUSED
        refunds.owe_payment(
            session,
            payment,
            amount_cents=payment.amount_cents,
            reason="refunded",
            actor=actor,
            member_id=_member_of(session, payment.subscription_id),
        )
        TimelineRepository(session).record(
            actor=actor,
            action="share_payment_refused",
            subject_type="share_payment",
            subject_id=payment.id,
            member_id=_member_of(session, payment.subscription_id),
            details={"amount_cents": payment.amount_cents},
        )
        return _outcome_of(session, payment)
    target = subscription_id or payment.subscription_id
    if target is None:
        raise rules.InvalidEntry(
            "name the subscription this payment is for", field="subscription_id"
        )
    sub = _subscription(session, target, lock=True)
    if sub.status is not SubscriptionStatus.AWAITING_PAYMENT:
        raise InvalidTransition(
            f"subscription {sub.id} is {sub.status}: it takes no payment", field="subscription_id"
        )
    payment.subscription_id = sub.id
    excess = max(0, sub.paid_cents + payment.amount_cents - sub.amount_cents)
    payment.details = {**payment.details, "excess_to_refund_cents": excess}
    _apply(session, head, sub, payment, actor)
    refunds.owe_payment(
        session, payment, amount_cents=excess, reason="excess", actor=actor, member_id=sub.member_id
    )
    return _outcome_of(session, payment)


def settle_held_payment(
    uow: UnitOfWork,
    *,
    payment_id: int,
    decision: ReviewDecision,
    staff: str,
    subscription_id: int | None = None,
) -> PaymentOutcome:
    """Carry out a staff decision on a held payment (apply or refund). Commits."""
    outcome = resolve_payment_review(
        uow.session,
        payment_id=payment_id,
        decision=decision,
        staff=staff,
        subscription_id=subscription_id,
    )
    uow.commit()
    return outcome


def _member_of(session: Session, subscription_id: int | None) -> int | None:
    if subscription_id is None:
        return None
    sub = session.get(ShareSubscription, subscription_id)
    return sub.member_id if sub else None
