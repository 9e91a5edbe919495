"""Take over an existing register from a CSV file: all or nothing, in date order, in bulk.

Members, subscriptions, entries, holdings and timeline events are written with bulk inserts
(no per-row ORM flush); the hash chain is computed in Python. `import_register` never commits;
`take_over_register` is the use case that commits once (unless a dry run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.db import bulk
from governance.db.models import Member, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.register import NewEntry, table_of
from governance.db.repositories.timeline import NewEvent, TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.identifiers import structured_communication
from governance.kernel.rules.import_rows import CsvFile, ImportProblem
from governance.register.rules import register as rules
from governance.register.rules.register import EntryKind, SubscriptionStatus
from governance.register.rules.register_import import (
    ClassRule,
    ImportRow,
    RegisterImportRejected,
    check_rows,
    header_problems,
)
from governance.statutes import get_statutes

CHUNK = 5000


@dataclass
class ImportSummary:
    rows: int = 0
    members: int = 0
    subscriptions: int = 0
    issued_shares: dict[str, int] = field(default_factory=dict)
    awaiting_payment: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None
    dry_run: bool = False


def _classes() -> dict[str, ClassRule]:
    return {
        c.code: ClassRule(c.nominal_value_cents, c.minimum_shares, c.allowed_kinds)
        for c in get_statutes().share_classes
    }


def read_rows(text: str) -> list[ImportRow]:
    """Parse and validate the CSV text; raise RegisterImportRejected with every problem."""
    file = CsvFile(text)
    problems = header_problems(file.header) + file.problems
    if problems:
        raise RegisterImportRejected(problems)
    numbered = list(file.rows())
    problems = file.problems
    try:
        checked = check_rows(numbered, _classes())
    except RegisterImportRejected as exc:
        raise RegisterImportRejected(
            sorted(problems + exc.problems, key=lambda p: p.line)
        ) from None
    if problems:
        raise RegisterImportRejected(problems)
    if not checked:
        raise RegisterImportRejected([ImportProblem(2, "(file)", "no data rows")])
    return checked


def import_register(
    session: Session, text: str, *, actor: Actor, dry_run: bool = False
) -> ImportSummary:
    """Validate everything; if all is right (and not a dry run) write it in date order."""
    rows = read_rows(text)
    refs = sorted({r.member_ref for r in rows})
    known: set[str] = set()
    for start in range(0, len(refs), 900):
        known.update(
            ref
            for ref in session.scalars(
                select(Member.external_ref).where(
                    Member.external_ref.in_(refs[start : start + 900])
                )
            )
            if ref is not None
        )
    if known:
        first_line = {r.member_ref: r.line for r in reversed(rows)}
        raise RegisterImportRejected(
            [
                ImportProblem(
                    first_line[ref], "member_ref", f"member {ref} is already in the register"
                )
                for ref in sorted(known, key=lambda x: first_line[x])
            ]
        )
    summary = ImportSummary(
        rows=len(rows), dry_run=dry_run, members=len(refs), subscriptions=len(rows)
    )
    issued: Counter[str] = Counter()
    for r in rows:
        if r.issued:
            issued[r.share_class] += r.shares
        else:
            summary.awaiting_payment += 1
    summary.issued_shares = dict(sorted(issued.items()))
    if dry_run:
        return summary
    _write(session, rows, actor, summary)
    return summary


def take_over_register(
    uow: UnitOfWork, text: str, *, actor: Actor, dry_run: bool = False
) -> ImportSummary:
    """Take over a register from CSV, all or nothing; commits unless a dry run."""
    summary = import_register(uow.session, text, actor=actor, dry_run=dry_run)
    if not dry_run:
        uow.commit()
    return summary


def _write(session: Session, rows: list[ImportRow], actor: Actor, summary: ImportSummary) -> None:
    head = store.lock_head(session)
    rows = sorted(rows, key=lambda r: (r.subscribed_on, r.line))
    now = utcnow()
    member_ids = _insert_members(session, rows, now)
    sub_ids = _insert_subscriptions(session, rows, member_ids, now)
    # Entries, in date order: subscriptions on their date, payments and issues on theirs.
    events = [
        event
        for sid, r in zip(sub_ids, rows, strict=True)
        for event in _entries_of(r, sid, member_ids[r.member_ref])
    ]
    events.sort(key=lambda e: e[0])
    sequences = store.append(session, head, [e for _, e in events])
    summary.first_sequence, summary.last_sequence = sequences[0], sequences[-1]
    _record_import(session, actor, now, member_ids, summary)


def _insert_members(session: Session, rows: list[ImportRow], now: datetime) -> dict[str, int]:
    """The members, in order of their first subscription; their ids by reference."""
    first: dict[str, ImportRow] = {}
    for r in rows:
        first.setdefault(r.member_ref, r)
    has_shares = {r.member_ref for r in rows if r.issued}
    member_rows = [
        {
            **r.member,
            "external_ref": ref,
            "created_at": now,
            "updated_at": now,
            "status": MemberStatus.ACTIVE if ref in has_shares else MemberStatus.APPLICANT,
        }
        for ref, r in first.items()
    ]
    member_ids: dict[str, int] = {}
    for start in range(0, len(member_rows), CHUNK):
        chunk = member_rows[start : start + CHUNK]
        bulk.insert_rows(session, table_of(Member), chunk)
        refs = [str(m["external_ref"]) for m in chunk]
        member_ids.update(
            (str(ref), mid)
            for mid, ref in session.execute(
                select(Member.id, Member.external_ref).where(Member.external_ref.in_(refs))
            ).tuples()
        )
    return member_ids


def _insert_subscriptions(
    session: Session, rows: list[ImportRow], member_ids: dict[str, int], now: datetime
) -> list[int]:
    """One subscription per row (ids in the rows' order), then the structured communications
    of the unpaid ones. Unpaid subscriptions get a full payment period from the takeover."""
    due_on = brussels_date(now) + timedelta(days=get_statutes().payment_due_days)
    sub_rows = [
        {
            "member_id": member_ids[r.member_ref],
            "share_class": r.share_class,
            "shares": r.shares,
            "amount_cents": r.shares * _classes()[r.share_class].nominal_cents,
            "paid_cents": r.paid_cents,
            "status": SubscriptionStatus.ISSUED
            if r.issued
            else SubscriptionStatus.AWAITING_PAYMENT,
            "subscribed_on": r.subscribed_on,
            "due_on": due_on,
            "issued_on": r.paid_on,
            "request_key": f"import:{r.member_ref}:{r.line}",
            "created_at": now,
        }
        for r in rows
    ]
    key_to_id: dict[str, int] = {}
    for start in range(0, len(sub_rows), CHUNK):
        batch = sub_rows[start : start + CHUNK]
        bulk.insert_rows(session, table_of(ShareSubscription), batch)
        keys = [str(r["request_key"]) for r in batch]
        key_to_id.update(
            (str(key), sid)
            for sid, key in session.execute(
                select(ShareSubscription.id, ShareSubscription.request_key).where(
                    ShareSubscription.request_key.in_(keys)
                )
            ).tuples()
        )
    sub_ids = [key_to_id[str(r["request_key"])] for r in sub_rows]
    awaiting = [
        {"id": sid, "structured_communication": _digits(sid)}
        for sid, r in zip(sub_ids, rows, strict=True)
        if not r.issued
    ]
    if awaiting:
        session.execute(update(ShareSubscription), awaiting)
    return sub_ids


def _entries_of(r: ImportRow, sid: int, mid: int) -> list[tuple[tuple[date, int, int], NewEntry]]:
    """A row's register entries with their place in date order: the subscription on its date,
    a payment (on its date, or the subscription's when unknown) and the issue once paid."""

    def entry(kind: EntryKind, on: date, shares: int, cents: int) -> NewEntry:
        return NewEntry(
            kind, on, mid, r.share_class, shares, cents, subscription_id=sid, reference="import"
        )

    amount = r.shares * _classes()[r.share_class].nominal_cents
    out = [
        (
            (r.subscribed_on, 0, r.line),
            entry(EntryKind.SUBSCRIPTION, r.subscribed_on, r.shares, amount),
        )
    ]
    if r.paid_cents and r.paid_on is None:
        out.append(
            (
                (r.subscribed_on, 1, r.line),
                entry(EntryKind.PAYMENT, r.subscribed_on, 0, r.paid_cents),
            )
        )
    if r.paid_on is not None:
        out.append(((r.paid_on, 1, r.line), entry(EntryKind.PAYMENT, r.paid_on, 0, r.paid_cents)))
        out.append(((r.paid_on, 2, r.line), entry(EntryKind.ISSUE, r.paid_on, r.shares, amount)))
    return out


def _record_import(
    session: Session,
    actor: Actor,
    now: datetime,
    member_ids: dict[str, int],
    summary: ImportSummary,
) -> None:
    """The timeline: one event per member imported, one for the import."""
    TimelineRepository(session).record_many(
        actor=actor,
        action="member_imported",
        occurred_at=now,
        events=(
            NewEvent(mid, "member", mid, {"member_ref": ref}) for ref, mid in member_ids.items()
        ),
        raw=True,
    )
    TimelineRepository(session).record(
        actor=actor,
        action="register_imported",
        subject_type="register",
        subject_id=f"{summary.first_sequence}-{summary.last_sequence}",
        details={
            "rows": summary.rows,
            "members": summary.members,
            "issued_shares": summary.issued_shares,
        },
    )


def _digits(subscription_id: int) -> str:
    ogm = structured_communication(rules.structured_base(subscription_id))
    return "".join(ch for ch in ogm if ch.isdigit())
