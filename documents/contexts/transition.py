"""Contexts of the transition campaign's documents."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext


class TransitionInvitation(TemplateContext):
    """The personalised invitation to become a shareholder (with the payment QR image `qr`)."""

    member: Addressee
    member_number: str
    office: str
    share_class: str
    shares: int
    amount_cents: int
    iban: str  # grouped by 4 for reading
    bic: str
    communication: str  # +++ddd/dddd/ddddd+++
    deadline: date
    restriction_on: date
    year: int
    questions: str


class ConversionLine(BaseModel):
    group: str
    invited: int
    paid: int
    percent: str
    not_now: int
    resigned: int
    restricted: int


class WeekLine(BaseModel):
    week: str
    paid: int
    cumulative: int


class TransitionBoardReport(TemplateContext):
    """The board's summary of a campaign (with the chart image `chart`)."""

    campaign: str
    share_class: str
    deadline: date
    restriction_on: date
    total: ConversionLine
    postal: int
    by_office: list[ConversionLine]
    by_language: list[ConversionLine]
    by_week: list[WeekLine]
