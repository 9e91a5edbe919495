"""Contract approval records: clients, declarations, check results, approvals, invoices, Dimona."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.contracts.rules.contracts import ClientKind, DeclarationStatus, VatRegime
from governance.contracts.rules.declaration_checks import CheckCode, CheckOutcome
from governance.contracts.rules.einvoice import InvoiceStatus
from governance.db.base import Base, UTCDateTime, enum_column, state_column
from governance.kernel.rules.enums import DimonaStatus, Language, Office


def _enum(cls: type[Any], name: str) -> Enum:
    return enum_column(cls, name, length=40)  # the check codes are longer


class Client(Base):
    """A client a member works for; companies are found again by their enterprise number."""

    __tablename__ = "contract_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ClientKind] = mapped_column(_enum(ClientKind, "client_kind"))
    name: Mapped[str] = mapped_column(String(200))
    enterprise_number: Mapped[str | None] = mapped_column(String(20), index=True)
    vat_number: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="BE")
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[Language] = mapped_column(_enum(Language, "language"))
    # Receives Peppol e-invoices at this endpoint (scheme 0208: Belgian enterprise number)
    peppol_participant: Mapped[bool] = mapped_column(default=False, server_default=false())
    peppol_scheme: Mapped[str | None] = mapped_column(String(4))
    peppol_id: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Declaration(Base):
    """A job declared by a member: the contract to approve, document and invoice."""

    __tablename__ = "contract_declaration"
    __table_args__ = (Index("ix_contract_declaration_status_first_day", "status", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("contract_client.id"), index=True)
    status: Mapped[DeclarationStatus] = mapped_column(
        _enum(DeclarationStatus, "declaration_status")
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The declaration as submitted (the pydantic model's JSON): the facts the checks ran on.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    function: Mapped[str] = mapped_column(String(120))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    days_count: Mapped[int] = mapped_column(Integer)
    work_country: Mapped[str] = mapped_column(String(2))
    amount_excl_vat_cents: Mapped[int] = mapped_column(Integer)
    vat_regime: Mapped[VatRegime] = mapped_column(_enum(VatRegime, "vat_regime"))
    office: Mapped[Office] = mapped_column(_enum(Office, "office"))
    employment_language: Mapped[Language | None] = mapped_column(_enum(Language, "language"))
    required_approvals: Mapped[int] = mapped_column(Integer, default=0)
    a1_required: Mapped[bool] = mapped_column(default=False)
    # Decision inputs refused by a rule (e.g. the same approver twice): the next form gets a new key.
    refused_inputs: Mapped[int] = mapped_column(Integer, default=0)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckRecord(Base):
    """The result of one automatic check on one revision of a declaration."""

    __tablename__ = "contract_check"
    __table_args__ = (UniqueConstraint("declaration_id", "revision", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    code: Mapped[CheckCode] = mapped_column(_enum(CheckCode, "check_code"))
    outcome: Mapped[CheckOutcome] = mapped_column(_enum(CheckOutcome, "check_outcome"))
    sentence: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Approval(Base):
    """One staff approval; the unique pair makes four-eyes hold even under concurrent clicks."""

    __tablename__ = "contract_approval"
    __table_args__ = (UniqueConstraint("declaration_id", "revision", "staff_login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    staff_login: Mapped[str] = mapped_column(String(120))
    decision_key: Mapped[str] = mapped_column(String(200), unique=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invoice(Base):
    """The invoice to the client; its structured communication encodes its id."""

    __tablename__ = "contract_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("contract_client.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    structured_communication: Mapped[str | None] = mapped_column(String(24), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    net_cents: Mapped[int] = mapped_column(Integer)
    vat_regime: Mapped[VatRegime] = mapped_column(_enum(VatRegime, "vat_regime"))
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    fee_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    credited_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[InvoiceStatus] = mapped_column(state_column(InvoiceStatus, 12), index=True)
    # ubl_with_pdf_copy | pdf (governance.contracts.rules.einvoice.InvoiceForm), decided at approval
    form: Mapped[str | None] = mapped_column(String(20))


class DimonaRecord(Base):
    """What the Dimona IN needs, with its deadline; submitted by payroll from the export."""

    __tablename__ = "contract_dimona"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("contract_declaration.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    employer_enterprise_number: Mapped[str] = mapped_column(String(10))
    joint_committee: Mapped[str] = mapped_column(String(10))
    worker_type: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    days: Mapped[list[str]] = mapped_column(JSON)
    in_deadline: Mapped[date] = mapped_column(Date, index=True)
    out_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[DimonaStatus] = mapped_column(state_column(DimonaStatus, 12), index=True)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
