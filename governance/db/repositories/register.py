"""The register's repository (the data layer): appending chained entries under a lock, with the
holdings projection kept in the same transaction, holdings as at a date, verification. The only
code that writes the register's entries and holdings; it never commits: the calling use case's
unit of work commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, case, func, insert, select, update
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db import bulk
from governance.db.base import Base
from governance.db.models import RegisterEntry, RegisterHead, ShareHolding
from governance.kernel.rules.errors import RuleViolation
from governance.register.rules import register as rules
from governance.register.rules.register import CANCELLING_KINDS, Entry, EntryKind
from governance.statutes import get_statutes


@dataclass(frozen=True)
class Holding:
    """Issued, fully paid, not cancelled shares of one member in one class."""

    member_id: int
    share_class: str
    shares: int
    paid_cents: int


@dataclass(frozen=True)
class NewEntry:
    """An entry to append; the register gives it its number and hash."""

    kind: EntryKind
    effective_on: date
    member_id: int
    share_class: str
    shares: int
    amount_cents: int = 0
    counterparty_id: int | None = None
    subscription_id: int | None = None
    reference: str = ""


def nominal_cents() -> dict[str, int]:
    return {c.code: c.nominal_value_cents for c in get_statutes().share_classes}


def lock_head(session: Session) -> RegisterHead:
    """Take the register's write lock (row lock on PostgreSQL; SQLite writers are serialised
    by BEGIN IMMEDIATE). Everything read after this sees the latest committed register."""
    head = session.scalar(
        select(RegisterHead)
        .where(RegisterHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if head is None:
        raise RuntimeError("register_head row missing: run the migrations")
    return head


def append(session: Session, head: RegisterHead, entries: Sequence[NewEntry]) -> list[int]:
    """Number, chain and insert entries and bring the holdings projection in step, in the
    caller's transaction (head must be locked); returns their sequence numbers.

    The only way to write register entries: an entry the holdings cannot follow (a transfer
    of shares not held, an issue not fully paid...) raises before anything is written."""
    numbered = [
        Entry(
            sequence=head.last_sequence + i,
            kind=e.kind,
            effective_on=e.effective_on,
            member_id=e.member_id,
            share_class=e.share_class,
            shares=e.shares,
            amount_cents=e.amount_cents,
            counterparty_id=e.counterparty_id,
            subscription_id=e.subscription_id,
            reference=e.reference,
        )
        for i, e in enumerate(entries, start=1)
    ]
    _project(session, numbered)
    chained = rules.chain(numbered, head.last_hash)
    now = utcnow()
    rows = [_row(c, now) for c in chained]
    if len(rows) > 50:  # a takeover: plain executemany, values converted once
        bulk.insert_rows(session, table_of(RegisterEntry), rows)
    elif rows:
        session.execute(insert(table_of(RegisterEntry)), rows)
    if chained:
        head.last_sequence = chained[-1].entry.sequence
        head.last_hash = chained[-1].entry_hash
        session.flush()
    return [c.entry.sequence for c in chained]


def _project(session: Session, entries: Sequence[Entry]) -> None:
    """Write the holdings these entries change (new rows inserted, others updated)."""
    keys = rules.touched_holdings(entries)
    if not keys:
        return
    session.flush()
    current = _holding_rows(session, keys)
    after = rules.project_holdings(
        entries, {k: (s, p) for k, (_, s, p) in current.items()}, nominal_cents()
    )
    changed = [
        {"id": current[k][0], "shares": s, "paid_cents": p}
        for k, (s, p) in after.items()
        if k in current and current[k][1:] != (s, p)
    ]
    new_rows = [
        {"member_id": m, "share_class": c, "shares": s, "paid_cents": p}
        for (m, c), (s, p) in after.items()
        if (m, c) not in current
    ]
    if changed:
        session.execute(update(ShareHolding), changed)
    if new_rows:
        bulk.insert_rows(session, table_of(ShareHolding), new_rows)
    for obj in list(session.identity_map.values()):  # ORM copies read earlier are now stale
        if isinstance(obj, ShareHolding):
            session.expire(obj)


def _holding_rows(
    session: Session, keys: set[rules.HoldingKey]
) -> dict[rules.HoldingKey, tuple[int, int, int]]:
    """(id, shares, paid cents) of the existing holding rows among `keys`."""
    members = sorted({m for m, _ in keys})
    found: dict[rules.HoldingKey, tuple[int, int, int]] = {}
    h = ShareHolding
    for start in range(0, len(members), 900):
        for row_id, member_id, klass, shares, paid in session.execute(
            select(h.id, h.member_id, h.share_class, h.shares, h.paid_cents).where(
                h.member_id.in_(members[start : start + 900])
            )
        ).tuples():
            if (member_id, klass) in keys:
                found[(member_id, klass)] = (row_id, shares, paid)
    return found


def held(session: Session, member_id: int, share_class: str) -> int:
    """Shares the member holds in a class now (the projection; read under the head lock)."""
    shares = session.scalar(
        select(ShareHolding.shares).where(
            ShareHolding.member_id == member_id, ShareHolding.share_class == share_class
        )
    )
    return int(shares or 0)


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _row(c: rules.ChainedEntry, now: datetime) -> dict[str, object]:
    e = c.entry
    return {
        "recorded_at": now,
        "sequence": e.sequence,
        "kind": e.kind,
        "effective_on": e.effective_on,
        "member_id": e.member_id,
        "counterparty_id": e.counterparty_id,
        "share_class": e.share_class,
        "shares": e.shares,
        "amount_cents": e.amount_cents,
        "subscription_id": e.subscription_id,
        "reference": e.reference,
        "previous_hash": c.previous_hash,
        "entry_hash": c.entry_hash,
    }


def current_holdings(session: Session, member_id: int) -> list[Holding]:
    rows = session.scalars(
        select(ShareHolding).where(ShareHolding.member_id == member_id, ShareHolding.shares > 0)
    ).all()
    return [Holding(r.member_id, r.share_class, r.shares, r.paid_cents) for r in rows]


_CHANGING = (EntryKind.ISSUE, EntryKind.TRANSFER, *CANCELLING_KINDS)


def holdings_as_at(session: Session, as_at: date) -> list[Holding]:
    """Every holder of issued, fully paid, not cancelled shares at the end of `as_at`."""
    sign = case((RegisterEntry.kind == EntryKind.ISSUE, 1), else_=-1)
    given = (
        select(
            RegisterEntry.member_id,
            RegisterEntry.share_class,
            func.sum(sign * RegisterEntry.shares),
            func.sum(sign * RegisterEntry.amount_cents),
        )
        .where(RegisterEntry.effective_on <= as_at, RegisterEntry.kind.in_(_CHANGING))
        .group_by(RegisterEntry.member_id, RegisterEntry.share_class)
    )
    received = (
        select(
            RegisterEntry.counterparty_id,
            RegisterEntry.share_class,
            func.sum(RegisterEntry.shares),
            func.sum(RegisterEntry.amount_cents),
        )
        .where(RegisterEntry.effective_on <= as_at, RegisterEntry.kind == EntryKind.TRANSFER)
        .group_by(RegisterEntry.counterparty_id, RegisterEntry.share_class)
    )
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for query in (given, received):
        for member_id, share_class, shares, paid in session.execute(query).tuples():
            cell = totals[(int(member_id), str(share_class))]
            cell[0] += int(shares or 0)
            cell[1] += int(paid or 0)
    return [
        Holding(member_id, share_class, shares, paid)
        for (member_id, share_class), (shares, paid) in sorted(totals.items())
        if shares > 0
    ]


def holding_after(
    session: Session, member_id: int, share_class: str, sequence: int
) -> tuple[int, int]:
    """(shares, paid cents) of a member in a class just after entry `sequence`."""
    t = RegisterEntry
    shares = paid = 0
    for kind, receiver, n, amount in session.execute(
        select(t.kind, t.counterparty_id, t.shares, t.amount_cents).where(
            (t.member_id == member_id) | (t.counterparty_id == member_id),
            t.share_class == share_class,
            t.sequence <= sequence,
            t.kind.in_(_CHANGING),
        )
    ).tuples():
        sign = 1 if kind == EntryKind.ISSUE or receiver == member_id else -1
        shares += sign * n
        paid += sign * amount
    return shares, paid


def is_shareholder(session: Session, member_id: int, on: date) -> bool:
    """True when the member holds at least one issued share at the end of `on`."""
    return any(h.member_id == member_id for h in _member_holdings(session, member_id, on))


def _member_holdings(session: Session, member_id: int, on: date) -> list[Holding]:
    entries = _member_entries(session, member_id, on)
    held: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.kind is EntryKind.ISSUE:
            held[e.share_class] += e.shares
        elif e.kind is EntryKind.TRANSFER:
            held[e.share_class] += e.shares if e.counterparty_id == member_id else -e.shares
        elif e.kind in CANCELLING_KINDS:
            held[e.share_class] -= e.shares
    nominal = nominal_cents()
    return [Holding(member_id, c, n, n * nominal.get(c, 0)) for c, n in held.items() if n > 0]


def _member_entries(session: Session, member_id: int, on: date) -> Sequence[RegisterEntry]:
    return session.scalars(
        select(RegisterEntry)
        .where(
            (RegisterEntry.member_id == member_id) | (RegisterEntry.counterparty_id == member_id),
            RegisterEntry.effective_on <= on,
            RegisterEntry.kind.in_(_CHANGING),
        )
        .order_by(RegisterEntry.sequence)
    ).all()


def covered_years(session: Session, member_id: int, as_at: date) -> set[int]:
    """Years covered by the member's shares held at `as_at` (N shares acquired in year Y cover
    Y..Y+N-1; an issue counts from its subscription year, a transfer from its date)."""
    if not _member_holdings(session, member_id, as_at):
        return set()
    from governance.db.models import ShareSubscription

    acquisitions: list[tuple[int, int]] = []
    for e in _member_entries(session, member_id, as_at):
        if e.kind is EntryKind.ISSUE:
            year = e.effective_on.year
            if e.subscription_id is not None:
                sub = session.get(ShareSubscription, e.subscription_id)
                year = sub.subscribed_on.year if sub is not None else year
            acquisitions.append((year, e.shares))
        elif e.kind is EntryKind.TRANSFER and e.counterparty_id == member_id:
            acquisitions.append((e.effective_on.year, e.shares))
    return rules.covered_years(acquisitions)


# --------------------------------------------------------------------------- verification


def to_domain(row: RegisterEntry) -> rules.ChainedEntry:
    return rules.ChainedEntry(
        Entry(
            sequence=row.sequence,
            kind=EntryKind(row.kind),
            effective_on=row.effective_on,
            member_id=row.member_id,
            share_class=row.share_class,
            shares=row.shares,
            amount_cents=row.amount_cents,
            counterparty_id=row.counterparty_id,
            subscription_id=row.subscription_id,
            reference=row.reference,
        ),
        row.previous_hash,
        row.entry_hash,
    )


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    ok: bool
    problem: str | None = None
    first_bad_sequence: int | None = None


def iter_entries(session: Session, batch: int = 20000) -> Iterable[rules.ChainedEntry]:
    """Every entry in order, read in batches of plain rows (no ORM objects)."""
    t = RegisterEntry
    columns = (
        t.sequence,
        t.kind,
        t.effective_on,
        t.member_id,
        t.share_class,
        t.shares,
        t.amount_cents,
        t.counterparty_id,
        t.subscription_id,
        t.reference,
        t.previous_hash,
        t.entry_hash,
    )
    last = 0
    while True:
        rows = (
            session.execute(
                select(*columns).where(t.sequence > last).order_by(t.sequence).limit(batch)
            )
            .tuples()
            .all()
        )
        if not rows:
            return
        for seq, kind, on, member, klass, shares, amount, other, sub, ref, prev, digest in rows:
            yield rules.ChainedEntry(
                Entry(seq, EntryKind(kind), on, member, klass, shares, amount, other, sub, ref),
                prev,
                digest,
            )
        last = rows[-1][0]


def verify(session: Session) -> VerifyReport:
    """Walk the chain, replay the invariants, and compare with the holdings projection."""
    ledger = rules.Ledger(nominal_cents())
    count = 0
    expected_previous, expected_sequence = rules.GENESIS_HASH, 1
    for item in iter_entries(session):
        broken: rules.ChainBroken | None = None
        seq = item.entry.sequence
        if seq != expected_sequence or item.previous_hash != expected_previous:
            broken = rules.ChainBroken(seq, "it does not follow the previous entry")
        elif item.entry.hash(item.previous_hash) != item.entry_hash:
            broken = rules.ChainBroken(seq, "its content does not match its hash")
        if broken is not None:
            return VerifyReport(count, False, broken.message, seq)
        try:
            ledger.apply(item.entry)
        except RuleViolation as exc:
            return VerifyReport(count, False, f"entry #{seq}: {exc.message}", seq)
        expected_previous, expected_sequence = item.entry_hash, seq + 1
        count += 1
    head = session.get(RegisterHead, 1)
    if head is None or head.last_sequence != count or head.last_hash != expected_previous:
        return VerifyReport(count, False, "the register head does not match the last entry")
    projected = {
        (h.member_id, h.share_class): h.shares
        for h in session.scalars(select(ShareHolding).where(ShareHolding.shares != 0))
    }
    replayed = {k: v for k, v in ledger.holdings.items() if v != 0}
    if projected != replayed:
        return VerifyReport(count, False, "the holdings table differs from the entries")
    if ledger.total() != ledger.issued - ledger.cancelled:
        return VerifyReport(count, False, "held shares differ from issued minus cancelled")
    return VerifyReport(count, True)


def rebuild_holdings(session: Session) -> int:
    """Recompute the holdings projection from the entries (after an import or a repair)."""
    ledger = rules.holdings_from((c.entry for c in iter_entries(session)), nominal_cents())
    nominal = nominal_cents()
    session.execute(update(ShareHolding).values(shares=0, paid_cents=0))
    existing = {
        (m, c): i
        for i, m, c in session.execute(
            select(ShareHolding.id, ShareHolding.member_id, ShareHolding.share_class)
        ).tuples()
    }
    new_rows = []
    for (member_id, share_class), shares in ledger.holdings.items():
        paid = shares * nominal[share_class]
        if (member_id, share_class) in existing:
            session.execute(
                update(ShareHolding)
                .where(ShareHolding.id == existing[(member_id, share_class)])
                .values(shares=shares, paid_cents=paid)
            )
        else:
            new_rows.append(
                {
                    "member_id": member_id,
                    "share_class": share_class,
                    "shares": shares,
                    "paid_cents": paid,
                }
            )
    for start in range(0, len(new_rows), 5000):
        session.execute(insert(table_of(ShareHolding)), new_rows[start : start + 5000])
    return len(ledger.holdings)
