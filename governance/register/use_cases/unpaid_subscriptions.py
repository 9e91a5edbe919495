"""Unpaid share subscriptions: the payment reminder, staff confirming a payment the bank did
not show, and the cancellation of a subscription unpaid past the statutes' period.

The functions taking a session work in the caller's transaction and never commit; those
taking the unit of work (`confirm_payment`, `answer_for_waiting_run`, `ask_payment_confirmation`,
`answer_payment_confirmation`, `remind_unpaid`, `cancel_lapsed`) are use cases of their own and
commit once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.config import get_settings
from governance.db.models import Member, RegisterHead, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.register import NewEntry
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus, DecisionView
from governance.kernel.use_cases import outbox
from governance.register.rules.register import EntryKind, SubscriptionStatus
from governance.register.use_cases import refunds
from governance.register.use_cases.share_payments import record_payment
from governance.register.use_cases.shares import (
    _subscription,
    brussels_today,
    formatted_communication,
    get_subscription,
)
from governance.statutes import get_statutes

__all__ = [
    "WaitingRun",
    "answer_for_waiting_run",
    "apply_payment_confirmation",
    "cancel_overdue_subscriptions",
    "confirm_payment",
    "confirmation_key",
    "payment_confirmation_request",
    "send_payment_reminders",
]

PROCESS = "share-subscription"


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
            "communication": formatted_communication(sub.structured_communication or ""),
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


def remind_unpaid(uow: UnitOfWork, *, today: date, actor: Actor) -> list[int]:
    """Send the reminders due today on unpaid subscriptions. Commits."""
    reminded = send_payment_reminders(uow.session, today=today, actor=actor)
    uow.commit()
    return reminded


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


def cancel_lapsed(uow: UnitOfWork, *, today: date, actor: Actor) -> list[int]:
    """Cancel the subscriptions still unpaid past their deadline. Commits."""
    cancelled = cancel_overdue_subscriptions(uow.session, today=today, actor=actor)
    uow.commit()
    return cancelled


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


def confirmation_key(subscription_id: int) -> str:
    """The key of the staff request confirming a subscription's payment."""
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
            f"communication {formatted_communication(sub.structured_communication or '')})? "
            "Confirm the amount and date received, or cancel the subscription."
        ),
        due_in=timedelta(days=get_statutes().subscription_cancel_days),
        flow_run_id=flow_run_id,
    )


def ask_payment_confirmation(
    uow: UnitOfWork, subscription_id: int, flow_run_id: str | None = None
) -> DecisionView:
    """Open the staff request confirming a subscription's payment (once). Commits."""
    view = payment_confirmation_request(uow.session, subscription_id, flow_run_id)
    uow.commit()
    return view


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


def answer_payment_confirmation(
    uow: UnitOfWork, *, subscription_id: int, decision: dict[str, Any], staff: str
) -> SubscriptionStatus:
    """Record the staff answer on a payment confirmation and carry it out. Commits."""
    status = apply_payment_confirmation(
        uow.session, subscription_id=subscription_id, decision=decision, staff=staff
    )
    uow.commit()
    return status


def confirm_payment(
    uow: UnitOfWork,
    *,
    subscription_id: int,
    amount_cents: int,
    paid_on: date,
    bank_reference: str | None,
    staff: str,
) -> SubscriptionStatus:
    """Staff say a waiting subscription's payment arrived (outside a flow run's form): the
    request is opened if needed and answered, the payment recorded. Commits."""
    payment_confirmation_request(uow.session, subscription_id)
    status = apply_payment_confirmation(
        uow.session,
        subscription_id=subscription_id,
        staff=staff,
        decision={
            "decision": "paid",
            "amount_cents": amount_cents,
            "paid_on": paid_on.isoformat(),
            "bank_reference": bank_reference,
        },
    )
    uow.commit()
    return status


@dataclass(frozen=True)
class WaitingRun:
    """A suspended flow run to resume with the answer given for it."""

    flow_run_id: str
    answer: dict[str, Any]


def answer_for_waiting_run(uow: UnitOfWork, subscription_id: int) -> WaitingRun | None:
    """A subscription settled outside its flow run (bank import, lapse): the system answers
    the run's open staff request; None when no run waits. Commits."""
    view = get_subscription(uow.session, subscription_id)
    request = uow.decisions.find(confirmation_key(subscription_id))
    if request is None or request.status != DecisionStatus.OPEN or not request.flow_run_id:
        uow.rollback()
        return None
    answer = {
        "decision": "cancel" if view.status == SubscriptionStatus.CANCELLED else "paid",
        "amount_cents": 0,
        "paid_on": None,
        "bank_reference": None,
    }
    uow.decisions.decide(key=request.key, decision=answer, staff="system")
    uow.commit()
    return WaitingRun(request.flow_run_id, answer)
