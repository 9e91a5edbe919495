"""Share subscriptions and their payments.

Every function here works in the caller's session and NEVER commits: the caller's unit of work
(a task, the CLI) commits once, so the register entry, the timeline event and the outbox rows
become permanent together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.config import get_settings
from governance.db.models import (
    Document,
    Member,
    RegisterEntry,
    RegisterHead,
    SharePayment,
    ShareSubscription,
)
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.rules.identifiers import structured_communication
from governance.kernel.use_cases import outbox
from governance.register.rules import register as rules
from governance.register.rules.payments import PaymentMatch, match_payment
from governance.register.rules.register import (
    EntryKind,
    PaymentStatus,
    SubscriptionStatus,
)
from governance.register.use_cases import refunds, share_changes
from governance.register.use_cases import register as store
from governance.register.use_cases.register import Holding, NewEntry
from governance.register.use_cases.share_changes import Certificate
from governance.statutes import get_statutes

__all__ = [
    "Holding",
    "PaymentMatch",
    "PaymentOutcome",
    "SubscriptionStatus",
    "SubscriptionView",
    "covered_years",
    "holdings_as_at",
    "is_shareholder",
    "record_payment",
    "subscribe",
]

PROCESS = "share-subscription"


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
            _formatted(s.structured_communication or ""),
            SubscriptionStatus(s.status),
            s.due_on,
            s.paid_cents,
            s.subscribed_on,
        )


def _formatted(twelve: str) -> str:
    return f"+++{twelve[:3]}/{twelve[3:7]}/{twelve[7:]}+++" if len(twelve) == 12 else twelve


def brussels_today(now: datetime | None = None) -> date:
    return brussels_date(now or utcnow())


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
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"there is no member with id {member_id}", field="member_id")
    rules.check_may_subscribe(member_id, member.status)
    statutes = get_statutes()
    klass = statutes.share_class(share_class)
    rules.check_class_open(share_class, member.kind, klass.allowed_kinds)
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
    ogm = structured_communication(rules.structured_base(sub.id))
    sub.structured_communication = "".join(ch for ch in ogm if ch.isdigit())
    store.append(
        session,
        head,
        [
            NewEntry(
                EntryKind.SUBSCRIPTION,
                today,
                member_id,
                share_class,
                shares,
                amount,
                subscription_id=sub.id,
            )
        ],
    )
    view = SubscriptionView.of(sub)
    TimelineRepository(session).record(
        actor=actor,
        action="shares_subscribed",
        subject_type="share_subscription",
        subject_id=sub.id,
        member_id=member_id,
        details={"share_class": share_class, "shares": shares, "amount_cents": amount},
    )
    settings = get_settings()
    outbox.tell_member(
        session,
        member,
        key=mail_keys.share_payment_instructions(sub.id),
        template="share_payment_instructions",
        context={
            "shares": shares,
            "share_class": share_class,
            "amount_cents": amount,
            "iban": settings.coop_iban,
            "bic": settings.coop_bic,
            "communication": view.structured_communication,
            "due_on": view.due_on.isoformat(),
        },
    )
    return view


def get_subscription(session: Session, subscription_id: int) -> SubscriptionView:
    return SubscriptionView.of(_subscription(session, subscription_id))


def _subscription(session: Session, subscription_id: int, lock: bool = False) -> ShareSubscription:
    query = select(ShareSubscription).where(ShareSubscription.id == subscription_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    sub = session.scalar(query)
    if sub is None:
        raise NotFound(f"there is no share subscription {subscription_id}", field="subscription_id")
    return sub


# --------------------------------------------------------------------------- payments


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


def _member_of(session: Session, subscription_id: int | None) -> int | None:
    if subscription_id is None:
        return None
    sub = session.get(ShareSubscription, subscription_id)
    return sub.member_id if sub else None


# --------------------------------------------------------------------------- queries


def holdings_as_at(session: Session, as_at: date) -> list[Holding]:
    """Every holder of issued, fully paid, not cancelled shares at the end of `as_at`."""
    return store.holdings_as_at(session, as_at)


def covered_years(session: Session, member_id: int, as_at: date | None = None) -> set[int]:
    """Years covered by the member's issued shares (N shares subscribed in Y cover Y..Y+N-1)."""
    return store.covered_years(session, member_id, as_at or brussels_today())


