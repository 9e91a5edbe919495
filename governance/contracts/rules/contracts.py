"""Contract declarations: what a member declares, the client, the thresholds, the Dimona dates.

Pure: facts in, decisions out. The automatic checks are in `declaration_checks`, the invoice
arithmetic in `contract_amounts`, the staff decisions (four eyes) in `staff_decisions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from governance.kernel.rules.calendar import next_working_day
from governance.kernel.rules.enums import Language, Office
from governance.kernel.rules.text import OneLineText, Text


class ContractSettings(BaseModel):
    """Contract thresholds, set in the statutes' [contracts] table; [I] = our inference."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    auto_approval_threshold_cents: int = Field(
        250_000,
        gt=0,
        description="Below this amount excl. VAT an all-green declaration is approved automatically (€2,500) [I]",
    )
    four_eyes_threshold_cents: int = Field(
        1_000_000,
        gt=0,
        description="From this amount excl. VAT two different staff members must approve (€10,000) [I]",
    )
    minimum_daily_gross_cents: int = Field(
        9_500,
        gt=0,
        description="Legal minimum gross salary per day worked (≈ GMMMI / 21.67 days) [I]",
    )
    employer_contribution_bp: int = Field(
        2_700,
        ge=0,
        description="Employer social contributions on gross, to estimate the gross salary (27%) [I]",
    )
    fee_bp: int = Field(
        650, ge=0, le=10_000, description="Cooperative fee: 6.5% of the amount excl. VAT [S]"
    )
    client_outstanding_limit_cents: int = Field(
        500_000,
        ge=0,
        description="Unpaid invoices of a client above this → staff review (€5,000) [I]",
    )
    payment_term_days: int = Field(30, ge=1, le=120, description="Invoice payment term in days [I]")
    decision_due_hours: int = Field(
        48, ge=1, description="A staff decision not taken in this time is escalated"
    )
    joint_committee: str = Field(
        "200", description="Joint committee (CP/PC) declared in the Dimona [I]"
    )
    dimona_worker_type: str = Field("OTH", description="Dimona worker type [I]")
    hours_per_day: int = Field(
        8, ge=1, le=12, description="Working hours per work day stated in the contract [I]"
    )
    weekly_hours_full_time: int = Field(
        38, ge=1, le=40, description="Full-time weekly hours of the work rules [I]"
    )

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> ContractSettings:
        if self.four_eyes_threshold_cents < self.auto_approval_threshold_cents:
            raise ValueError(
                "the four-eyes threshold must not be below the auto-approval threshold"
            )
        return self


DEFAULT_SETTINGS = ContractSettings()  # the defaults; the values in force come from the statutes


class VatRegime(StrEnum):
    STANDARD = "standard_21"
    REDUCED = "reduced_6"
    REVERSE_CHARGE = "reverse_charge"  # 0%: the client (a VAT-registered company) self-assesses
    EXEMPT = "exempt"  # 0%: exempt service (VAT code art. 44)


VAT_RATE_BP: dict[VatRegime, int] = {
    VatRegime.STANDARD: 2_100,
    VatRegime.REDUCED: 600,
    VatRegime.REVERSE_CHARGE: 0,
    VatRegime.EXEMPT: 0,
}


class ClientKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class DeclarationStatus(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_DECISION = "awaiting_decision"
    CORRECTION_REQUESTED = "correction_requested"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class ClientFacts(BaseModel):
    """The client as the member declares it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: ClientKind = Field(
        ClientKind.COMPANY, title="Client kind", description="A company or a private person"
    )
    name: OneLineText = Field(..., min_length=1, max_length=200, title="Client name")
    enterprise_number: OneLineText | None = Field(
        None,
        max_length=20,
        title="Enterprise number (BCE/KBO)",
        description="Belgian companies: 10 digits, e.g. 0403.019.261",
    )
    vat_number: OneLineText | None = Field(
        None,
        max_length=20,
        title="VAT number",
        description="BE + enterprise number, or the EU VAT number of a foreign client",
    )
    street: OneLineText = Field("", max_length=200, title="Street and number")
    postcode: OneLineText = Field("", max_length=12, title="Postcode")
    city: OneLineText = Field("", max_length=120, title="City")
    country: str = Field("BE", pattern=r"^[A-Z]{2}$", title="Country (ISO code)")
    email: OneLineText = Field(
        ...,
        max_length=254,
        title="Contact e-mail",
        description="Receives the agreement and the invoice",
    )
    language: Language = Field(
        Language.FR,
        title="Client's language",
        description="Language of the client agreement and invoice",
    )


class ContractDeclaration(BaseModel):
    """A job declared by a member (Prefect UI form or a batch import line)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    member_id: int = Field(..., gt=0, title="Member", description="The member's id")
    client: ClientFacts = Field(..., title="Client")
    function: OneLineText = Field(
        ...,
        min_length=2,
        max_length=120,
        title="Function",
        description="e.g. sound engineer, illustrator",
    )
    description: Text = Field("", max_length=2000, title="Description of the work")
    work_days: list[date] = Field(
        ...,
        min_length=1,
        max_length=60,
        title="Days worked",
        description="Each date worked (YYYY-MM-DD)",
    )
    work_country: str = Field(
        "BE",
        pattern=r"^[A-Z]{2}$",
        title="Country of work",
        description="ISO code; outside BE needs an A1",
    )
    work_city: OneLineText = Field("", max_length=120, title="City of work")
    risks: Text = Field(
        "",
        max_length=500,
        title="Risks",
        description="Work at height, machines, travel... (empty: none)",
    )
    amount_excl_vat_cents: int = Field(
        ...,
        title="Amount excl. VAT (cents)",
        description="Plain number of euro cents: 150000 means €1,500.00",
    )
    vat_regime: VatRegime = Field(VatRegime.STANDARD, title="VAT regime")
    office: Office = Field(
        ..., title="Office", description="Decides the language of the employment contract"
    )
    employment_language: Language | None = Field(
        None,
        title="Employment language (Brussels)",
        description="Brussels only: fr or nl; empty = the member's language",
    )
    agreed_fee_cents: int | None = Field(
        None,
        title="Fee stated on the import (cents)",
        description="Optional: checked against 6.5% of the amount",
    )
    external_ref: OneLineText | None = Field(
        None,
        max_length=60,
        title="Import reference",
        description="Unique per declaration: importing it twice is a no-op",
    )

    @field_validator("work_days")
    @classmethod
    def _sorted_unique(cls, days: list[date]) -> list[date]:
        if len(set(days)) != len(days):
            raise ValueError("a day is listed twice")
        return sorted(days)

    @property
    def first_day(self) -> date:
        return self.work_days[0]

    @property
    def last_day(self) -> date:
        return self.work_days[-1]


# --------------------------------------------------------------------------- Dimona


@dataclass(frozen=True)
class DimonaDeadlines:
    in_by: date  # IN at the latest when work starts (before the start of the first day)
    out_by: date  # OUT by the next working day after the last day


def dimona_deadlines(work_days: Sequence[date]) -> DimonaDeadlines:
    return DimonaDeadlines(in_by=min(work_days), out_by=next_working_day(max(work_days)))
