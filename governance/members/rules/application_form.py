"""The membership application form: its fields, reading it from JSON, and its validation.

Pure: the clock comes in as `now`, the statutes as a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from governance.kernel.rules import identifiers
from governance.kernel.rules.calendar import BRUSSELS
from governance.kernel.rules.enums import Language, MemberKind, Office
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.text import OneLineText
from governance.members.rules.onboarding import ReviewReason
from governance.statutes import Statutes

MANY_SHARES = 100  # above this, a person looks at the subscription before it is accepted
ADULT_AGE = 18


class Attestation(StrEnum):
    """The arts-worker attestation (attestation du travail des arts)."""

    NONE = "none"
    ORDINARY = "ordinary"
    PLUS = "plus"
    STARTER = "starter"


# --------------------------------------------------------------------------- the form


class Application(BaseModel):
    """A membership application, as staff fill it in (Prefect UI) or import it (JSON)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MemberKind = Field(
        MemberKind.PERSON, title="Applicant", description="A person or a company"
    )
    first_name: OneLineText | None = Field(None, title="First name", max_length=120)
    last_name: OneLineText | None = Field(None, title="Last name", max_length=120)
    birth_date: date | None = Field(None, title="Birth date", description="Persons only")
    national_number: OneLineText | None = Field(
        None,
        title="National or BIS number",
        description="Persons only; optional for people without one. Stored encrypted, "
        "never shown again.",
        json_schema_extra={"format": "password", "writeOnly": True},
    )
    attestation: Attestation = Field(
        Attestation.NONE, title="Arts-worker attestation", description="Persons only"
    )
    attestation_expires_on: date | None = Field(None, title="Attestation valid until")
    company_name: OneLineText | None = Field(None, title="Company name", max_length=200)
    company_number: OneLineText | None = Field(
        None, title="Enterprise number (BCE/KBO)", description="Companies: 0xxx.xxx.xxx or 1xxx"
    )
    vat_number: OneLineText | None = Field(
        None, title="VAT number", description="Companies: BE0xxx…"
    )
    email: OneLineText = Field(..., title="E-mail", max_length=254)
    phone: OneLineText | None = Field(None, title="Phone", max_length=40)
    street: OneLineText = Field(..., title="Street and number", max_length=200)
    postcode: OneLineText = Field(..., title="Postcode", max_length=12)
    city: OneLineText = Field(..., title="City", max_length=120)
    country: OneLineText = Field("BE", title="Country", description="ISO code, e.g. BE, FR, NL")
    language: Language = Field(Language.FR, title="Language", description="Letters and e-mails")
    office: Office = Field(Office.BRUXELLES, title="Office", description="Reference office")
    iban: OneLineText = Field(..., title="IBAN", description="For refunds of shares")
    share_class: OneLineText = Field(
        "A", title="Share class", description="A (users) or B (clients)"
    )
    shares: int = Field(1, title="Number of shares", description="At least the minimum")
    privacy_policy_accepted_at: datetime | None = Field(
        None, title="Privacy policy accepted at", description="When the applicant accepted it"
    )
    internal_rules_accepted_at: datetime | None = Field(
        None, title="Internal rules accepted at", description="When the applicant accepted them"
    )
    capital_risk_accepted_at: datetime | None = Field(
        None,
        title="Risk of share capital acknowledged at",
        description="When the applicant acknowledged that share capital can be lost",
    )

    def __repr__(self) -> str:  # never print the national number
        return f"Application(kind={self.kind}, email={self.email!r})"

    __str__ = __repr__


# --------------------------------------------------------------------------- errors


class MissingField(RuleViolation):
    code = "missing_field"


class NotExpectedForKind(RuleViolation):
    code = "not_expected_for_kind"


class ConsentMissing(RuleViolation):
    code = "consent_missing"


class ImplausibleDate(RuleViolation):
    code = "implausible_date"


