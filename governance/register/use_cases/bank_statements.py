"""Bank statements received: checked, kept once in the database, imported once.

Two doors bring a camt.053 file: staff paste it into the `bank-statement-upload` form, or the
daily run finds it in its folder (one machine's disk). Both keep it here first, by sha256, so
every worker reaches it and the same file through either door is one statement. Importing goes
through `payments.import_statement` (matching, holds, reversals, the per-movement identity), and
`imported_at` makes a statement imported once even when two runs reach it together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from governance.clock import utcnow
from governance.db.models import BankStatement
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import NotFound
from governance.register.rules.bank_statements import check_has_entries, digest
from governance.register.rules.camt053 import check_own_accounts, parse_statements
from governance.register.use_cases import payments


@dataclass(frozen=True)
class Received:
    id: int
    sha256: str
    new: bool  # False: the same file was received before (kept once)
    statement_ids: str
    account_iban: str
    entries: int
    received_at: str
    imported: bool  # its payments are already imported


def _view(row: BankStatement, new: bool) -> Received:
    return Received(
        id=row.id,
        sha256=row.sha256,
        new=new,
        statement_ids=row.statement_ids,
        account_iban=row.account_iban,
        entries=row.entries,
        received_at=row.received_at.isoformat(),
        imported=row.imported_at is not None,
    )


def receive(
    uow: UnitOfWork,
    data: bytes,
    *,
    actor: Actor,
    source: str,
    file_name: str | None = None,
    require_entries: bool = False,
) -> Received:
    """Check a camt.053 file (readable, the coop's own account, entries when required) and keep
    it once by its sha256. Nothing is stored when a check fails. Commits once."""
    statements = parse_statements(data, max_bytes=uow.settings.statement_max_bytes)
    check_own_accounts(statements, uow.settings.own_bank_accounts())
    if require_entries:
        check_has_entries(statements)
    sha256 = digest(data)
    existing = _by_digest(uow, sha256)
    if existing is not None:
        uow.rollback()
        return _view(existing, new=False)
    row = BankStatement(
        sha256=sha256,
        content=data,
        byte_size=len(data),
        account_iban=",".join(sorted({s.account_iban or "" for s in statements})),
        statement_ids=",".join(s.statement_id for s in statements)[:200],
        entries=sum(len(s.entries) for s in statements),
        source=source,
        file_name=file_name[:255] if file_name else None,
        received_by=f"{actor.kind}:{actor.name}"[:120],
        received_at=utcnow(),
        import_report={},
    )
    uow.session.add(row)
    try:
        uow.session.flush()
    except IntegrityError:  # the same file received at the same moment by another run
        uow.rollback()
        raced = _by_digest(uow, sha256)
        if raced is None:
            raise
        return _view(raced, new=False)
    uow.timeline.record(
        actor=actor,
        action="bank_statement_received",
        subject_type="bank_statement",
        subject_id=row.id,
        details={"source": source, "statements": row.statement_ids, "entries": row.entries},
    )
    view = _view(row, new=True)
    uow.commit()
    return view


def _by_digest(uow: UnitOfWork, sha256: str) -> BankStatement | None:
    return uow.session.scalar(select(BankStatement).where(BankStatement.sha256 == sha256))


def pending(uow: UnitOfWork) -> list[int]:
    """The statements received and not yet imported, oldest first."""
    query = select(BankStatement.id).where(BankStatement.imported_at.is_(None))
    return list(uow.session.scalars(query.order_by(BankStatement.id)))


def import_received(
    uow: UnitOfWork, statement_id: int, *, actor: Actor
) -> payments.ImportReport | None:
    """Import one kept statement with the payments use case; None when it was imported
    already. The row is locked, so a second run reaching it waits, then finds it done.
    Commits once."""
    row = uow.session.get(BankStatement, statement_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no bank statement {statement_id} was received", field="statement")
    if row.imported_at is not None:
        uow.rollback()
        return None
    report = payments.import_statement(uow.session, row.content, actor=actor)
    row.imported_at = utcnow()
    row.import_report = _summary(report)
    uow.commit()
    return report


def _summary(report: payments.ImportReport) -> dict[str, Any]:
    counts = {k: v for k, v in report.__dict__.items() if isinstance(v, int)}
    return {**counts, "issued_subscription_ids": list(report.issued_subscription_ids)}
