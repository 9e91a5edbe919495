"""The job declaration form: the typed fields read into the declaration model, each problem
named by its field with a message key of the member's language (never the domain's English)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from stdnum.eu import vat as eu_vat

from governance.contracts.rules.contracts import (
    ClientFacts,
    ClientKind,
    ContractDeclaration,
    VatRegime,
)
from governance.kernel.rules import identifiers
from governance.kernel.rules.enums import Language, Office
from governance.kernel.rules.errors import RuleViolation

CLIENT_FIELDS = (
    "client_kind",
    "client_name",
    "client_enterprise_number",
    "client_vat_number",
    "client_street",
    "client_postcode",
    "client_city",
    "client_country",
    "client_email",
    "client_language",
)
WORK_FIELDS = ("function", "description", "work_days", "work_country", "work_city", "risks")
MONEY_FIELDS = ("amount", "vat_regime", "office", "employment_language")
FIELDS = ("known_client", *CLIENT_FIELDS, *WORK_FIELDS, *MONEY_FIELDS)
# the form's field of each model field (the client's fields are prefixed)
_MODEL_FIELD = {
    "work_days": "work_days",
    "amount_excl_vat_cents": "amount",
    **{name: name for name in WORK_FIELDS + MONEY_FIELDS},
}
_CHOICES = {"client_kind", "client_language", "vat_regime", "office", "employment_language"}
_COUNTRIES = {"client_country", "work_country"}
_AMOUNT = re.compile(r"(\d{1,9})(?:[.,](\d{1,2}))?")
_DAY_FORMATS = (
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
)


@dataclass
class ParsedJob:
    """The declaration read from the form, or the problems per field (message label keys)."""

    declaration: ContractDeclaration | None = None
    errors: dict[str, str] = field(default_factory=dict)


def defaults(office: Office, language: Language) -> dict[str, str]:
    """A new form's values: the member's office, a Belgian company client, 21% VAT."""
    values = dict.fromkeys(FIELDS, "")
    values.update(
        client_kind=ClientKind.COMPANY.value,
        client_country="BE",
        client_language=language.value,
        work_country="BE",
        vat_regime=VatRegime.STANDARD.value,
        office=office.value,
    )
    return values


def typed(fields: dict[str, str]) -> dict[str, str]:
    """The form's values as typed (only its own fields, each a string)."""
    return {name: fields.get(name, "")[:4000] for name in FIELDS}


def work_days(text: str) -> list[date] | None:
    """Days typed one per line (or separated by commas), day/month/year or year-month-day."""
    days: list[date] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        found = next((m for f in _DAY_FORMATS if (m := f.fullmatch(part))), None)
        if found is None:
            return None
        try:
            days.append(date(int(found["y"]), int(found["m"]), int(found["d"])))
        except ValueError:
            return None
    if not days or len(days) > 60 or len(set(days)) != len(days):
        return None
    return sorted(days)


def amount_cents(text: str) -> int | None:
    """Euros as typed (1500, 1500,50, 1 500.5, € 1500) in cents."""
    compact = re.sub(r"[\s\u00a0\u202f€]", "", text)
    found = _AMOUNT.fullmatch(compact)
    if found is None:
        return None
    return int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))


def parse(
    fields: dict[str, str], member_id: int, known: Callable[[int], ClientFacts | None]
) -> ParsedJob:
    """Read the form: the declaration when every field is right, else the errors."""
    result = ParsedJob()
    client = _known_client(fields, known, result.errors)
    if client is None and "known_client" not in result.errors:
        client = _new_client(fields, result.errors)
    days = work_days(fields.get("work_days", ""))
    if days is None:
        result.errors["work_days"] = "jobs_err_work_days"
    amount = amount_cents(fields.get("amount", ""))
    if amount is None:
        result.errors["amount"] = "jobs_err_amount"
    values: dict[str, Any] = {
        "member_id": member_id,
        "client": client or _PLACEHOLDER_CLIENT,
        "work_days": days or [date(2000, 1, 1)],
        "amount_excl_vat_cents": amount if amount is not None else 1,
        **{name: fields.get(name, "") for name in WORK_FIELDS if name != "work_days"},
        "work_country": fields.get("work_country", "").strip().upper(),
        **{name: fields.get(name, "") for name in MONEY_FIELDS if name != "amount"},
    }
    values["employment_language"] = values["employment_language"] or None
    try:
        declaration = ContractDeclaration.model_validate(values)
    except ValidationError as exc:
        result.errors.update(_model_errors(exc, result.errors))
        return result
    if not result.errors:
        result.declaration = declaration
    return result


