"""Pure register rules: who may subscribe, and how a payment matches its subscription."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.kernel.rules.enums import MemberKind, MemberStatus
from governance.register.rules.payments import PaymentMatch, match_payment
from governance.register.rules.register import (
    CANNOT_SUBSCRIBE,
    MemberCannotSubscribe,
    SubscriptionStatus,
    check_class_open,
    check_may_subscribe,
)

cents = st.integers(min_value=1, max_value=10**9)


@pytest.mark.parametrize("status", sorted(CANNOT_SUBSCRIBE))
def test_a_member_who_left_cannot_subscribe(status: MemberStatus) -> None:
    with pytest.raises(MemberCannotSubscribe, match=f"member 7 is {status}") as refused:
        check_may_subscribe(7, status)
    assert refused.value.field == "member_id"


@pytest.mark.parametrize("status", sorted(set(MemberStatus) - CANNOT_SUBSCRIBE))
def test_applicants_and_members_may_subscribe(status: MemberStatus) -> None:
    check_may_subscribe(7, status)  # refuses by raising


def test_a_class_closed_to_companies_refuses_a_company() -> None:
    with pytest.raises(MemberCannotSubscribe, match="class B shares are not open to a company"):
        check_class_open("B", MemberKind.COMPANY, (MemberKind.PERSON,))
    check_class_open("B", MemberKind.PERSON, (MemberKind.PERSON,))


@given(outstanding=cents, amount=cents)
def test_a_payment_matches_as_the_comparison_of_the_amounts(outstanding: int, amount: int) -> None:
    match = match_payment(SubscriptionStatus.AWAITING_PAYMENT, outstanding, amount)
    expected = {-1: PaymentMatch.UNDER, 0: PaymentMatch.EXACT, 1: PaymentMatch.OVER}
    assert match is expected[(amount > outstanding) - (amount < outstanding)]


@given(
    status=st.sampled_from([SubscriptionStatus.ISSUED, SubscriptionStatus.CANCELLED]),
    outstanding=st.integers(min_value=0, max_value=10**9),
    amount=cents,
)
def test_a_payment_on_a_subscription_no_longer_awaiting_is_reviewed(
    status: SubscriptionStatus, outstanding: int, amount: int
) -> None:
    assert match_payment(status, outstanding, amount) is PaymentMatch.NOT_AWAITING
