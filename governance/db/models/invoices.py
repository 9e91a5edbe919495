"""Invoicing records: number sequences, credit notes, structured e-invoices and their sending."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.contracts.rules.contracts import VatRegime
from governance.contracts.rules.einvoice import DocumentKind, EInvoiceStatus
from governance.db.base import Base, UTCDateTime, enum_column


class InvoiceSequence(Base):
    """The last number given per kind (invoice, credit note) and year: taken under a row lock in
    the transaction that records the document, so numbers are never reused and never gapped."""

    __tablename__ = "invoice_sequence"

    kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind, "document_kind"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class CreditNote(Base):
    """A credit note on a client invoice (a cancelled contract, a corrected amount)."""

    __tablename__ = "contract_credit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("contract_invoice.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("contract_client.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    net_cents: Mapped[int] = mapped_column(Integer)
    vat_regime: Mapped[VatRegime] = mapped_column(enum_column(VatRegime, "vat_regime"))
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EInvoice(Base):
    """One Peppol UBL document (invoice or credit note): validated, held or sent, once."""

    __tablename__ = "einvoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    status: Mapped[EInvoiceStatus] = mapped_column(
        enum_column(EInvoiceStatus, "einvoice_status"), index=True
    )
    path: Mapped[str | None] = mapped_column(String(400))  # the UBL in the archive
    sha256: Mapped[str | None] = mapped_column(String(64))
    with_pdf: Mapped[bool] = mapped_column(default=False)
    failed_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision_key: Mapped[str | None] = mapped_column(String(200))
    receipt: Mapped[str | None] = mapped_column(String(400))  # what the sender answered
    delivery_report: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
