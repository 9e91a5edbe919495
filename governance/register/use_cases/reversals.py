"""Reversals on the bank statement (RvslInd=true): the bank took back money it had credited.

A reversal is never applied by itself: shares issued on the reversed credit stay issued until
staff decide (ask the member to pay again, or cancel through the register's processes). Each
reversal becomes one staff decision (in `coop inbox`) and a timeline event; the same reversal
seen in a second statement is recognised by its stable identity. Only staff closing a
reversal (`mark_handled`) commits; the rest works in the caller's transaction.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import SharePayment, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import NotFound
from governance.register.rules.camt053 import Statement
from governance.register.rules.camt053_entries import StatementEntry
from governance.register.rules.register import InvalidEntry, SubscriptionStatus

PROCESS = "bank-reversal-review"


def review_key(transaction_key: str) -> str:
    return f"{PROCESS}:{transaction_key}"


def _reversed_payment(session: Session, entry: StatementEntry) -> SharePayment | None:
    """The recorded payment this reversal takes back: same amount and the same structured
    communication, else the same bank reference; the latest one."""
    if entry.structured_reference is None and entry.bank_reference is None:
        return None
    match = (
        SharePayment.structured_reference == entry.structured_reference
        if entry.structured_reference is not None
        else SharePayment.bank_reference == entry.bank_reference
    )
    return session.scalar(
        select(SharePayment)
        .where(match, SharePayment.amount_cents == entry.amount_cents)
        .order_by(SharePayment.id.desc())
        .limit(1)
    )


def _question(
    statement: Statement,
    entry: StatementEntry,
    payment: SharePayment | None,
    sub: ShareSubscription | None,
) -> str:
    head = (
        f"The bank reversed {entry.amount_cents / 100:.2f} EUR on {entry.booking_date} "
        f"(account {statement.account_iban}, statement {statement.statement_id}, "
        f"bank reference {entry.bank_reference or 'none'})."
    )
    if payment is None:
        return f"{head} It matches no payment recorded in the register: check it with the bank."
    if sub is not None and sub.status is SubscriptionStatus.ISSUED:
        return (
            f"{head} It takes back payment {payment.id}, on which subscription {sub.id} "
            f"({sub.shares} class {sub.share_class} share(s) of member {sub.member_id}) was "
            "issued: the shares are not paid any more. Ask the member to pay again, or cancel "
            "the shares through the register's processes."
        )
    return (
        f"{head} It takes back payment {payment.id} ({payment.status}); no shares were issued "
        "on it. Check whether a refund or a review of that payment must be stopped."
    )


def record(
    session: Session,
    statement: Statement,
    entry: StatementEntry,
    transaction_key: str,
    actor: Actor,
) -> str | None:
    """Put the reversal in front of staff once; returns the review key, or None when this
    reversal was already imported."""
    key = review_key(transaction_key)
    store.lock_head(session)  # two imports of the same reversal: the second one waits
    if DecisionRepository(session).find(key) is not None:
        return None
    payment = _reversed_payment(session, entry)
    sub = (
        session.get(ShareSubscription, payment.subscription_id)
        if payment is not None and payment.subscription_id is not None
        else None
    )
    DecisionRepository(session).open(
        key=key,
        process=PROCESS,
        subject_type="share_payment" if payment is not None else "bank_statement",
        subject_id=payment.id if payment is not None else statement.statement_id,
        question=_question(statement, entry, payment, sub),
        due_in=timedelta(days=5),
        member_id=sub.member_id if sub is not None else None,
    )
    TimelineRepository(session).record(
        actor=actor,
        action="bank_reversal_received",
        subject_type="share_payment" if payment is not None else "bank_statement",
        subject_id=payment.id if payment is not None else statement.statement_id,
        member_id=sub.member_id if sub is not None else None,
        details={
            "amount_cents": entry.amount_cents,
            "booking_date": entry.booking_date.isoformat(),
            "bank_reference": entry.bank_reference,
            "shares_issued": sub is not None and sub.status is SubscriptionStatus.ISSUED,
            "review_key": key,
        },
    )
    return key


def mark_handled(uow: UnitOfWork, *, key: str, staff: str, note: str) -> None:
    """Staff have dealt with a reversal (asked the member to pay again, cancelled the shares,
    or found nothing to do): close its decision, with what was done. Commits."""
    if not key.startswith(f"{PROCESS}:"):
        raise NotFound(f"'{key}' is not a bank reversal to review", field="key")
    if not note.strip():
        raise InvalidEntry("say what was done about the reversal", field="note")
    uow.decisions.decide(
        key=key, decision={"decision": "handled", "note": note.strip()}, staff=staff
    )
    uow.commit()
