"""Money received by the share register: which bank movements count, and how a payment
matches the subscription it names. Pure: the services record what these rules decide."""

from __future__ import annotations

from enum import StrEnum

from governance.register.rules.camt053_entries import StatementEntry
from governance.register.rules.register import SubscriptionStatus


class EntryUse(StrEnum):
    """What the share register does with a movement of its own account."""

    IGNORED = "ignored"  # pending or informative, not in euros, or money going out
    REVERSAL = "reversal"  # the bank took back money it had credited: staff review
    CREDIT = "credit"  # money received: matched to a subscription


def use_of(entry: StatementEntry) -> EntryUse:
    """Only booked euro movements count; a reversal (RvslInd) counts whatever its direction."""
    if not entry.booked or entry.currency != "EUR":
        return EntryUse.IGNORED
    if entry.reversal:
        return EntryUse.REVERSAL
    return EntryUse.CREDIT if entry.credit else EntryUse.IGNORED


class PaymentMatch(StrEnum):
    """How a payment compares with what its subscription still expects."""

    EXACT = "exact"  # the outstanding amount: applied, shares issued
    UNDER = "under"  # less than outstanding: held for staff review
    OVER = "over"  # more than outstanding: held for staff review
    NOT_AWAITING = "not_awaiting"  # subscription already issued or cancelled: review
    UNKNOWN = "unknown"  # no subscription matches the reference: review


def match_payment(
    status: SubscriptionStatus, outstanding_cents: int, amount_cents: int
) -> PaymentMatch:
    """Only the exact outstanding amount on a subscription awaiting payment is applied by
    itself; every other payment is matched as what staff must review."""
    if status != SubscriptionStatus.AWAITING_PAYMENT:
        return PaymentMatch.NOT_AWAITING
    if amount_cents == outstanding_cents:
        return PaymentMatch.EXACT
    return PaymentMatch.UNDER if amount_cents < outstanding_cents else PaymentMatch.OVER
