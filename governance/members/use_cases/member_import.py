"""`coop import members`: the old system's members, taken over in one transaction.

All or nothing: every row is checked (and checked against the members already known) before
anything is written; then members and their timeline events are bulk-inserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member
from governance.db.repositories.timeline import NewEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.import_rows import CsvFile, ImportProblem
from governance.members.rules import member_import
from governance.members.rules.member_import import MemberImportRejected, MemberRow
from governance.members.rules.members import member_number

BATCH = 5000


@dataclass
class MemberImportSummary:
    rows: int
    imported: int
    dry_run: bool
    with_email: int = 0
    with_national_number: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    by_office: dict[str, int] = field(default_factory=dict)


def _checked_rows(text: str) -> list[MemberRow]:
    """Every row checked, with the problems of the file itself; raises with all of them."""
    file = CsvFile(text)
    try:
        checked = member_import.check_rows(file.header, file.rows())
    except MemberImportRejected as exc:
        raise MemberImportRejected(exc.problems + file.problems) from None
    if file.problems:
        raise MemberImportRejected(file.problems)
    return checked


def _in_chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), 900):
        yield values[start : start + 900]


def _conflicts(
    session: Session, rows: list[MemberRow], hashes: dict[int, str]
) -> list[ImportProblem]:
    """Rows naming a member the cooperative already has (same reference or same person)."""
    problems: list[ImportProblem] = []
    refs = [r.member_ref for r in rows]
    known_refs: set[str] = set()
    for chunk in _in_chunks(refs):
        known_refs.update(
            ref
            for ref in session.scalars(
                select(Member.external_ref).where(Member.external_ref.in_(chunk))
            )
            if ref
        )
    known_hashes: set[str] = set()
    for chunk in _in_chunks(list(hashes.values())):
        known_hashes.update(
            h
            for h in session.scalars(
                select(Member.identity_hash).where(Member.identity_hash.in_(chunk))
            )
            if h
        )
    companies = [r.member["company_number"] for r in rows if r.member["company_number"]]
    known_companies: set[str] = set()
    for chunk in _in_chunks([c for c in companies if c]):
        known_companies.update(
            c
            for c in session.scalars(
                select(Member.company_number).where(Member.company_number.in_(chunk))
            )
            if c
        )
    for row in rows:
        if row.member_ref in known_refs:
            problems.append(
                ImportProblem(
                    row.line, "member_ref", f"member {row.member_ref} was already imported"
                )
            )
        if hashes.get(row.line) in known_hashes:
            problems.append(
                ImportProblem(row.line, "national_number", "this person is already a member")
            )
        if row.member["company_number"] in known_companies:
            problems.append(
                ImportProblem(row.line, "company_number", "this enterprise is already a member")
            )
    return problems


def import_members(
    uow: UnitOfWork, text: str, *, actor: Actor, dry_run: bool = False
) -> MemberImportSummary:
    """Check the whole file, then insert every member (ACTIVE, numbered); commits once.

    Raises MemberImportRejected with every problem; nothing is written then."""
    checked = _checked_rows(text)
    hashes = {
        r.line: uow.cipher.keyed_hash(r.national_number) for r in checked if r.national_number
    }
    problems = _conflicts(uow.session, checked, hashes)
    if problems:
        raise MemberImportRejected(problems)
    summary = MemberImportSummary(
        rows=len(checked),
        imported=0,
        dry_run=dry_run,
        with_email=sum(1 for r in checked if r.member["email"]),
        with_national_number=len(hashes),
        by_language=dict(Counter(str(r.member["language"]) for r in checked)),
        by_office=dict(Counter(str(r.member["office"]) for r in checked)),
    )
    if dry_run or not checked:
        return summary
    highest = uow.session.scalar(select(func.max(Member.member_number)))
    sequence = int(highest[1:]) if highest else 0
    now = utcnow()
    for start in range(0, len(checked), BATCH):
        batch = checked[start : start + BATCH]
        ids = _insert_batch(uow, batch, sequence, hashes, now)
        sequence += len(batch)
        uow.timeline.record_many(
            actor=actor,
            action="member_imported",
            occurred_at=now,
            events=(
                NewEvent(
                    member_id,
                    "member",
                    member_id,
                    {"external_ref": row.member_ref, "source": "member import"},
                )
                for member_id, row in zip(ids, batch, strict=True)
            ),
        )
        summary.imported += len(ids)
    uow.commit()
    return summary


def _insert_batch(
    uow: UnitOfWork, batch: list[MemberRow], sequence: int, hashes: dict[int, str], now: datetime
) -> list[int]:
    """Insert one batch numbered after `sequence`; the new members' ids, in the batch's order."""
    values = [
        {
            **row.member,
            "member_number": member_number(sequence + position),
            "external_ref": row.member_ref,
            "status": MemberStatus.ACTIVE,
            "birth_date": row.birth_date,
            "national_number_enc": uow.cipher.encrypt(row.national_number)
            if row.national_number
            else None,
            "identity_hash": hashes.get(row.line),
            "created_at": now,
            "updated_at": now,
        }
        for position, row in enumerate(batch, start=1)
    ]
    session = uow.session
    session.execute(insert(Member), values)  # executemany: no RETURNING row by row
    found: dict[str, int] = {}
    for refs in _in_chunks([row.member_ref for row in batch]):
        found.update(
            (ref, member_id)
            for member_id, ref in session.execute(
                select(Member.id, Member.external_ref).where(Member.external_ref.in_(refs))
            )
            if ref
        )
    return [found[row.member_ref] for row in batch]
