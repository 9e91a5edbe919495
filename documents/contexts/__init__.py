"""One pydantic context model per template: the fields a template may use, nothing else.

Shared pieces live here; each business area keeps its contexts in a module of its own."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, computed_field

from documents import formatting, labels
from governance.config import Settings


def _default_form() -> dict[str, str]:
    return labels.per_language(labels.LEGAL_FORMS, "sc")


def _default_court() -> dict[str, str]:
    return labels.per_language(labels.COURTS, "bruxelles")


def _default_title() -> dict[str, str]:
    return labels.per_language(labels.SIGNATORY_TITLES, "managing_director")


def enterprise_number_display(value: str) -> str:
    """'0896755397' or 'BE0896755397' → '0896.755.397' (other text stays as is)."""
    return formatting.enterprise_number(value)


class Coop(BaseModel):
    """The letterhead: who writes, with the mentions every company document carries (CSA art.
    2:20): name, legal form, registered office, enterprise number with RPM/RPR and court.
    Texts that differ per language are dicts by language code (a template reads its own)."""

    model_config = ConfigDict(frozen=True)

    name: str
    address: str
    enterprise_number: str
    iban: str
    bic: str
    legal_form: dict[str, str] = Field(default_factory=_default_form)
    court: dict[str, str] = Field(default_factory=_default_court)
    place: dict[str, str] = Field(default_factory=_default_court)
    website: str = ""
    email: str = ""
    signatory_name: str = ""
    signatory_title: dict[str, str] = Field(default_factory=_default_title)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def enterprise_number_display(self) -> str:
        """'0896.755.397', as Belgian enterprise numbers are written."""
        return enterprise_number_display(self.enterprise_number)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def vat_number(self) -> str:
        """'BE 0896.755.397': the VAT number of a Belgian company is BE + its enterprise number."""
        return f"BE {self.enterprise_number_display}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def iban_display(self) -> str:
        """'BE71 0961 2345 6769': in groups of four."""
        compact = "".join(self.iban.split()).upper()
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))

    @classmethod
    def from_settings(cls, settings: Settings) -> Coop:
        return cls(
            name=settings.coop_name,
            address=settings.coop_address,
            enterprise_number=settings.coop_enterprise_number,
            iban=settings.coop_iban,
            bic=settings.coop_bic,
            legal_form=labels.per_language(labels.LEGAL_FORMS, settings.coop_legal_form),
            court=labels.per_language(labels.COURTS, settings.coop_register_court),
            place=labels.per_language(labels.COURTS, settings.coop_place),
            website=settings.coop_website,
            email=settings.coop_email,
            signatory_name=settings.signatory_name,
            signatory_title=labels.per_language(labels.SIGNATORY_TITLES, settings.signatory_title),
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