def is_shareholder(session: Session, member_id: int, on: date) -> bool:
    """True when the member holds at least one issued share at the end of `on`."""
    return store.is_shareholder(session, member_id, on)


# --------------------------------------------------------------------------- unpaid subscriptions


def _mail_subscription(session: Session, sub: ShareSubscription, template: str, key: str) -> None:
    member = session.get(Member, sub.member_id)
    if member is None:
        return
    settings = get_settings()
    outbox.tell_member(
        session,
        member,
        key=key,
        template=template,
        context={
            "shares": sub.shares,
            "share_class": sub.share_class,
            "amount_cents": sub.amount_cents - sub.paid_cents,
            "paid_cents": sub.paid_cents,
            "iban": settings.coop_iban,
            "communication": _formatted(sub.structured_communication or ""),
            "subscribed_on": sub.subscribed_on.isoformat(),
        },
    )


def send_payment_reminders(session: Session, *, today: date, actor: Actor) -> list[int]:
    """One reminder per subscription still unpaid `payment_reminder_days` after subscribing
    (counted from the due date, so a register taken over gets a full period)."""
    statutes = get_statutes()
    limit = today - timedelta(days=statutes.payment_reminder_days - statutes.payment_due_days)
    due = session.scalars(
        select(ShareSubscription)
        .where(
            ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
            ShareSubscription.due_on <= limit,
            ShareSubscription.reminded_at.is_(None),
        )
        .order_by(ShareSubscription.id)
        .with_for_update()
    ).all()
    for sub in due:
        sub.reminded_at = utcnow()
        _mail_subscription(
            session, sub, "share_payment_reminder", mail_keys.share_payment_reminder(sub.id)
        )
        TimelineRepository(session).record(
            actor=actor,
            action="share_payment_reminded",
            subject_type="share_subscription",
            subject_id=sub.id,
            member_id=sub.member_id,
        )
    return [s.id for s in due]


def cancel_overdue_subscriptions(session: Session, *, today: date, actor: Actor) -> list[int]:
    """Subscriptions unpaid after the statutes' period lapse (register entry + e-mail)."""
    head = store.lock_head(session)
    statutes = get_statutes()
    limit = today - timedelta(days=statutes.subscription_cancel_days - statutes.payment_due_days)
    due = session.scalars(
        select(ShareSubscription)
        .where(
            ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
            ShareSubscription.due_on <= limit,
        )
        .order_by(ShareSubscription.id)
        .with_for_update()
    ).all()
    for sub in due:
        _cancel(session, head, sub, on=today, reason="unpaid", actor=actor)
    return [s.id for s in due]


def _cancel(
    session: Session,
    head: RegisterHead,
    sub: ShareSubscription,
    *,
    on: date,
    reason: str,
    actor: Actor,
) -> None:
    """Cancel a subscription awaiting payment (caller holds the register head and the row):
    the cancellation entry, the member's e-mail, the timeline with what is to be refunded."""
    sub.status = SubscriptionStatus.CANCELLED
    sub.cancelled_on = on
    store.append(
        session,
        head,
        [
            NewEntry(
                EntryKind.CANCELLATION,
                on,
                sub.member_id,
                sub.share_class,
                sub.shares,
                sub.paid_cents,
                subscription_id=sub.id,
                reference=reason,
            )
        ],
    )
    _mail_subscription(
        session,
        sub,
        "share_subscription_cancelled",
        mail_keys.share_subscription_cancelled(sub.id),
    )
    refunds.owe_cancelled(session, sub, actor)  # what it had received goes back
    TimelineRepository(session).record(
        actor=actor,
        action="share_subscription_cancelled",
        subject_type="share_subscription",
        subject_id=sub.id,
        member_id=sub.member_id,
        details={"paid_cents_to_refund": sub.paid_cents},
    )


def subscription_certificate(session: Session, subscription_id: int) -> Certificate | None:
    """The certificate an issued subscription gives (None while unpaid or cancelled)."""
    sub = _subscription(session, subscription_id)
    if sub.status is not SubscriptionStatus.ISSUED or sub.issued_on is None:
        return None
    sequence = session.scalar(
        select(RegisterEntry.sequence).where(
            RegisterEntry.subscription_id == sub.id, RegisterEntry.kind == EntryKind.ISSUE
        )
    )
    assert sequence is not None
    return share_changes.certificate(
        session, sub.member_id, sub.share_class, sequence, sub.issued_on
    )


