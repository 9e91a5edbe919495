"""The share register: numbered, hash-chained entries; subscriptions; payments; holdings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime, state_column
from governance.db.models.core import _enum
from governance.register.rules.register import (
    EntryKind,
    PaymentStatus,
    RefundStatus,
    ResignationStatus,
    SubscriptionStatus,
)


class RegisterHead(Base):
    """One row: the last entry's number and hash. Locked by every writer (serialises appends)."""

    __tablename__ = "register_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class RegisterEntry(Base):
    """Append-only; `entry_hash` = sha256 of the canonical JSON incl. `previous_hash`."""

    __tablename__ = "register_entry"
    __table_args__ = (
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("shares >= 0", name="shares_not_negative"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint(
            "kind <> 'transfer' OR (counterparty_id IS NOT NULL AND counterparty_id <> member_id"
            " AND shares > 0)",
            name="transfer_parties",
        ),
        Index("ix_register_entry_effective", "effective_on", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind, "register_entry_kind"))
    effective_on: Mapped[date] = mapped_column(Date)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    share_class: Mapped[str] = mapped_column(String(1))
    shares: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_subscription.id"), index=True
    )
    reference: Mapped[str] = mapped_column(String(400), default="")
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShareSubscription(Base):
    """A member's request for N shares of a class, paid by structured communication."""

    __tablename__ = "share_subscription"
    __table_args__ = (
        CheckConstraint("shares > 0", name="shares_positive"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
        CheckConstraint("status <> 'issued' OR paid_cents >= amount_cents", name="issued_paid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    share_class: Mapped[str] = mapped_column(String(1))
    shares: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[SubscriptionStatus] = mapped_column(
        _enum(SubscriptionStatus, "subscription_status"), index=True
    )
    structured_communication: Mapped[str | None] = mapped_column(String(12), unique=True)
    request_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    subscribed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SharePayment(Base):
    """Money received for a subscription (typed by staff or from a bank statement).

    `source_key` is unique: a statement imported twice, or a confirmation given twice, is one
    payment. `status`: applied (counted), held (a staff review decides), refused (to refund).
    """

    __tablename__ = "share_payment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    # The bank movement it came from, by its stable identity (account, day, amount, bank
    # references): the same movement in a resent or overlapping statement is never a second
    # payment. None for payments typed by staff.
    bank_transaction_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_subscription.id"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PaymentStatus] = mapped_column(state_column(PaymentStatus), index=True)
    bank_reference: Mapped[str | None] = mapped_column(String(120))
    structured_reference: Mapped[str | None] = mapped_column(String(12))
    payer_name: Mapped[str | None] = mapped_column(String(200))
    payer_iban: Mapped[str | None] = mapped_column(String(34))
    review_key: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ShareHolding(Base):
    """Projection of the entries: shares held per member and class (rebuilt and checked)."""

    __tablename__ = "share_holding"
    __table_args__ = (
        UniqueConstraint("member_id", "share_class"),
        CheckConstraint("shares >= 0", name="shares_not_negative"),
        CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    share_class: Mapped[str] = mapped_column(String(1))
    shares: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer)


class Resignation(Base):
    """A member's request to leave, and its repayment once the window closed."""

    __tablename__ = "share_resignation"
    __table_args__ = (CheckConstraint("repayment_cents >= 0", name="repayment_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    request_key: Mapped[str] = mapped_column(String(200), unique=True)
    requested_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    iban: Mapped[str] = mapped_column(String(34))
    status: Mapped[ResignationStatus] = mapped_column(state_column(ResignationStatus), index=True)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    repayment_cents: Mapped[int] = mapped_column(Integer, default=0)
    batch_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShareRefund(Base):
    """Money owed back outside a resignation: a payment refunded on review, the excess of an
    over-payment, what a cancelled subscription had received. The next SEPA repayment batch
    pays it once (`batch_id`); without a usable IBAN it waits for staff (`no_iban`).
    `source_key` is unique: the same reason for the same money is one refund."""

    __tablename__ = "share_refund"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("share_payment.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("share_subscription.id"))
    name: Mapped[str] = mapped_column(String(200))
    iban: Mapped[str] = mapped_column(String(34), default="")
    amount_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40))  # refunded | excess | cancelled
    status: Mapped[RefundStatus] = mapped_column(state_column(RefundStatus), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BankStatement(Base):
    """A camt.053 file as received (the staff upload form or the daily folder), kept in the
    database so that every worker of every machine reaches it. `sha256` is unique: the same
    file given twice, through either door, is one statement, imported once (`imported_at`)."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    byte_size: Mapped[int] = mapped_column(Integer)
    account_iban: Mapped[str] = mapped_column(String(34))
    statement_ids: Mapped[str] = mapped_column(String(200))
    entries: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # upload | inbox
    file_name: Mapped[str | None] = mapped_column(String(255))
    received_by: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    import_report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
