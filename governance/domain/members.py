"""Facts about a member and the rules that keep a member record whole."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from governance.domain.enums import Language, MemberKind, Office


class MemberFacts(BaseModel):
    """What the cooperative knows of a member (no national number: that is stored apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: MemberKind
    first_name: str | None = Field(None, max_length=120)
    last_name: str | None = Field(None, max_length=120)
    company_name: str | None = Field(None, max_length=200)
    company_number: str | None = Field(None, pattern=r"^[01]\d{9}$")
    birth_date: date | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=12)
    city: str | None = Field(None, max_length=120)
    country: str = Field("BE", pattern=r"^[A-Z]{2}$")
    language: Language
    office: Office
    iban: str | None = None
    external_ref: str | None = Field(None, max_length=40)

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
