"""Rules moved out of the services, each with the exception staff read next to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.assembly.rules.voting import VotingStillOpen, check_closable
from governance.contracts.rules.einvoice import (
    CreditTooLarge,
    EndpointMissing,
    check_corrected_amount,
    check_credit,
    check_endpoint,
)
from governance.members.rules.members import ErasureRefused, check_erasable

CLOSES = datetime(2026, 6, 20, 16, 0, tzinfo=UTC)


@given(left=st.integers(min_value=0, max_value=10**9), net=st.integers(-10**9, 10**9))
def test_a_credit_note_credits_something_and_never_more_than_is_left(left: int, net: int) -> None:
    if 0 < net <= left:
        check_credit(net, left, "F2026-0000001")
    else:
        with pytest.raises(CreditTooLarge, match="F2026-0000001"):
            check_credit(net, left, "F2026-0000001")


@given(invoiced=st.integers(min_value=0, max_value=10**9), new=st.integers(-10**9, 10**9))
def test_a_corrected_amount_only_lowers_the_invoice(invoiced: int, new: int) -> None:
    if 0 <= new < invoiced:
        check_corrected_amount(new, invoiced)
    else:
        with pytest.raises(CreditTooLarge, match="declare the extra work"):
            check_corrected_amount(new, invoiced)


@pytest.mark.parametrize(("scheme", "endpoint"), [("", "0123456749"), ("208", "x"), ("0208", " ")])
def test_a_peppol_participant_without_a_usable_endpoint_is_refused(
    scheme: str, endpoint: str
) -> None:
    with pytest.raises(EndpointMissing, match="4-digit scheme"):
        check_endpoint(True, scheme, endpoint)
    check_endpoint(False, scheme, endpoint)  # no longer a participant: nothing to reach


def test_a_peppol_participant_with_its_endpoint_is_accepted() -> None:
    check_endpoint(True, "0208", "0123456749")


def test_a_shareholder_or_a_member_with_running_contracts_is_not_erased() -> None:
    with pytest.raises(ErasureRefused, match="share register"):
        check_erasable(holds_shares=True, open_contracts=False)
    with pytest.raises(ErasureRefused, match="contracts still running"):
        check_erasable(holds_shares=False, open_contracts=True)
    check_erasable(holds_shares=False, open_contracts=False)


def test_the_voting_closes_early_only_on_a_staff_request() -> None:
    before = CLOSES - timedelta(minutes=1)
    with pytest.raises(VotingStillOpen, match="open until"):
        check_closable(before, CLOSES, early=False)
    check_closable(before, CLOSES, early=True)
    check_closable(CLOSES, CLOSES, early=False)