class AttestationInvalid(RuleViolation):
    code = "attestation_invalid"


class ShareSubscriptionInvalid(RuleViolation):
    code = "share_subscription_invalid"


class BadFormat(RuleViolation):
    code = "bad_format"


class InvalidApplication(RuleViolation):
    """Every problem of an application at once, each naming its field."""

    code = "invalid_application"

    def __init__(self, errors: list[RuleViolation]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def parse_application(data: dict[str, Any]) -> Application:
    """The form from raw JSON; type errors become field errors a staff member reads."""
    try:
        return Application.model_validate(data)
    except ValidationError as exc:
        errors: list[RuleViolation] = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "application"
            if err["type"] == "missing":
                errors.append(MissingField("this field is required", field=name))
            elif err["type"] == "extra_forbidden":
                errors.append(BadFormat("this field is not part of the form", field=name))
            elif err["type"] == "value_error":  # our own checks: their message as written
                errors.append(BadFormat(str(err["ctx"]["error"]), field=name))
            else:
                errors.append(BadFormat(err["msg"].lower(), field=name))
        raise InvalidApplication(errors) from None


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class ValidApplication:
    """A validated, normalised application (identifiers compact)."""

    form: Application
    national_number: str | None
    company_number: str | None
    vat_number: str | None
    email: str
    iban: str
    country: str
    review_reasons: tuple[ReviewReason, ...] = ()


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _check(errors: list[RuleViolation], fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except RuleViolation as exc:
        errors.append(exc)
        return None


def _person_checks(app: Application, today: date, errors: list[RuleViolation]) -> str | None:
    for name in ("first_name", "last_name", "birth_date"):
        if getattr(app, name) in (None, ""):
            errors.append(MissingField("a person needs this field", field=name))
    for name in ("company_name", "company_number", "vat_number"):
        if getattr(app, name):
            errors.append(NotExpectedForKind("only for companies: leave it empty", field=name))
    if app.birth_date is not None:
        if app.birth_date > today:
            errors.append(ImplausibleDate("the birth date is in the future", field="birth_date"))
        elif _age(app.birth_date, today) > 120:
            errors.append(ImplausibleDate("the birth date is too far back", field="birth_date"))
    nn: str | None = None
    if app.national_number:
        nn = _check(errors, identifiers.national_number, app.national_number)
        if nn and app.birth_date is not None:
            _check(errors, identifiers.check_birth_date_matches, nn, app.birth_date)
    if app.attestation is not Attestation.NONE:
        if app.attestation_expires_on is None:
            errors.append(
                AttestationInvalid(
                    "give the date until which the attestation is valid",
                    field="attestation_expires_on",
                )
            )
        elif app.attestation_expires_on < today:
            errors.append(
                AttestationInvalid(
                    f"the attestation expired on {app.attestation_expires_on:%d/%m/%Y}",
                    field="attestation_expires_on",
                )
            )
    return nn


def _company_checks(app: Application, errors: list[RuleViolation]) -> tuple[str | None, str | None]:
    if not app.company_name:
        errors.append(MissingField("a company needs its name", field="company_name"))
    number = vat = None
    if not app.company_number:
        errors.append(
            MissingField("a company needs its BCE/KBO enterprise number", field="company_number")
        )
    else:
        number = _check(errors, identifiers.enterprise_number, app.company_number, "company_number")
    if app.vat_number:
        vat = _check(errors, identifiers.vat_number, app.vat_number)
        if vat and number and vat != "BE" + number:
            errors.append(
                BadFormat(
                    f"the VAT number {vat} is not the enterprise number {number} with BE",
                    field="vat_number",
                )
            )
    for name in ("national_number", "birth_date", "attestation_expires_on"):
        if getattr(app, name):
            errors.append(NotExpectedForKind("only for persons: leave it empty", field=name))
    if app.attestation is not Attestation.NONE:
        errors.append(NotExpectedForKind("only persons hold an attestation", field="attestation"))
    return number, vat


def _contact_checks(app: Application, errors: list[RuleViolation]) -> tuple[str, str, str]:
    mail = _check(errors, identifiers.email, app.email)
    if mail and not mail.isascii():
        # Valid in theory (SMTPUTF8), refused by many mail servers: ask for a plain address.
        errors.append(
            BadFormat(
                f"the e-mail address {mail} contains accented or non-Latin letters, which "
                "many mail servers refuse; ask the applicant for a plain address",
                field="email",
            )
        )
        mail = None
    account = _check(errors, identifiers.iban, app.iban)
    country = app.country.upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors.append(BadFormat("give the two-letter country code, e.g. BE", field="country"))
    elif country == "BE" and not re.fullmatch(r"[1-9]\d{3}", app.postcode):
        errors.append(BadFormat("a Belgian postcode has 4 digits, e.g. 1060", field="postcode"))
    for name in ("street", "postcode", "city"):
        if not getattr(app, name):
            errors.append(MissingField("the postal address needs this field", field=name))
    if app.phone and not re.fullmatch(r"\+?[\d\s./()-]{6,40}", app.phone):
        errors.append(BadFormat("a phone number has digits, e.g. +32 2 542 10 80", field="phone"))
    return mail or "", account or "", country


_CONSENTS = {
    "privacy_policy_accepted_at": "the privacy policy",
    "internal_rules_accepted_at": "the internal rules",
    "capital_risk_accepted_at": "the risk of losing share capital",
}


def _consent_checks(app: Application, now: datetime, errors: list[RuleViolation]) -> None:
    for name, what in _CONSENTS.items():
        given: datetime | None = getattr(app, name)
        if given is None:
            errors.append(
                ConsentMissing(f"the applicant must accept {what} (give when)", field=name)
            )
        elif given.tzinfo is None:
            errors.append(BadFormat("give the time with its time zone", field=name))
        elif given > now + timedelta(minutes=5):
            errors.append(ImplausibleDate("this consent is dated in the future", field=name))


def _share_checks(app: Application, statutes: Statutes, errors: list[RuleViolation]) -> None:
    try:
        share_class = statutes.share_class(app.share_class)
    except RuleViolation as exc:
        errors.append(ShareSubscriptionInvalid(exc.message, field="share_class"))
        return
    if app.kind not in share_class.allowed_kinds:
        errors.append(
            ShareSubscriptionInvalid(
                f"class {share_class.code} shares are not open to a {app.kind}",
                field="share_class",
            )
        )
    if app.shares < share_class.minimum_shares:
        errors.append(
            ShareSubscriptionInvalid(
                f"at least {share_class.minimum_shares} share(s) of class "
                f"{share_class.code} must be subscribed",
                field="shares",
            )
        )


def validate_application(app: Application, statutes: Statutes, now: datetime) -> ValidApplication:
    """Check everything; raise InvalidApplication listing every field problem at once."""
    today = now.astimezone(BRUSSELS).date()
    errors: list[RuleViolation] = []
    nn = number = vat = None
    if app.kind is MemberKind.PERSON:
        nn = _person_checks(app, today, errors)
    else:
        number, vat = _company_checks(app, errors)
    mail, account, country = _contact_checks(app, errors)
    _consent_checks(app, now, errors)
    _share_checks(app, statutes, errors)
    if errors:
        raise InvalidApplication(errors)
    reasons: list[ReviewReason] = []
    if app.kind is MemberKind.PERSON and not nn:
        reasons.append(ReviewReason.NO_NATIONAL_NUMBER)
    if app.birth_date is not None and _age(app.birth_date, today) < ADULT_AGE:
        reasons.append(ReviewReason.MINOR)
    if app.shares > MANY_SHARES:
        reasons.append(ReviewReason.MANY_SHARES)
    return ValidApplication(app, nn, number, vat, mail, account, country, tuple(reasons))
