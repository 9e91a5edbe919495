"""The legal register as at a date (CSA 6:24): per class, holders with their domicile or seat,
shares and payments, and the dated transfers. The national number is never read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.db.models import Member, RegisterEntry
from governance.db.repositories import register as store
from governance.kernel.rules.enums import MemberKind
from governance.kernel.rules.identifiers import format_enterprise_number
from governance.register.rules.extract import Extract, ExtractClass, ExtractHolder, ExtractTransfer
from governance.register.rules.register import EntryKind
from governance.statutes import get_statutes

_MEMBER_COLUMNS = (
    Member.id, Member.member_number, Member.external_ref, Member.kind, Member.first_name,
    Member.last_name, Member.company_name, Member.company_number, Member.street,
    Member.postcode, Member.city, Member.country,
)  # fmt: skip


def _people(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str, str]]:
    """number, name, address, enterprise number of each member (no other personal data)."""
    out: dict[int, tuple[str, str, str, str]] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 900):
        query = select(*_MEMBER_COLUMNS).where(Member.id.in_(wanted[start : start + 900]))
        for (
            mid,
            number,
            ref,
            kind,
            first,
            last,
            company,
            bce,
            street,
            pc,
            city,
            country,
        ) in session.execute(query).tuples():
            company_kind = kind == MemberKind.COMPANY
            name = (company or "") if company_kind else f"{first or ''} {last or ''}".strip()
            place = " ".join(p for p in (pc, city) if p)
            address = ", ".join(p for p in (street, place, country) if p)
            enterprise = format_enterprise_number(bce) if company_kind and bce else ""
            out[mid] = (number or ref or str(mid), name, address, enterprise)
    return out


def extract(session: Session, as_at: date, share_class: str | None = None) -> Extract:
    """Everything the legal register shows at the end of `as_at` (optionally one class)."""
    statutes = get_statutes()
    classes = [c for c in statutes.share_classes if share_class in (None, c.code)]
    if share_class is not None and not classes:
        statutes.share_class(share_class)  # raises the staff-readable error
    codes = {c.code for c in classes}
    holdings = [h for h in store.holdings_as_at(session, as_at) if h.share_class in codes]
    transfers = _transfers(session, as_at, codes)
    ids = {h.member_id for h in holdings}
    ids.update(m for t in transfers for m in (t[3], t[4]) if m is not None)
    people = _people(session, ids)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = []
    for h in sorted(holdings, key=lambda h: (h.share_class, people[h.member_id][0])):
        number, name, address, enterprise = people[h.member_id]
        rows.append(
            ExtractHolder(h.share_class, number, name, address, enterprise, h.shares, h.paid_cents)
        )
        cell = totals[h.share_class]
        cell[0] += 1
        cell[1] += h.shares
        cell[2] += h.paid_cents
    last = session.scalar(
        select(func.max(RegisterEntry.sequence)).where(RegisterEntry.effective_on <= as_at)
    )
    voting = (
        "one member, one vote"
        if statutes.voting.basis == "per_member"
        else f"one vote per share, capped at {statutes.voting.cap_fraction} of the votes"
    )
    return Extract(
        as_at=as_at,
        voting=voting,
        transfer_rule="between members or to a person the board approves, board approval "
        "required, dated and signed by both parties",
        classes=[
            ExtractClass(c.code, c.label, c.nominal_value_cents, *totals[c.code]) for c in classes
        ],
        rows=rows,
        transfers=[
            ExtractTransfer(on, klass, n, people[giver][1], people[receiver][1], seq)
            for on, klass, n, giver, receiver, seq in transfers
            if receiver is not None
        ],
        last_sequence=int(last or 0),
    )


def _transfers(
    session: Session, as_at: date, codes: set[str]
) -> Sequence[tuple[date, str, int, int, int | None, int]]:
    """Dated transfers up to `as_at` in these classes: on, class, shares, giver, receiver,
    sequence (in register order)."""
    return (
        session.execute(
            select(
                RegisterEntry.effective_on,
                RegisterEntry.share_class,
                RegisterEntry.shares,
                RegisterEntry.member_id,
                RegisterEntry.counterparty_id,
                RegisterEntry.sequence,
            )
            .where(
                RegisterEntry.kind == EntryKind.TRANSFER,
                RegisterEntry.effective_on <= as_at,
                RegisterEntry.share_class.in_(codes),
            )
            .order_by(RegisterEntry.effective_on, RegisterEntry.sequence)
        )
        .tuples()
        .all()
    )


def archived_path(session: Session, key: str) -> str | None:
    """Archive-relative path of a produced document (None if not produced)."""
    from governance.db.models import Document

    return session.scalar(select(Document.path).where(Document.idempotency_key == key))
