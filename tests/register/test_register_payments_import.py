"""camt.053 import: exact issues, partial/over/unknown become reviews, twice = once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from governance.db.models import DecisionRequest, RegisterEntry, SharePayment
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import payments, share_payments, shares, unpaid_subscriptions

FIXTURE = Path(__file__).parents[1] / "fixtures" / "camt053" / "register_payments.xml"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_statement_import_matches_by_structured_communication_and_is_idempotent(
    make_member,
) -> None:
    ids = [make_member() for _ in range(3)]
    with UnitOfWork() as uow:
        for n, member_id in zip((1, 2, 1), ids, strict=True):  # subscriptions 1-3 of a fresh DB
            shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=n,
                             actor=Actor.system("test"), now=NOW)
        uow.commit()
    data = FIXTURE.read_bytes()
    with UnitOfWork() as uow:
        report = payments.import_statement(uow.session, data, actor=Actor.staff("anna"))
        uow.commit()
    assert (report.credits, report.exact, report.under, report.over, report.unknown) == (
        5, 1, 1, 1, 2)
    assert report.issued_subscription_ids == [1]
    assert len(report.review_keys) == 4
    with UnitOfWork() as uow:
        s = uow.session
        assert shares.get_subscription(s, 1).status is SubscriptionStatus.ISSUED
        assert shares.get_subscription(s, 2).status is SubscriptionStatus.AWAITING_PAYMENT
        assert shares.get_subscription(s, 3).status is SubscriptionStatus.AWAITING_PAYMENT
        assert s.scalar(select(func.count()).select_from(DecisionRequest).where(
            DecisionRequest.process == "share-payment-review")) == 4
        entries_before = s.scalar(select(func.count()).select_from(RegisterEntry))
    with UnitOfWork() as uow:  # the same statement again: nothing changes
        again = payments.import_statement(uow.session, data, actor=Actor.staff("anna"))
        uow.commit()
    assert again.duplicates == 5 and again.exact == again.unknown == 0
    with UnitOfWork() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(SharePayment)) == 5
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == entries_before
        unknown = s.scalars(select(SharePayment).where(
            SharePayment.subscription_id.is_(None))).all()
        assert {p.payer_name for p in unknown} == {"ONBEKEND BV", "SANS REFERENCE"}


def test_an_unknown_payment_assigned_by_staff_issues_the_shares(make_member) -> None:
    ids = [make_member() for _ in range(3)]
    with UnitOfWork() as uow:
        for n, member_id in zip((1, 2, 1), ids, strict=True):
            shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=n,
                             actor=Actor.system("test"), now=NOW)
        uow.commit()
    with UnitOfWork() as uow:
        payments.import_statement(uow.session, FIXTURE.read_bytes(), actor=Actor.system("bank"))
        uow.commit()
    with UnitOfWork() as uow:
        s = uow.session
        payment = s.scalar(select(SharePayment).where(SharePayment.payer_name == "SANS REFERENCE"))
        assert payment is not None
        outcome = share_payments.resolve_payment_review(
            s, payment_id=payment.id, decision=share_payments.ReviewDecision.APPLY, staff="bob",
            subscription_id=3)
        uow.commit()
    assert outcome.issued and outcome.subscription_id == 3


def test_a_bank_payment_closes_the_staff_request_of_a_waiting_flow_run(
    coop_env, make_member, prefect_harness
) -> None:
    import uuid

    from tasks.share_register import wake_waiting_subscriptions

    ids = [make_member() for _ in range(3)]
    with UnitOfWork() as uow:
        for n, member_id in zip((1, 2, 1), ids, strict=True):
            shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=n,
                             actor=Actor.system("test"), now=NOW)
        unpaid_subscriptions.payment_confirmation_request(uow.session, 1, flow_run_id=str(uuid.uuid4()))
        uow.commit()
    with UnitOfWork() as uow:
        payments.import_statement(uow.session, FIXTURE.read_bytes(), actor=Actor.system("bank"))
        uow.commit()
    # the run does not exist on any server: the resume fails softly, the request is closed
    assert wake_waiting_subscriptions.fn([1, 2]) == 0
    with UnitOfWork() as uow:
        closed = uow.decisions.find(unpaid_subscriptions.confirmation_key(1))
        assert closed is not None and closed.status == "decided" and closed.decided_by == "system"
        assert uow.decisions.find(unpaid_subscriptions.confirmation_key(2)) is None
