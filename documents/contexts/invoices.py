"""Contexts of the invoice and the credit note: every figure comes from the invoice facts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext
from documents.contexts.contracts import Job


class InvoiceLine(BaseModel):
    label: str
    quantity: str
    unit: str
    unit_price_cents: int
    vat_rate: str
    amount_cents: int


class VatRow(BaseModel):
    """One VAT rate: its taxable base and its VAT (a mandatory mention per rate)."""

    rate: str
    taxable_cents: int
    vat_cents: int


class InvoiceDocument(TemplateContext):
    client: Addressee
    client_vat_number: str
    client_enterprise_number: str
    seller_vat_number: str
    invoice_number: str
    issued_on: date
    due_on: date
    period_start: date
    period_end: date
    job: Job
    lines: list[InvoiceLine]
    vat_rows: list[VatRow]
    net_cents: int
    vat_cents: int
    total_cents: int
    fee_cents: int
    fee_rate: str
    vat_mention: str
    structured_communication: str
    payment_term_days: int
    # "the legal invoice is the Peppol e-invoice": the PDF is then its visual copy
    peppol_copy: bool


class CreditNoteDocument(InvoiceDocument):
    credited_invoice: str
    credited_invoice_date: date
    reason: str
