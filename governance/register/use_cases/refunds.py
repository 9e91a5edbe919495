"""Money the cooperative owes back outside a resignation, paid by the SEPA repayment batch:
a payment refunded on review, the excess of an over-payment, what a cancelled subscription
had received. Each is owed once (by its source key) and paid once (its batch). The batch
also pays the resignations' repayments (`repayment_batch`)."""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import Member, Resignation, SharePayment, ShareRefund, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition, NotFound, RuleViolation
from governance.register.rules.register import PaymentStatus, RefundStatus, ResignationStatus


@dataclass(frozen=True)
class Transfer:
    """One credit transfer of a repayment batch (the shape documents/sepa.py writes)."""

    end_to_end_id: str
    name: str
    iban: str
    amount_cents: int
    description: str
    bic: str | None = None


def _usable(iban: str | None) -> str:
    """The IBAN in electronic form, or "" when there is none or it does not check."""
    if not iban:
        return ""
    try:
        return str(IBAN(iban).compact)
    except SchwiftyException:
        return ""


def owe(
    session: Session,
    *,
    source_key: str,
    amount_cents: int,
    reason: str,
    name: str,
    iban: str | None,
    actor: Actor,
    member_id: int | None = None,
    payment_id: int | None = None,
    subscription_id: int | None = None,
) -> int | None:
    """Record money to pay back (in the caller's transaction); the same source key again, or
    nothing to pay, records nothing. Returns the refund's id (None: nothing to pay)."""
    if amount_cents <= 0:
        return None
    existing = session.scalar(select(ShareRefund).where(ShareRefund.source_key == source_key))
    if existing is not None:
        return existing.id
    account = _usable(iban)
    refund = ShareRefund(
        source_key=source_key,
        member_id=member_id,
        payment_id=payment_id,
        subscription_id=subscription_id,
        name=(name or "Unknown payer")[:200],
        iban=account,
        amount_cents=amount_cents,
        reason=reason,
        status=RefundStatus.DUE if account else RefundStatus.NO_IBAN,
    )
    session.add(refund)
    session.flush()
    TimelineRepository(session).record(
        actor=actor,
        action="refund_due" if account else "refund_needs_iban",
        subject_type="share_refund",
        subject_id=refund.id,
        member_id=member_id,
        details={"amount_cents": amount_cents, "reason": reason},
    )
    return refund.id


def _payer(session: Session, payment: SharePayment, member_id: int | None) -> str:
    if payment.payer_name:
        return payment.payer_name
    member = session.get(Member, member_id) if member_id else None
    return member.display_name if member else ""


def owe_payment(
    session: Session,
    payment: SharePayment,
    *,
    amount_cents: int,
    reason: str,
    actor: Actor,
    member_id: int | None,
) -> int | None:
    """Pay back (part of) a payment to the account it came from."""
    return owe(
        session,
        source_key=f"payment:{payment.id}:{reason}",
        amount_cents=amount_cents,
        reason=reason,
        name=_payer(session, payment, member_id),
        iban=payment.payer_iban,
        actor=actor,
        member_id=member_id,
        payment_id=payment.id,
        subscription_id=payment.subscription_id,
    )


def owe_cancelled(session: Session, sub: ShareSubscription, actor: Actor) -> int | None:
    """What a cancelled subscription had received, to the account of its last payment."""
    last = session.scalar(
        select(SharePayment)
        .where(SharePayment.subscription_id == sub.id, SharePayment.status == PaymentStatus.APPLIED)
        .order_by(SharePayment.id.desc())
        .limit(1)
    )
    member = session.get(Member, sub.member_id)
    return owe(
        session,
        source_key=f"subscription:{sub.id}:cancelled",
        amount_cents=sub.paid_cents,
        reason="cancelled",
        name=(last.payer_name if last and last.payer_name else None)
        or (member.display_name if member else ""),
        iban=last.payer_iban if last else None,
        actor=actor,
        member_id=sub.member_id,
        subscription_id=sub.id,
    )


def _batch_exists(session: Session, batch_id: str) -> bool:
    return (
        session.scalar(select(ShareRefund.id).where(ShareRefund.batch_id == batch_id).limit(1))
        is not None
    )


