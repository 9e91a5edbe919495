"""Facts about a member and the rules that keep a member record whole."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from governance.kernel.rules.enums import Language, MemberKind, Office
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.text import OneLineText


class MemberFacts(BaseModel):
    """What the cooperative knows of a member (no national number: that is stored apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: MemberKind
    first_name: OneLineText | None = Field(None, max_length=120)
    last_name: OneLineText | None = Field(None, max_length=120)
    company_name: OneLineText | None = Field(None, max_length=200)
    company_number: OneLineText | None = Field(None, pattern=r"^[01]\d{9}$")
    birth_date: date | None = None
    email: OneLineText | None = Field(None, max_length=254)
    phone: OneLineText | None = Field(None, max_length=40)
    street: OneLineText | None = Field(None, max_length=200)
    postcode: OneLineText | None = Field(None, max_length=12)
    city: OneLineText | None = Field(None, max_length=120)
    country: OneLineText = Field("BE", pattern=r"^[A-Z]{2}$")
    language: Language
    office: Office
    iban: OneLineText | None = None
    external_ref: OneLineText | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _names_for_kind(self) -> MemberFacts:
        if self.kind is MemberKind.PERSON and not self.last_name:
            raise ValueError("a person needs a last name")
        if self.kind is MemberKind.COMPANY and not (self.company_name and self.company_number):
            raise ValueError("a company needs its name and its enterprise (BCE/KBO) number")
        return self

    @property
    def display_name(self) -> str:
        if self.kind is MemberKind.COMPANY:
            return self.company_name or ""
        return f"{self.first_name or ''} {self.last_name or ''}".strip()


def member_number(sequence: int) -> str:
    """Member numbers are 'M' + 7 digits, assigned in order."""
    return f"M{sequence:07d}"


class ErasureRefused(RuleViolation):
    """Personal data the law makes the cooperative keep is never erased."""

    code = "erasure_refused"


def check_erasable(*, holds_shares: bool, open_contracts: bool) -> None:
    """Refuse to erase a shareholder (the register keeps every shareholder's name and
    domicile) or a member whose contracts still run."""
    if holds_shares:
        raise ErasureRefused(
            "the member holds shares (or has a subscription awaiting payment): the law keeps the "
            "name and domicile of every shareholder in the share register; erase after the "
            "shares are repaid",
            field="member",
        )
    if open_contracts:
        raise ErasureRefused(
            "the member has contracts still running: close them first", field="member"
        )
