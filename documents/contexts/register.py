"""Contexts of the share register documents: certificates and the legal register extract."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext


class ShareCertificate(TemplateContext):
    """A holder's shares of one class after a register entry (issue or transfer)."""

    member: Addressee
    member_number: str
    share_class: str
    class_label: str
    shares: int
    paid_cents: int
    nominal_cents: int
    entry_sequence: int
    as_of: date


class ExtractHolder(BaseModel):
    share_class: str
    number: str
    name: str
    address: str  # domicile of a person, seat of a company
    company_number: str  # BCE/KBO of a legal person, empty for a person
    shares: int
    paid_cents: int


class ExtractClass(BaseModel):
    share_class: str
    label: str
    nominal_cents: int
    holders: int
    shares: int
    paid_cents: int


class ExtractTransfer(BaseModel):
    on: date
    share_class: str
    shares: int
    giver: str
    receiver: str
    sequence: int


class RegisterExtract(TemplateContext):
    """CSA 6:24 contents as at a date; never the national number."""

    as_at: date
    voting: str
    transfer_rule: str
    classes: list[ExtractClass]
    rows: list[ExtractHolder]
    transfers: list[ExtractTransfer]
    last_sequence: int