def _batch(session: Session, batch_id: str, actor: Actor, *, closed: bool) -> list[Transfer]:
    """Put every refund due in batch `batch_id`; a batch already written (`closed`) gives
    the same transfers again and takes nothing new."""
    wanted = (
        ShareRefund.batch_id == batch_id
        if closed
        else (ShareRefund.status == RefundStatus.DUE) & ShareRefund.batch_id.is_(None)
    )
    rows = session.scalars(
        select(ShareRefund).where(wanted).order_by(ShareRefund.id).with_for_update()
    ).all()
    out = []
    for row in rows:
        if row.batch_id is None:
            row.batch_id, row.status = batch_id, RefundStatus.IN_BATCH
            TimelineRepository(session).record(
                actor=actor,
                action="refund_batched",
                subject_type="share_refund",
                subject_id=row.id,
                member_id=row.member_id,
                details={"batch": batch_id, "amount_cents": row.amount_cents},
            )
        out.append(
            Transfer(
                f"REFUND{row.id}",
                row.name,
                row.iban,
                row.amount_cents,
                f"Refund {row.reason} {row.source_key}"[:140],
            )
        )
    return out


@dataclass(frozen=True)
class RefundView:
    """A refund as staff see it: to whom, why, how much, to which account ("" for none yet)."""

    id: int
    member_id: int | None
    name: str
    reason: str
    amount_cents: int
    iban: str

    @classmethod
    def of(cls, row: ShareRefund) -> RefundView:
        return cls(row.id, row.member_id, row.name, row.reason, row.amount_cents, row.iban)


def waiting_for_iban(session: Session) -> list[RefundView]:
    """Refunds staff must complete with an account number."""
    rows = session.scalars(
        select(ShareRefund)
        .where(ShareRefund.status == RefundStatus.NO_IBAN)
        .order_by(ShareRefund.id)
    )
    return [RefundView.of(row) for row in rows]


def give_iban(uow: UnitOfWork, refund_id: int, iban: str, staff: str) -> RefundView:
    """Staff complete a refund waiting for an account number; it goes in the next batch.
    Commits."""
    session = uow.session
    refund = session.get(ShareRefund, refund_id)
    if refund is None:
        raise NotFound(f"there is no refund {refund_id}", field="refund_id")
    if refund.status != RefundStatus.NO_IBAN:
        raise InvalidTransition(
            f"refund {refund_id} is {refund.status}: its account is already set", field="refund_id"
        )
    account = _usable(iban)
    if not account:
        raise RuleViolation("this is not a valid IBAN (check the digits)", field="iban")
    refund.iban, refund.status = account, RefundStatus.DUE
    TimelineRepository(session).record(
        actor=Actor.staff(staff),
        action="refund_iban_given",
        subject_type="share_refund",
        subject_id=refund.id,
        member_id=refund.member_id,
    )
    view = RefundView.of(refund)
    uow.commit()
    return view


# --------------------------------------------------------------------------- the batch


def repayment_batch(uow: UnitOfWork, *, batch_id: str, actor: Actor) -> list[Transfer]:
    """Put every repayment due (shares cancelled, IBAN known) and every refund due in batch
    `batch_id`; calling again with the same id returns the same batch and adds nothing (what
    fell due since waits for the next batch: a file already sent to the bank is never changed,
    and the bank refuses a second file with the same message id). Commits."""
    session = uow.session
    store.lock_head(session)
    closed = (
        _batch_exists(session, batch_id)
        or session.scalar(select(Resignation.id).where(Resignation.batch_id == batch_id).limit(1))
        is not None
    )
    new_due = (
        (Resignation.status == ResignationStatus.CANCELLED)
        & Resignation.batch_id.is_(None)
        & (Resignation.iban != "")
        & (Resignation.repayment_cents > 0)
    )
    due = session.scalars(
        select(Resignation)
        .where(Resignation.batch_id == batch_id if closed else new_due)
        .order_by(Resignation.id)
    ).all()
    out = []
    for row in due:
        member = session.get(Member, row.member_id)
        if member is None:
            raise NotFound(f"there is no member with id {row.member_id}", field="member_id")
        if row.batch_id is None:
            row.batch_id = batch_id
            row.status = ResignationStatus.IN_BATCH
            TimelineRepository(session).record(
                actor=actor,
                action="repayment_batched",
                subject_type="share_resignation",
                subject_id=row.id,
                member_id=row.member_id,
                details={"batch": batch_id, "amount_cents": row.repayment_cents},
            )
        out.append(
            Transfer(
                f"REPAY{row.id}",
                member.display_name,
                row.iban,
                row.repayment_cents,
                f"Repayment shares {row.member_id}-{row.id}",
            )
        )
    transfers = out + _batch(session, batch_id, actor, closed=closed)
    uow.commit()
    return transfers
