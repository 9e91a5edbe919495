"""The legal register as at a date, as its extract shows it: classes, holders, transfers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ExtractClass:
    share_class: str
    label: str
    nominal_cents: int
    holders: int
    shares: int
    paid_cents: int


@dataclass(frozen=True)
class ExtractHolder:
    share_class: str
    number: str
    name: str
    address: str
    company_number: str
    shares: int
    paid_cents: int


@dataclass(frozen=True)
class ExtractTransfer:
    on: date
    share_class: str
    shares: int
    giver: str
    receiver: str
    sequence: int


@dataclass(frozen=True)
class Extract:
    as_at: date
    voting: str
    transfer_rule: str
    classes: list[ExtractClass]
    rows: list[ExtractHolder]
    transfers: list[ExtractTransfer]
    last_sequence: int
