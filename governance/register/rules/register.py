"""The share register's rules: entries, the hash chain, holdings and their invariants,
the resignation window and the repayment amount.

Pure: no database, no clock. Services feed entries in; this module says whether they may be
appended and what the holdings become.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from governance.kernel.rules.enums import MemberKind, MemberStatus
from governance.kernel.rules.errors import RuleViolation

GENESIS_HASH = "0" * 64
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class EntryKind(StrEnum):
    SUBSCRIPTION = "subscription"  # shares subscribed, not yet paid (no holding yet)
    PAYMENT = "payment"  # money received on a subscription
    ISSUE = "issue"  # shares issued once fully paid: the holding grows
    TRANSFER = "transfer"  # shares move from member_id to counterparty_id
    RESIGNATION = "resignation"  # all shares of a class cancelled and repaid
    EXCLUSION = "exclusion"  # all shares of a class cancelled (with the reason)
    DEATH = "death"  # resignation on the date of death
    CANCELLATION = "cancellation"  # an unpaid subscription lapses (no holding change)


CANCELLING_KINDS = frozenset({EntryKind.RESIGNATION, EntryKind.EXCLUSION, EntryKind.DEATH})


class SubscriptionStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    ISSUED = "issued"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    """Money received for a subscription."""

    APPLIED = "applied"  # counted towards its subscription
    HELD = "held"  # a staff review decides what it pays
    REFUSED = "refused"  # refused on review: owed back


class ResignationStatus(StrEnum):
    """A member's resignation, from acceptance to repayment."""

    ACCEPTED = "accepted"  # inside the window: the shares are cancelled when it closes
    CANCELLED = "cancelled"  # shares cancelled, repayment fixed: waits for a repayment batch
    IN_BATCH = "in_batch"  # the repayment is in a SEPA batch


class RefundStatus(StrEnum):
    """Money owed back outside a resignation."""

    DUE = "due"  # goes in the next repayment batch
    NO_IBAN = "no_iban"  # waits for staff to give an account number
    IN_BATCH = "in_batch"  # in a SEPA batch


# --------------------------------------------------------------------------- violations


class NegativeHolding(RuleViolation):
    """An entry would leave a member with fewer than zero shares."""

    code = "negative_holding"


class IssueNotFullyPaid(RuleViolation):
    """Shares may be issued only when their nominal value is fully paid."""

    code = "issue_not_fully_paid"


class TransferExceedsHolding(RuleViolation):
    """A transfer may move only shares the giver holds."""

    code = "transfer_exceeds_holding"


class InvalidEntry(RuleViolation):
    """An entry is malformed (a count, a class, a party is missing or wrong)."""

    code = "invalid_entry"


class OutsideResignationWindow(RuleViolation):
    """Resignation is possible only during the window the statutes set."""

    code = "outside_resignation_window"

    def __init__(self, message: str, next_possible: date) -> None:
        super().__init__(message, field="requested_on")
        self.next_possible = next_possible


class MemberCannotSubscribe(RuleViolation):
    """Excluded, deceased or erased members, or a class closed to this kind of member."""

    code = "member_cannot_subscribe"


class NothingToCancel(RuleViolation):
    """Resignation, exclusion or death of a member who holds no shares."""

    code = "nothing_to_cancel"


class ChainBroken(RuleViolation):
    """An entry's stored hash does not match its content or its predecessor."""

    code = "chain_broken"

    def __init__(self, sequence: int, reason: str) -> None:
        super().__init__(f"register entry #{sequence} was altered: {reason}", field="sequence")
        self.sequence = sequence


# --------------------------------------------------------------------------- entries and hashing


