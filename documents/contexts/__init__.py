"""One pydantic context model per template: the fields a template may use, nothing else.

Shared pieces live here; each business area keeps its contexts in a module of its own."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from governance.config import Settings


class Coop(BaseModel):
    """The letterhead: who writes."""

    model_config = ConfigDict(frozen=True)

    name: str
    address: str
    enterprise_number: str
    iban: str
    bic: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Coop:
        return cls(
            name=settings.coop_name,
            address=settings.coop_address,
            enterprise_number=settings.coop_enterprise_number,
            iban=settings.coop_iban,
            bic=settings.coop_bic,
        )


class Addressee(BaseModel):
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "BE"
    company: bool = False  # a company is greeted "Madame, Monsieur," (formatting.salutation)


class TemplateContext(BaseModel):
    """Every template knows its language and letterhead."""

    model_config = ConfigDict(extra="forbid")

    language: str
    coop: Coop
    today: date
