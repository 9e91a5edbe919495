"""A payment held by the bank import is decided in a real suspended share-payment-review run:
an answer the rules refuse changes nothing and is asked again with the reason; the accepted
one issues the shares once, with the certificate e-mailed once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from flows.share_payment_review import PaymentReviewParameters, share_payment_review
from governance.db.models import RegisterEntry, SharePayment
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.use_cases import (
    payment_reviews,
    share_payments,
    shares,
    unpaid_subscriptions,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
STAFF = Actor.staff("anna")


def _held_over_payment(member_id: int) -> tuple[int, int, int]:
    """A subscription of 2 shares (60 EUR) paid 90 EUR: held for review. Plus a cancelled
    subscription of the same member. Returns (payment, subscription, cancelled)."""
    with UnitOfWork() as uow:  # the older one lapses unpaid
        other = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=1,
                                 actor=STAFF, now=NOW, request_key="other")
        unpaid_subscriptions.cancel_overdue_subscriptions(uow.session, today=date(2026, 4, 15), actor=STAFF)
        sub = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=2,
                               actor=STAFF, now=datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
        outcome = share_payments.record_payment(uow.session, subscription_id=sub.id, amount_cents=9000,
                                        paid_on=date(2026, 4, 22), actor=STAFF,
                                        bank_reference="BANK-OVER")
        uow.commit()
    assert outcome.match == "over" and outcome.review_key
    return outcome.payment_id, sub.id, other.id


def test_a_refused_answer_changes_nothing_and_names_the_reason(make_member) -> None:
    payment_id, _sub, cancelled = _held_over_payment(make_member())
    with UnitOfWork() as uow:
        review = payment_reviews.decide(uow, payment_id, decision="apply", staff="anna",
                                        subscription_id=cancelled)
    assert review.held and review.refused_inputs == 1
    assert review.last_refusal is not None and f"subscription {cancelled}" in review.last_refusal
    with UnitOfWork() as uow:
        request = uow.decisions.find(review.key)
        assert request is not None and request.decision is None  # no decision recorded


def _start(payment_id: int):  # type: ignore[no-untyped-def]
    deployment_id = share_payment_review.to_deployment(name="payment-review-test").apply()
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id,
            parameters={"params": PaymentReviewParameters(payment_id=payment_id).model_dump()})


def _run(flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:  # a worker would exit here; in-process the Pause propagates
        run_flow(share_payment_review, flow_run=flow_run, return_type="state",
                 parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state


def test_staff_decide_a_held_payment_in_the_run_form(make_member, mail_sink,
                                                     prefect_harness, staff_phones) -> None:
    payment_id, sub_id, cancelled = _held_over_payment(make_member())
    with UnitOfWork() as uow:
        assert payment_reviews.held_without_run(uow) == [payment_id]
    run = _start(payment_id)
    assert _run(run.id).is_paused()
    with UnitOfWork() as uow:
        assert payment_reviews.held_without_run(uow) == []  # the inbox links to this run

    resume_flow_run(run.id, run_input={"decision": "apply", "subscription_id": cancelled,
                                       "staff": "anna", "one_time_code": staff_phones.code("anna")})
    assert _run(run.id).is_paused()  # refused (a cancelled subscription): asked again
    resume_flow_run(run.id, run_input={"decision": "apply", "staff": "anna",
                                       "one_time_code": staff_phones.code("anna")})
    final = _run(run.id)
    assert final.is_completed(), final
    with UnitOfWork() as uow:
        payment = uow.session.get(SharePayment, payment_id)
        assert payment is not None and payment.status == "applied"
        assert payment.details["excess_to_refund_cents"] == 3000
        assert payment.details["refused_inputs"] == 1
        kinds = list(uow.session.scalars(select(RegisterEntry.kind).where(
            RegisterEntry.subscription_id == sub_id)))
        assert shares.get_subscription(uow.session, sub_id).status == "issued"
    assert kinds.count("issue") == 1
    certificates = [m for m in mail_sink.parsed()
                    if str(m["X-Coop-Key"]).startswith(f"mail:share_certificate:{sub_id}")]
    assert len(certificates) == 1