def _new_client(fields: dict[str, str], errors: dict[str, str]) -> ClientFacts | None:
    """The new client's fields, its identifiers through the domain's checks."""
    values: dict[str, Any] = {
        name.removeprefix("client_"): fields.get(name, "") for name in CLIENT_FIELDS
    }
    for name in ("enterprise_number", "vat_number"):
        values[name] = values[name] or None
    values["country"] = values["country"].strip().upper()
    try:
        client = ClientFacts.model_validate(values)
    except ValidationError as exc:
        errors.update(_model_errors(exc, errors, prefix="client_"))
        return None
    return _checked_identifiers(client, errors)


_PLACEHOLDER_CLIENT = {"name": "-", "email": "-"}  # stands in while the chosen client is wrong


def _known_client(
    fields: dict[str, str], known: Callable[[int], ClientFacts | None], errors: dict[str, str]
) -> ClientFacts | None:
    chosen = fields.get("known_client", "").strip()
    if not chosen:
        return None
    found = known(int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
    if found is None:
        errors["known_client"] = "jobs_err_known_client"
    return found


def _model_errors(
    exc: ValidationError, already: dict[str, str], prefix: str = ""
) -> dict[str, str]:
    """Each model error as the form field it belongs to and a message key."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        name = prefix + loc[0] if prefix else _MODEL_FIELD.get(loc[0], loc[0])
        if name in already or name in errors or name not in FIELDS:
            continue
        errors[name] = _message(name, error["type"])
    return errors


def _message(name: str, kind: str) -> str:
    if name in _CHOICES:
        return "jobs_err_choice"
    if name in _COUNTRIES:
        return "jobs_err_country"
    if name == "function":
        return "jobs_err_function"
    if kind in ("missing", "string_too_short"):
        return "jobs_err_required"
    return "jobs_err_text"


def _checked_identifiers(client: ClientFacts, errors: dict[str, str]) -> ClientFacts:
    """A new client's e-mail, enterprise and VAT numbers through the domain's identifier
    checks; Belgian numbers are kept in their usual written form."""
    try:
        identifiers.email(client.email, "client_email")
    except RuleViolation:
        errors["client_email"] = "jobs_err_email"
    if client.kind is not ClientKind.COMPANY:
        return client
    if client.country != "BE":
        if not client.vat_number or not eu_vat.is_valid(client.vat_number):
            errors["client_vat_number"] = "jobs_err_vat_number"
        return client
    return _belgian_numbers(client, errors)


def _belgian_numbers(client: ClientFacts, errors: dict[str, str]) -> ClientFacts:
    if not client.enterprise_number:
        errors["client_enterprise_number"] = "jobs_err_enterprise_number_missing"
        return client
    try:
        number = identifiers.enterprise_number(client.enterprise_number)
    except RuleViolation:
        errors["client_enterprise_number"] = "jobs_err_enterprise_number"
        return client
    vat = None
    if client.vat_number:
        try:
            vat = identifiers.vat_number(client.vat_number)
        except RuleViolation:
            errors["client_vat_number"] = "jobs_err_vat_number"
            return client
        if vat != "BE" + number:
            errors["client_vat_number"] = "jobs_err_vat_mismatch"
            return client
    written = identifiers.format_enterprise_number(number)
    return client.model_copy(update={"enterprise_number": written, "vat_number": vat})
