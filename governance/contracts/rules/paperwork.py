"""What the documents of an approved contract say: the parties, the figures, the job reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from governance.contracts.rules.contract_amounts import InvoiceAmounts
from governance.contracts.rules.einvoice import InvoiceFacts
from governance.kernel.rules.enums import Language, Office


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    email: str
    language: Language


@dataclass(frozen=True)
class Paperwork:
    """Everything the three documents of one approved contract say."""

    declaration_id: int
    member_id: int
    member_number: str
    member: Party
    client: Party
    client_enterprise_number: str
    client_vat_number: str
    office: Office
    employment_language: Language
    function: str
    description: str
    risks: str
    work_days: tuple[date, ...]
    work_country: str
    work_city: str
    invoice_number: str
    structured_communication: str
    issued_on: date
    due_on: date
    amounts: InvoiceAmounts
    payment_term_days: int
    dimona_in_by: date
    keys: dict[str, str]
    invoice: InvoiceFacts  # the one source of the invoice's figures (PDF and UBL)


def job_reference(declaration_id: int) -> str:
    """The reference a contract's client quotes: C- and the declaration number on six digits."""
    return f"C-{declaration_id:06d}"