def subscriptions_without_certificate(session: Session, limit: int = 500) -> list[int]:
    """Issued subscriptions (not taken over from a spreadsheet) with no certificate yet."""
    rows = (
        session.execute(
            select(
                ShareSubscription.id,
                ShareSubscription.member_id,
                ShareSubscription.share_class,
                RegisterEntry.sequence,
            )
            .join(
                RegisterEntry,
                (RegisterEntry.subscription_id == ShareSubscription.id)
                & (RegisterEntry.kind == EntryKind.ISSUE),
            )
            .where(
                ShareSubscription.status == SubscriptionStatus.ISSUED,
                ~func.coalesce(ShareSubscription.request_key, "").startswith("import:"),
            )
            .order_by(ShareSubscription.id)
        )
        .tuples()
        .all()
    )
    keys = {sid: share_changes.certificate_key(m, c, seq) for sid, m, c, seq in rows}
    have = set(
        session.scalars(
            select(Document.idempotency_key).where(
                Document.idempotency_key.in_(list(keys.values())[:20000])
            )
        )
    )
    return [sid for sid, key in keys.items() if key not in have][:limit]


def confirmation_key(subscription_id: int) -> str:
    return f"share-payment-confirmation:{subscription_id}"


def payment_confirmation_request(
    session: Session, subscription_id: int, flow_run_id: str | None = None
) -> DecisionView:
    """Ask staff to confirm the payment of a subscription (once per subscription)."""
    sub = _subscription(session, subscription_id)
    return DecisionRepository(session).open(
        key=confirmation_key(sub.id),
        process=PROCESS,
        subject_type="share_subscription",
        subject_id=sub.id,
        member_id=sub.member_id,
        question=(
            f"Has {(sub.amount_cents - sub.paid_cents) / 100:.2f} EUR been received for "
            f"subscription {sub.id} ({sub.shares} class {sub.share_class} share(s), "
            f"communication {_formatted(sub.structured_communication or '')})? Confirm the "
            "amount and date received, or cancel the subscription."
        ),
        due_in=timedelta(days=get_statutes().subscription_cancel_days),
        flow_run_id=flow_run_id,
    )


def apply_payment_confirmation(
    session: Session, *, subscription_id: int, decision: dict[str, Any], staff: str
) -> SubscriptionStatus:
    """Record the staff answer (paid: amount + date; cancel) and carry it out once."""
    DecisionRepository(session).decide(
        key=confirmation_key(subscription_id), decision=decision, staff=staff
    )
    sub = _subscription(session, subscription_id)
    if sub.status is not SubscriptionStatus.AWAITING_PAYMENT:
        return SubscriptionStatus(sub.status)  # already paid (e.g. by the bank) or cancelled
    actor = Actor.staff(staff) if staff not in ("", "system") else Actor.system(PROCESS)
    if decision.get("decision") == "cancel":
        head = store.lock_head(session)
        sub = _subscription(session, subscription_id, lock=True)
        if sub.status is not SubscriptionStatus.AWAITING_PAYMENT:  # paid meanwhile (the bank)
            return SubscriptionStatus(sub.status)
        _cancel(session, head, sub, on=brussels_today(), reason="staff", actor=actor)
        return SubscriptionStatus.CANCELLED
    paid_on = decision.get("paid_on")
    record_payment(
        session,
        subscription_id=subscription_id,
        amount_cents=int(decision["amount_cents"]),
        paid_on=date.fromisoformat(paid_on) if isinstance(paid_on, str) else brussels_today(),
        actor=actor,
        bank_reference=decision.get("bank_reference") or None,
        source_key=f"confirmation:{subscription_id}",
    )
    return SubscriptionStatus(_subscription(session, subscription_id).status)


def queue_certificate_mail(session: Session, subscription_id: int, document_key: str) -> bool:
    """E-mail the certificate of an issued subscription (waits for the document; once)."""
    sub = _subscription(session, subscription_id)
    member = session.get(Member, sub.member_id)
    if sub.status is not SubscriptionStatus.ISSUED or member is None:
        return False
    return outbox.tell_member(
        session,
        member,
        key=mail_keys.share_certificate(sub.id),
        template="share_certificate",
        attachment_keys=[document_key],
        context={"shares": sub.shares, "share_class": sub.share_class},
    )
