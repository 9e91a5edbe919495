"""Bank statements (camt.053): credits matched to share subscriptions by structured communication.

An import is idempotent: each credit is keyed by its bank reference and its entry/transaction
index, so the same statement imported twice changes nothing. Exact payments issue the shares;
under-, over- and unknown payments become staff review items. Never commits: the caller does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import SharePayment, ShareSubscription
from governance.domain import register as rules
from governance.domain.camt053 import Statement, StatementEntry, parse_statements
from governance.services import register as store
from governance.services import shares, timeline
from governance.services.shares import PaymentMatch
from governance.services.timeline import Actor


@dataclass
class ImportReport:
    statements: int = 0
    credits: int = 0
    exact: int = 0
    under: int = 0
    over: int = 0
    unknown: int = 0
    not_awaiting: int = 0
    duplicates: int = 0
    ignored: int = 0  # debits, reversals, entries not booked, other currencies
    issued_subscription_ids: list[int] = field(default_factory=list)
    review_keys: list[str] = field(default_factory=list)

    def count(self, match: PaymentMatch) -> None:
        setattr(self, str(match), getattr(self, str(match)) + 1)


def source_key(statement: Statement, entry: StatementEntry) -> str:
    """Unique per credit: bank reference (else statement id) + entry and transaction index."""
    anchor = entry.bank_reference or f"{statement.account_iban}:{statement.statement_id}"
    return f"camt:{anchor}:{entry.entry_index}:{entry.transaction_index}"


def import_statement(session: Session, data: bytes, *, actor: Actor) -> ImportReport:
    """Read a camt.053 file and record every credit once."""
    report = ImportReport()
    statements = parse_statements(data)
    for statement in statements:
        report.statements += 1
        for entry in statement.entries:
            if not entry.credit or entry.reversal or not entry.booked or entry.currency != "EUR":
                report.ignored += 1
                continue
            report.credits += 1
            _record(session, statement, entry, actor, report)
    timeline.record(
        session,
        actor=actor,
        action="bank_statement_imported",
        subject_type="bank_statement",
        subject_id=",".join(s.statement_id for s in statements)[:64],
        details={k: v for k, v in report.__dict__.items() if isinstance(v, int)},
    )
    return report


def _record(
    session: Session,
    statement: Statement,
    entry: StatementEntry,
    actor: Actor,
    report: ImportReport,
) -> None:
    key = source_key(statement, entry)
    if session.scalar(select(SharePayment.id).where(SharePayment.source_key == key)):
        report.duplicates += 1
        return
    sub_id = (
        rules.subscription_from_reference(entry.structured_reference)
        if entry.structured_reference
        else None
    )
    sub = session.get(ShareSubscription, sub_id) if sub_id else None
    if sub is None:
        store.lock_head(session)
        payment = SharePayment(
            source_key=key,
            subscription_id=None,
            amount_cents=entry.amount_cents,
            paid_on=entry.booking_date,
            status="held",
            bank_reference=entry.bank_reference,
            structured_reference=entry.structured_reference,
            payer_name=entry.debtor_name,
            payer_iban=entry.debtor_iban,
            recorded_by=actor.name,
            details={"match": str(PaymentMatch.UNKNOWN), "text": entry.unstructured or ""},
        )
        session.add(payment)
        session.flush()
        shares.open_review(session, payment, None, PaymentMatch.UNKNOWN)
        report.count(PaymentMatch.UNKNOWN)
        report.review_keys.append(shares.review_key(payment.id))
        return
    outcome = shares.record_payment(
        session,
        subscription_id=sub.id,
        amount_cents=entry.amount_cents,
        paid_on=entry.booking_date,
        actor=actor,
        bank_reference=entry.bank_reference,
        source_key=key,
        payer_name=entry.debtor_name,
        payer_iban=entry.debtor_iban,
    )
    report.count(outcome.match)
    if outcome.issued:
        report.issued_subscription_ids.append(sub.id)
    if outcome.review_key:
        report.review_keys.append(outcome.review_key)
