"""Bank statements (camt.053): credits matched to share subscriptions by structured communication.

Only the cooperative's own accounts, in the camt.053 versions the reader supports, under the
size limit; anything else is refused whole. Each movement has a stable identity (account, day,
amount, bank references: `transaction_keys`), stored unique on the payment it became, so the
same movement in a resent or overlapping statement is "already imported", never a second
payment. Exact payments issue the shares; under-, over- and unknown payments and reversals
become staff review items. `import_statement` never commits (the caller does);
`import_bank_statement` is the use case that commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.config import get_settings
from governance.db.models import SharePayment, ShareSubscription
from governance.db.repositories import register as store
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules import register as rules
from governance.register.rules.camt053 import (
    Statement,
    check_own_accounts,
    check_size,
    parse_statements,
    transaction_keys,
)
from governance.register.rules.camt053_entries import StatementEntry
from governance.register.rules.payments import EntryUse, PaymentMatch, use_of
from governance.register.rules.register import PaymentStatus
from governance.register.use_cases import reversals, share_payments


@dataclass
class ImportReport:
    statements: int = 0
    credits: int = 0
    exact: int = 0
    under: int = 0
    over: int = 0
    unknown: int = 0
    not_awaiting: int = 0
    duplicates: int = 0  # already imported (the same movement in an earlier file)
    reversals: int = 0  # reversals put in front of staff
    ignored: int = 0  # debits, entries not booked, other currencies
    issued_subscription_ids: list[int] = field(default_factory=list)
    review_keys: list[str] = field(default_factory=list)

    def count(self, match: PaymentMatch) -> None:
        setattr(self, str(match), getattr(self, str(match)) + 1)


def source_key(statement: Statement, entry: StatementEntry) -> str:
    """The key imports before the stable identity used (kept to recognise those payments)."""
    anchor = entry.bank_reference or f"{statement.account_iban}:{statement.statement_id}"
    return f"camt:{anchor}:{entry.entry_index}:{entry.transaction_index}"


def check_file_size(size: int) -> None:
    """Refuse a statement file over the limit before it is even read (COOP_STATEMENT_MAX_BYTES)."""
    check_size(size, get_settings().statement_max_bytes)


def import_statement(session: Session, data: bytes, *, actor: Actor) -> ImportReport:
    """Read a camt.053 file of the coop's own account and record every movement once."""
    settings = get_settings()
    report = ImportReport()
    statements = parse_statements(data, max_bytes=settings.statement_max_bytes)
    check_own_accounts(statements, settings.own_bank_accounts())
    for statement in statements:
        report.statements += 1
        for entry, key in zip(statement.entries, transaction_keys(statement), strict=True):
            use = use_of(entry)
            if use is EntryUse.IGNORED:
                report.ignored += 1
            elif use is EntryUse.REVERSAL:
                opened = reversals.record(session, statement, entry, key, actor)
                if opened is None:
                    report.duplicates += 1
                else:
                    report.reversals += 1
                    report.review_keys.append(opened)
            else:
                report.credits += 1
                _record(session, statement, entry, key, actor, report)
    TimelineRepository(session).record(
        actor=actor,
        action="bank_statement_imported",
        subject_type="bank_statement",
        subject_id=",".join(s.statement_id for s in statements)[:64],
        details={k: v for k, v in report.__dict__.items() if isinstance(v, int)},
    )
    return report


def import_bank_statement(uow: UnitOfWork, data: bytes, *, actor: Actor) -> ImportReport:
    """Import a camt.053 statement: exact payments issue shares, others wait. Commits."""
    report = import_statement(uow.session, data, actor=actor)
    uow.commit()
    return report


def seen(session: Session, transaction_key: str, legacy_key: str) -> bool:
    """True when this bank movement is already recorded (by its identity, or by the key an
    import before the stable identity gave it)."""
    return (
        session.scalar(
            select(SharePayment.id).where(
                (SharePayment.bank_transaction_key == transaction_key)
                | (SharePayment.source_key == legacy_key)
            )
        )
        is not None
    )


def _record(
    session: Session,
    statement: Statement,
    entry: StatementEntry,
    transaction_key: str,
    actor: Actor,
    report: ImportReport,
) -> None:
    store.lock_head(session)  # two imports of overlapping files: the second one waits
    if seen(session, transaction_key, source_key(statement, entry)):
        report.duplicates += 1
        return
    key = f"camt:{transaction_key}"
    sub_id = (
        rules.subscription_from_reference(entry.structured_reference)
        if entry.structured_reference
        else None
    )
    sub = session.get(ShareSubscription, sub_id) if sub_id else None
    if sub is None:
        payment = SharePayment(
            source_key=key,
            bank_transaction_key=transaction_key,
            subscription_id=None,
            amount_cents=entry.amount_cents,
            paid_on=entry.booking_date,
            status=PaymentStatus.HELD,
            bank_reference=entry.bank_reference,
            structured_reference=entry.structured_reference,
            payer_name=entry.debtor_name,
            payer_iban=entry.debtor_iban,
            recorded_by=actor.name,
            details={"match": str(PaymentMatch.UNKNOWN), "text": entry.unstructured or ""},
        )
        session.add(payment)
        session.flush()
        share_payments.open_review(session, payment, None, PaymentMatch.UNKNOWN)
        report.count(PaymentMatch.UNKNOWN)
        report.review_keys.append(share_payments.review_key(payment.id))
        return
    outcome = share_payments.record_payment(
        session,
        subscription_id=sub.id,
        amount_cents=entry.amount_cents,
        paid_on=entry.booking_date,
        actor=actor,
        bank_reference=entry.bank_reference,
        source_key=key,
        bank_transaction_key=transaction_key,
        payer_name=entry.debtor_name,
        payer_iban=entry.debtor_iban,
    )
    report.count(outcome.match)
    if outcome.issued:
        report.issued_subscription_ids.append(sub.id)
    if outcome.review_key:
        report.review_keys.append(outcome.review_key)
