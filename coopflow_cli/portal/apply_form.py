"""The portal's membership application form: the fields as typed (never the national number),
the application the domain checks, and each refusal in the applicant's own language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from governance.kernel.rules.enums import MemberKind, Office
from governance.kernel.rules.errors import RuleViolation
from governance.members.rules.application_form import (
    Application,
    Attestation,
    InvalidApplication,
    parse_application,
    validate_application,
)
from governance.statutes import get_statutes

PERSON_ONLY = (
    "first_name",
    "last_name",
    "birth_date",
    "national_number",
    "attestation",
    "attestation_expires_on",
)
COMPANY_ONLY = ("company_name", "company_number", "vat_number")
COMMON = (
    "phone",
    "street",
    "postcode",
    "city",
    "country",
    "language",
    "office",
    "iban",
    "share_class",
    "shares",
)
CONSENTS = ("privacy_policy_accepted_at", "internal_rules_accepted_at", "capital_risk_accepted_at")
# the longest each box may be (the application's own limits, or a generous one for identifiers)
LIMITS = {
    "first_name": 120,
    "last_name": 120,
    "national_number": 20,
    "company_name": 200,
    "company_number": 20,
    "vat_number": 20,
    "phone": 40,
    "street": 200,
    "postcode": 12,
    "city": 120,
    "country": 2,
    "iban": 42,
    "shares": 6,
}
MAX_SHARES = 100_000
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in MemberKind),
    "attestation": tuple(a.value for a in Attestation),
    "office": tuple(o.value for o in Office),
    "language": ("fr", "nl", "de", "en"),
}
# what the applicant reads per refused field, beyond "required" and "too long"
SPECIFIC = {
    "national_number",
    "birth_date",
    "attestation_expires_on",
    "company_number",
    "vat_number",
    "email",
    "phone",
    "postcode",
    "country",
    "iban",
    "share_class",
    "shares",
}


@dataclass
class Draft:
    """The form as posted. `values` keeps what is shown again on a refusal; the national
    number is kept apart, used once and never shown."""

    values: dict[str, str]
    ticked: set[str]
    national_number: str
    errors: dict[str, str] = field(default_factory=dict)  # field -> label key


def empty_draft(language: str) -> Draft:
    """A new form: a person, in the page's language, one share of the first class."""
    values = {name: "" for name in (*PERSON_ONLY, *COMPANY_ONLY, *COMMON)}
    values.update(kind="person", attestation="none", country="BE", language=language)
    values.update(office="bruxelles", share_class="A", shares="1")
    values.pop("national_number")
    return Draft(values, set(), "")


def read_form(fields: dict[str, str]) -> Draft:
    """The posted fields, trimmed; choices outside their lists, overlong text and a bad
    number of shares are refused here, before the domain looks."""
    draft = empty_draft(fields.get("language", "fr"))
    for name in draft.values:
        draft.values[name] = fields.get(name, draft.values[name]).strip()
    draft.national_number = fields.get("national_number", "").strip()
    draft.ticked = {name for name in CONSENTS if fields.get(name) == "yes"}
    for name, choices in CHOICES.items():
        if draft.values[name] not in choices:
            draft.errors[name] = "apply_err_choice"
    typed = {**draft.values, "national_number": draft.national_number}
    for name, limit in LIMITS.items():
        if len(typed[name]) > limit:
            draft.errors[name] = "apply_err_too_long"
    shares = draft.values["shares"]
    if "shares" not in draft.errors and (
        not shares.isdigit() or not 1 <= int(shares) <= MAX_SHARES
    ):
        draft.errors["shares"] = "apply_err_shares"
    return draft


def application_data(draft: Draft, email: str, now: datetime) -> dict[str, Any]:
    """What the domain's application form is given: only the chosen kind's own fields (the
    other kind's boxes are ignored), blanks as "not given", consents dated now."""
    values = draft.values
    kind = values["kind"]
    own = PERSON_ONLY if kind == MemberKind.PERSON else COMPANY_ONLY
    data: dict[str, Any] = {"kind": kind, "email": email}
    for name in (*own, *COMMON):
        value = draft.national_number if name == "national_number" else values.get(name, "")
        if value or name in ("street", "postcode", "city", "iban"):
            data[name] = value
    for name in CONSENTS:
        data[name] = now if name in draft.ticked else None
    return data


def to_application(draft: Draft, email: str, now: datetime) -> Application | None:
    """The application, or None with every refused field in the draft's errors: the form's
    own checks, the types (a date that is not a date...) and the domain's rules, at once."""
    data = application_data(draft, email, now)
    for name in draft.errors:  # refused already: a harmless stand-in lets the rest be checked
        data.pop(name, None)
        if name == "shares":
            data["shares"] = 1
    try:
        form = parse_application(data)
        validate_application(form, get_statutes(), now)
    except InvalidApplication as exc:
        add_refusals(draft, list(exc.errors))
        return None
    return None if draft.errors else form


def add_refusals(draft: Draft, problems: list[RuleViolation]) -> None:
    """Each refused field gets its own words (the domain's messages are for staff)."""
    for problem in problems:
        name = (problem.field or "").split(".")[0]
        if name in draft.errors:
            continue
        given = draft.national_number if name == "national_number" else draft.values.get(name)
        if name in CONSENTS:
            draft.errors[name] = "apply_err_consent"
        elif problem.code == "missing_field" or (name in draft.values and not given):
            draft.errors[name] = "apply_err_required"
        elif name in SPECIFIC:
            draft.errors[name] = f"apply_err_{name}"
        else:
            draft.errors[name or "kind"] = "apply_err_invalid"