@dataclass(frozen=True, slots=True)
class Entry:
    """One register line, exactly as hashed (the recorded time is not part of the proof)."""

    sequence: int
    kind: EntryKind
    effective_on: date
    member_id: int
    share_class: str
    shares: int
    amount_cents: int = 0
    counterparty_id: int | None = None
    subscription_id: int | None = None
    reference: str = ""

    def canonical(self, previous_hash: str) -> bytes:
        """The canonical JSON the hash covers (sorted keys, no spaces, UTF-8)."""
        body = {
            "sequence": self.sequence,
            "kind": str(self.kind),
            "effective_on": self.effective_on.isoformat(),
            "member_id": self.member_id,
            "share_class": self.share_class,
            "shares": self.shares,
            "amount_cents": self.amount_cents,
            "counterparty_id": self.counterparty_id,
            "subscription_id": self.subscription_id,
            "reference": self.reference,
            "previous_hash": previous_hash,
        }
        return _CANONICAL.encode(body).encode()

    def hash(self, previous_hash: str) -> str:
        return hashlib.sha256(self.canonical(previous_hash)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    entry: Entry
    previous_hash: str
    entry_hash: str


def chain(entries: Iterable[Entry], previous_hash: str = GENESIS_HASH) -> list[ChainedEntry]:
    """Hash entries in order, each over its content and its predecessor's hash."""
    out = []
    for entry in entries:
        digest = entry.hash(previous_hash)
        out.append(ChainedEntry(entry, previous_hash, digest))
        previous_hash = digest
    return out


def first_broken_link(chained: Iterable[ChainedEntry]) -> ChainBroken | None:
    """The first entry whose hash, predecessor or number does not match, else None."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    for item in chained:
        seq = item.entry.sequence
        if seq != expected_sequence:
            return ChainBroken(seq, f"expected entry number {expected_sequence} here")
        if item.previous_hash != expected_previous:
            return ChainBroken(seq, "it does not point to the previous entry's hash")
        if item.entry.hash(item.previous_hash) != item.entry_hash:
            return ChainBroken(seq, "its content does not match its hash")
        expected_previous = item.entry_hash
        expected_sequence += 1
    return None


# --------------------------------------------------------------------------- holdings


@dataclass
class Ledger:
    """Holdings per (member, class), built by applying entries; refuses any broken invariant."""

    nominal_cents: dict[str, int]
    holdings: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    issued: int = 0
    cancelled: int = 0

    def held(self, member_id: int, share_class: str) -> int:
        return self.holdings.get((member_id, share_class), 0)

    def check(self, entry: Entry, *, paid_cents: int | None = None) -> None:
        """Raise the violation `entry` would cause; `paid_cents` is what the issue is paid by."""
        if entry.share_class not in self.nominal_cents:
            raise InvalidEntry(f"unknown share class '{entry.share_class}'", field="share_class")
        if entry.shares < 0 or entry.amount_cents < 0:
            raise InvalidEntry("share counts and amounts cannot be negative", field="shares")
        held = self.held(entry.member_id, entry.share_class)
        if entry.kind is EntryKind.ISSUE:
            check_fully_paid(
                entry.shares,
                self.nominal_cents[entry.share_class],
                entry.amount_cents if paid_cents is None else paid_cents,
            )
        elif entry.kind is EntryKind.TRANSFER:
            check_transfer(entry, held)
        elif entry.kind in CANCELLING_KINDS:
            if entry.shares != held:
                raise NegativeHolding(
                    f"member {entry.member_id} holds {held} class {entry.share_class} share(s): "
                    f"a {entry.kind} must cancel exactly those, not {entry.shares}",
                    field="shares",
                )

    def apply(self, entry: Entry, *, paid_cents: int | None = None) -> None:
        """Check `entry`, then update the holdings."""
        self.check(entry, paid_cents=paid_cents)
        key = (entry.member_id, entry.share_class)
        if entry.kind is EntryKind.ISSUE:
            self.holdings[key] = self.held(*key) + entry.shares
            self.issued += entry.shares
        elif entry.kind is EntryKind.TRANSFER:
            assert entry.counterparty_id is not None
            self.holdings[key] = self.held(*key) - entry.shares
            other = (entry.counterparty_id, entry.share_class)
            self.holdings[other] = self.held(*other) + entry.shares
        elif entry.kind in CANCELLING_KINDS:
            self.holdings[key] = 0
            self.cancelled += entry.shares

    def total(self) -> int:
        return sum(self.holdings.values())


def check_fully_paid(shares: int, nominal_cents: int, paid_cents: int) -> None:
    """Shares are issued only when their whole nominal value has been received."""
    if shares <= 0:
        raise InvalidEntry("at least one share must be issued", field="shares")
    due = shares * nominal_cents
    if paid_cents < due:
        raise IssueNotFullyPaid(
            f"{shares} share(s) need {due / 100:.2f} EUR paid before they are issued; "
            f"{paid_cents / 100:.2f} EUR received",
            field="paid_cents",
        )


def check_transfer(entry: Entry, held: int) -> None:
    """A transfer moves at least one existing share to someone else."""
    if entry.counterparty_id is None or entry.counterparty_id == entry.member_id:
        raise InvalidEntry("a transfer needs a receiver other than the giver", field="to_member")
    if entry.shares <= 0:
        raise InvalidEntry("a transfer moves at least one share", field="shares")
    if entry.shares > held:
        raise TransferExceedsHolding(
            f"member {entry.member_id} holds {held} class {entry.share_class} share(s) and "
            f"cannot transfer {entry.shares}",
            field="shares",
        )


def holdings_from(entries: Iterable[Entry], nominal_cents: dict[str, int]) -> Ledger:
    """Replay entries (already validated when recorded); raises on any broken invariant."""
    ledger = Ledger(nominal_cents)
    for entry in entries:
        ledger.apply(entry)
    return ledger


HoldingKey = tuple[int, str]  # (member id, share class)


def touched_holdings(entries: Iterable[Entry]) -> set[HoldingKey]:
    """The (member, class) holdings that `entries` change (both parties of a transfer)."""
    keys: set[HoldingKey] = set()
    for e in entries:
        if e.kind is EntryKind.ISSUE or e.kind in CANCELLING_KINDS:
            keys.add((e.member_id, e.share_class))
        elif e.kind is EntryKind.TRANSFER:
            keys.add((e.member_id, e.share_class))
            if e.counterparty_id is not None:
                keys.add((e.counterparty_id, e.share_class))
    return keys


def project_holdings(
    entries: Iterable[Entry],
    current: dict[HoldingKey, tuple[int, int]],
    nominal_cents: dict[str, int],
) -> dict[HoldingKey, tuple[int, int]]:
    """(shares, paid cents) of every holding `entries` touch, starting from `current`.

    Raises the violation the first entry that breaks an invariant would cause, so an entry
    the projection cannot follow is never appended."""
    ledger = Ledger(nominal_cents)
    paid: dict[HoldingKey, int] = defaultdict(int)
    for key, (shares, paid_cents) in current.items():
        ledger.holdings[key] = shares
        paid[key] = paid_cents
    touched: set[HoldingKey] = set()
    for e in entries:
        ledger.apply(e)
        key = (e.member_id, e.share_class)
        if e.kind is EntryKind.ISSUE:
            paid[key] += e.amount_cents
        elif e.kind is EntryKind.TRANSFER:
            assert e.counterparty_id is not None
            paid[key] -= e.amount_cents
            paid[(e.counterparty_id, e.share_class)] += e.amount_cents
        elif e.kind in CANCELLING_KINDS:
            paid[key] = 0
        touched.update(touched_holdings([e]))
    return {k: (ledger.held(*k), paid[k]) for k in touched}


# --------------------------------------------------------------------------- subscriptions


# Members who left for good subscribe no more shares.
CANNOT_SUBSCRIBE = frozenset({MemberStatus.EXCLUDED, MemberStatus.DECEASED, MemberStatus.ERASED})


def check_may_subscribe(member_id: int, status: MemberStatus) -> None:
    """Refuse a subscription by a member who left (excluded, deceased, erased)."""
    if status in CANNOT_SUBSCRIBE:
        raise MemberCannotSubscribe(
            f"member {member_id} is {status} and cannot subscribe shares", field="member_id"
        )


def check_class_open(
    share_class: str, kind: MemberKind, allowed_kinds: Iterable[MemberKind]
) -> None:
    """Refuse a subscription in a share class the statutes close to this kind of member."""
    if kind not in allowed_kinds:
        raise MemberCannotSubscribe(
            f"class {share_class} shares are not open to a {kind}", field="share_class"
        )


def subscription_amount(shares: int, nominal_cents: int, minimum_shares: int) -> int:
    """The price of a subscription; refuses fewer shares than the class minimum."""
    if shares < minimum_shares:
        raise InvalidEntry(
            f"at least {minimum_shares} share(s) must be subscribed, not {shares}", field="shares"
        )
    return shares * nominal_cents


def covered_years(acquisitions: Iterable[tuple[int, int]]) -> set[int]:
    """N shares acquired in year Y cover Y..Y+N-1 (one share per year of use)."""
    years: set[int] = set()
    for year, shares in acquisitions:
        years.update(range(year, year + max(shares, 0)))
    return years


def structured_base(subscription_id: int) -> int:
    """10-digit base of the payment reference: '1' marks a share subscription, then its id."""
    if not 0 < subscription_id < 10**9:
        raise InvalidEntry("subscription id out of range for a payment reference")
    return 10**9 + subscription_id


def subscription_from_reference(twelve_digits: str) -> int | None:
    """The subscription a structured reference pays, or None when it encodes something else."""
    base = int(twelve_digits[:10])
    return base - 10**9 if base > 10**9 else None


# --------------------------------------------------------------------------- resignation


def financial_year_start(year: int, mm_dd: str) -> date:
    month, day = (int(p) for p in mm_dd.split("-"))
    return date(year, month, day)


def _add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    return date(start.year + month0 // 12, month0 % 12 + 1, start.day)


@dataclass(frozen=True)
class ResignationWindow:
    opens_on: date
    closes_on: date  # last day of the window; shares are cancelled at its end


def resignation_window(on: date, mm_dd: str, months: int) -> ResignationWindow:
    """The window of the financial year containing `on`."""
    start = financial_year_start(on.year, mm_dd)
    if on < start:
        start = financial_year_start(on.year - 1, mm_dd)
    end = _add_months(start, months)
    return ResignationWindow(start, date.fromordinal(end.toordinal() - 1))


def check_resignation_window(on: date, mm_dd: str, months: int) -> ResignationWindow:
    """Refuse a request outside the window, naming the next date it is possible."""
    window = resignation_window(on, mm_dd, months)
    if window.opens_on <= on <= window.closes_on:
        return window
    next_open = financial_year_start(window.opens_on.year + 1, mm_dd)
    raise OutsideResignationWindow(
        f"a resignation can be asked only from {window.opens_on:%d/%m} to "
        f"{window.closes_on:%d/%m}; the next possible date is {next_open:%d/%m/%Y}",
        next_possible=next_open,
    )


def repayment_cents(shares: int, paid_cents: int, book_value_per_share_cents: int) -> int:
    """What a leaving member gets back: at most the nominal value paid, and never above book."""
    if shares <= 0:
        raise NothingToCancel("the member holds no shares to repay", field="shares")
    return min(paid_cents, shares * book_value_per_share_cents)
