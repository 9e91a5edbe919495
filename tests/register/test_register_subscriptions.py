"""Subscriptions and payments: instructions, exact payment issues, anything else is reviewed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from governance.db.models import DecisionRequest, OutboxMessage, RegisterEntry
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.identifiers import parse_structured_communication
from governance.register.rules.payments import PaymentMatch
from governance.register.rules.register import IssueNotFullyPaid, SubscriptionStatus
from governance.register.use_cases import share_payments, shares, unpaid_subscriptions
from governance.register.use_cases.share_payments import ReviewDecision

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
STAFF = Actor.staff("anna")


def _subscribe(member_id: int, n: int = 2, key: str | None = None) -> shares.SubscriptionView:
    with UnitOfWork() as uow:
        view = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=n,
                                actor=STAFF, request_key=key, now=NOW)
        uow.commit()
    return view


def _pay(sub_id: int, cents: int, ref: str = "BANK1") -> share_payments.PaymentOutcome:
    with UnitOfWork() as uow:
        out = share_payments.record_payment(uow.session, subscription_id=sub_id, amount_cents=cents,
                                    paid_on=date(2026, 3, 5), actor=STAFF, bank_reference=ref)
        uow.commit()
    return out


def test_subscription_awaits_payment_with_instructions_in_the_outbox(make_member) -> None:
    member_id = make_member()
    view = _subscribe(member_id, 2, key="onboarding:1")
    assert view.status is SubscriptionStatus.AWAITING_PAYMENT
    assert view.amount_cents == 6000 and view.due_on == date(2026, 3, 12)
    digits = parse_structured_communication(view.structured_communication)
    assert digits is not None and view.structured_communication.startswith("+++")
    assert _subscribe(member_id, 2, key="onboarding:1") == view  # same key, same subscription
    with UnitOfWork() as uow:
        mails = uow.session.scalars(select(OutboxMessage)).all()
        assert [m.template for m in mails] == ["share_payment_instructions"]
        assert mails[0].context["communication"] == view.structured_communication
        assert mails[0].context["amount_cents"] == 6000
        kinds = uow.session.scalars(select(RegisterEntry.kind)).all()
        assert kinds == ["subscription"]
        assert not shares.is_shareholder(uow.session, member_id, date(2026, 3, 31))


def test_exact_payment_issues_the_shares_and_a_repeat_changes_nothing(make_member) -> None:
    member_id = make_member()
    view = _subscribe(member_id, 3)
    outcome = _pay(view.id, 9000)
    assert outcome.match is PaymentMatch.EXACT and outcome.issued
    assert _pay(view.id, 9000).duplicate
    with UnitOfWork() as uow:
        s = uow.session
        assert shares.holdings_as_at(s, date(2026, 3, 5)) == [
            store.Holding(member_id, "A", 3, 9000)]
        assert shares.holdings_as_at(s, date(2026, 3, 4)) == []
        assert shares.is_shareholder(s, member_id, date(2026, 3, 5))
        assert shares.covered_years(s, member_id, date(2026, 12, 31)) == {2026, 2027, 2028}
        kinds = s.scalars(select(RegisterEntry.kind).order_by(RegisterEntry.sequence)).all()
        assert kinds == ["subscription", "payment", "issue"]
        assert store.verify(s).ok


@pytest.mark.parametrize(("cents", "match"), [(3000, PaymentMatch.UNDER),
                                              (9000, PaymentMatch.OVER)])
def test_wrong_amount_is_held_for_review_never_guessed(make_member, cents, match) -> None:
    member_id = make_member()
    view = _subscribe(member_id, 2)
    outcome = _pay(view.id, cents)
    assert outcome.match is match and not outcome.issued and outcome.review_key
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(DecisionRequest.status).where(
            DecisionRequest.key == outcome.review_key)) == "open"
        assert shares.get_subscription(uow.session, view.id).paid_cents == 0
        done = share_payments.resolve_payment_review(uow.session, payment_id=outcome.payment_id,
                                             decision=ReviewDecision.APPLY, staff="bob")
        uow.commit()
    assert done.issued is (match is PaymentMatch.OVER)
    assert done.outstanding_cents == (3000 if match is PaymentMatch.UNDER else -3000)


def test_shares_cannot_be_issued_unpaid() -> None:
    from governance.register.rules.register import check_fully_paid

    with pytest.raises(IssueNotFullyPaid, match="paid_cents"):
        check_fully_paid(2, 3000, 5999)


def test_start_subscription_task_commits_in_its_own_unit_of_work(make_member) -> None:
    from tasks.shares import start_subscription

    member_id = make_member()
    first = start_subscription.fn(member_id, "A", 1, "campaign:2026:1", "anna")
    assert start_subscription.fn(member_id, "A", 1, "campaign:2026:1", "anna") == first
    with UnitOfWork() as uow:
        view = shares.get_subscription(uow.session, first)
    assert view.member_id == member_id and view.amount_cents == 3000


def _cancellations() -> list[tuple[str, str]]:
    with UnitOfWork() as uow:
        return [(str(k), r) for k, r in uow.session.execute(
            select(RegisterEntry.kind, RegisterEntry.reference).where(
                RegisterEntry.kind == "cancellation"))]


def _cancel_events() -> list[dict]:  # type: ignore[type-arg]
    from governance.db.models import TimelineEvent

    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(TimelineEvent.details).where(
            TimelineEvent.action == "share_subscription_cancelled")))


def test_an_unpaid_subscription_lapses_after_the_statutes_period_once(make_member) -> None:
    view = _subscribe(make_member(), 2)  # due 2026-03-12; lapses 30 days after the request
    with UnitOfWork() as uow:
        assert unpaid_subscriptions.cancel_overdue_subscriptions(
            uow.session, today=date(2026, 3, 31), actor=Actor.system("daily")) == []
        assert unpaid_subscriptions.cancel_overdue_subscriptions(
            uow.session, today=date(2026, 4, 1), actor=Actor.system("daily")) == [view.id]
        uow.commit()
    with UnitOfWork() as uow:
        assert unpaid_subscriptions.cancel_overdue_subscriptions(
            uow.session, today=date(2026, 4, 2), actor=Actor.system("daily")) == []
        assert shares.get_subscription(uow.session, view.id).status is SubscriptionStatus.CANCELLED
        mails = uow.session.scalars(select(OutboxMessage.template)).all()
        assert store.verify(uow.session).ok
    assert _cancellations() == [("cancellation", "unpaid")]
    assert mails.count("share_subscription_cancelled") == 1
    assert _cancel_events() == [{"paid_cents_to_refund": 0}]


def test_staff_cancel_a_subscription_once_and_never_one_the_bank_paid(make_member) -> None:
    member_id = make_member()
    cancelled, paid = _subscribe(member_id, 1), _subscribe(member_id, 2)
    cancel = {"decision": "cancel"}
    with UnitOfWork() as uow:  # what the share-subscription flow asks staff
        for sub in (cancelled, paid):
            unpaid_subscriptions.payment_confirmation_request(uow.session, sub.id, None)
        uow.commit()
    for _ in range(2):  # the same answer twice (a resumed run): one cancellation
        with UnitOfWork() as uow:
            status = unpaid_subscriptions.apply_payment_confirmation(
                uow.session, subscription_id=cancelled.id, decision=cancel, staff="anna")
            uow.commit()
        assert status is SubscriptionStatus.CANCELLED
    _pay(paid.id, 6000)
    with UnitOfWork() as uow:
        status = unpaid_subscriptions.apply_payment_confirmation(
            uow.session, subscription_id=paid.id, decision=cancel, staff="anna")
        uow.commit()
    assert status is SubscriptionStatus.ISSUED
    assert _cancellations() == [("cancellation", "staff")]
    assert _cancel_events() == [{"paid_cents_to_refund": 0}]
