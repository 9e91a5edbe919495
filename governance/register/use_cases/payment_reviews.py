"""Held share payments (under, over, unknown) reviewed by staff from a flow run's form: the
review as the run shows it, and the staff answer carried out once — or refused with a reason
(nothing recorded), so that the run asks again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from governance.db.models import DecisionRequest, SharePayment
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus
from governance.kernel.rules.errors import NotFound, RuleViolation
from governance.register.rules.register import PaymentStatus
from governance.register.use_cases import share_payments

PROCESS = "share-payment-review"


@dataclass(frozen=True)
class PaymentReview:
    payment_id: int
    key: str
    question: str
    held: bool  # still waiting for staff
    status: PaymentStatus
    refused_inputs: int  # answers refused so far (each asks again under a new form key)
    last_refusal: str | None
    member_id: int | None
    issued_subscription_id: int | None  # the shares this payment completed, once applied


def _payment(uow: UnitOfWork, payment_id: int) -> SharePayment:
    payment = uow.session.get(SharePayment, payment_id)
    if payment is None:
        raise NotFound(f"there is no payment {payment_id}", field="payment_id")
    return payment


def _review(uow: UnitOfWork, payment: SharePayment) -> PaymentReview:
    key = payment.review_key or share_payments.review_key(payment.id)
    request = uow.decisions.find(key)
    outcome = share_payments.payment_outcome(uow.session, payment)
    return PaymentReview(
        payment_id=payment.id,
        key=key,
        question=request.question if request else "",
        held=payment.status == PaymentStatus.HELD,
        status=payment.status,
        refused_inputs=int(payment.details.get("refused_inputs", 0)),
        last_refusal=payment.details.get("last_refusal"),
        member_id=request.member_id if request else None,
        issued_subscription_id=payment.subscription_id if outcome.issued else None,
    )


def open_for_run(uow: UnitOfWork, payment_id: int, flow_run_id: str | None) -> PaymentReview:
    """The review of a payment, linked to the run that asks staff (the inbox links to it)."""
    payment = _payment(uow, payment_id)
    if payment.review_key is None and payment.status != PaymentStatus.HELD:
        raise NotFound(f"payment {payment_id} was never held for review", field="payment_id")
    key = payment.review_key or share_payments.review_key(payment.id)
    if flow_run_id:
        uow.decisions.link_run(key, flow_run_id)
        uow.commit()
    return _review(uow, payment)


def decide(
    uow: UnitOfWork,
    payment_id: int,
    *,
    decision: str,
    staff: str,
    subscription_id: int | None = None,
) -> PaymentReview:
    """Carry out the answer (idempotent); an answer the rules refuse changes nothing but the
    count of refused answers and the reason, shown on the next form."""
    try:
        share_payments.resolve_payment_review(
            uow.session,
            payment_id=payment_id,
            decision=share_payments.ReviewDecision(decision),
            staff=staff,
            subscription_id=subscription_id,
        )
    except RuleViolation as exc:
        # Nothing of the refused answer is kept: only the count and the reason.
        uow.rollback()
        payment = _payment(uow, payment_id)
        payment.details = {
            **payment.details,
            "refused_inputs": int(payment.details.get("refused_inputs", 0)) + 1,
            "last_refusal": str(exc),
        }
        uow.timeline.record(
            actor=Actor.staff(staff),
            action="share_payment_review_answer_refused",
            subject_type="share_payment",
            subject_id=payment_id,
            details={"reason": str(exc)},
        )
    uow.commit()
    return _review(uow, _payment(uow, payment_id))


def held_without_run(uow: UnitOfWork) -> list[int]:
    """Held payments whose review no flow run asks yet (the daily run starts one for each)."""
    rows = uow.session.execute(
        select(SharePayment.id)
        .join(DecisionRequest, DecisionRequest.key == SharePayment.review_key)
        .where(
            SharePayment.status == PaymentStatus.HELD,
            DecisionRequest.status == DecisionStatus.OPEN,
            DecisionRequest.flow_run_id.is_(None),
        )
        .order_by(SharePayment.id)
    )
    return [int(i) for i in rows.scalars()]
