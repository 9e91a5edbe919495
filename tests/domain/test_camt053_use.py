"""Which bank movements the share register uses: booked euro credits, and reversals."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from governance.register.rules.camt053_entries import StatementEntry
from governance.register.rules.payments import EntryUse, use_of


def _entry(*, booked: bool, currency: str, credit: bool, reversal: bool) -> StatementEntry:
    return StatementEntry(
        bank_reference="REF",
        booking_date=date(2026, 3, 2),
        value_date=None,
        amount_cents=5_000,
        currency=currency,
        credit=credit,
        reversal=reversal,
        structured_reference=None,
        unstructured=None,
        debtor_name=None,
        debtor_iban=None,
        booked=booked,
    )


def test_a_booked_euro_credit_is_money_received() -> None:
    assert use_of(_entry(booked=True, currency="EUR", credit=True, reversal=False)) is (
        EntryUse.CREDIT
    )


def test_a_booked_euro_reversal_is_reviewed_whatever_its_direction() -> None:
    for credit in (True, False):
        entry = _entry(booked=True, currency="EUR", credit=credit, reversal=True)
        assert use_of(entry) is EntryUse.REVERSAL


def test_money_going_out_is_ignored() -> None:
    assert use_of(_entry(booked=True, currency="EUR", credit=False, reversal=False)) is (
        EntryUse.IGNORED
    )


@given(
    booked=st.booleans(),
    currency=st.sampled_from(["EUR", "USD", "GBP", "eur"]),
    credit=st.booleans(),
    reversal=st.booleans(),
)
def test_only_booked_euro_movements_are_ever_used(
    booked: bool, currency: str, credit: bool, reversal: bool
) -> None:
    use = use_of(_entry(booked=booked, currency=currency, credit=credit, reversal=reversal))
    if not booked or currency != "EUR":
        assert use is EntryUse.IGNORED
    else:
        assert use is (
            EntryUse.REVERSAL if reversal else EntryUse.CREDIT if credit else EntryUse.IGNORED
        )
