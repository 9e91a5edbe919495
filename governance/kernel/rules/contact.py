"""How a member is reached: postal address, phone, e-mail, the language of their letters.

The member changes these in the portal; every problem is named by field and by a code the
portal turns into words in the member's language (the message is for staff)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.text import text_problem

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,24}")
PHONE = re.compile(r"\+?[0-9 ./()-]{6,25}")
BELGIAN_POSTCODE = re.compile(r"[1-9][0-9]{3}")
POSTCODE = re.compile(r"[A-Za-z0-9 -]{2,12}")
COUNTRY = re.compile(r"[A-Z]{2}")


class ContactProblem(StrEnum):
    MISSING = "missing"
    TOO_LONG = "too_long"
    BAD_TEXT = "bad_text"
    BAD_POSTCODE = "bad_postcode"
    BAD_COUNTRY = "bad_country"
    BAD_PHONE = "bad_phone"
    BAD_EMAIL = "bad_email"
    BAD_LANGUAGE = "bad_language"


class ContactRefused(RuleViolation):
    """A contact fact that cannot be stored (the field and the problem say which)."""

    code = "contact_refused"

    def __init__(self, field: str, problem: ContactProblem) -> None:
        super().__init__(
            f"{field.replace('_', ' ')}: {problem.value.replace('_', ' ')}", field=field
        )
        self.problem = problem


class EmailTaken(RuleViolation):
    """Another member's file uses this address: one address signs in as one member."""

    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("another member's file uses this e-mail address", field="email")


@dataclass(frozen=True)
class ContactFacts:
    """What the member types (trimmed); phone may be empty."""

    language: str
    street: str
    postcode: str
    city: str
    country: str
    phone: str


LIMITS = {"street": 200, "postcode": 12, "city": 120, "phone": 40}


def contact_problems(facts: ContactFacts) -> dict[str, ContactProblem]:
    """Every field that cannot be stored, with its problem (empty: all good)."""
    problems: dict[str, ContactProblem] = {}
    if facts.language not in {lang.value for lang in Language}:
        problems["language"] = ContactProblem.BAD_LANGUAGE
    for name in ("street", "postcode", "city", "phone"):
        value = getattr(facts, name)
        if not value and name != "phone":
            problems[name] = ContactProblem.MISSING
        elif len(value) > LIMITS[name]:
            problems[name] = ContactProblem.TOO_LONG
        elif text_problem(value, one_line=True):
            problems[name] = ContactProblem.BAD_TEXT
    if not COUNTRY.fullmatch(facts.country):
        problems["country"] = ContactProblem.BAD_COUNTRY
    if "postcode" not in problems:
        pattern = BELGIAN_POSTCODE if facts.country == "BE" else POSTCODE
        if not pattern.fullmatch(facts.postcode):
            problems["postcode"] = ContactProblem.BAD_POSTCODE
    if facts.phone and "phone" not in problems:
        digits = sum(ch.isdigit() for ch in facts.phone)
        if not PHONE.fullmatch(facts.phone) or digits < 8:
            problems["phone"] = ContactProblem.BAD_PHONE
    return problems


def check_contact(facts: ContactFacts) -> None:
    """Raise ContactRefused for the first problem, if any."""
    for field, problem in contact_problems(facts).items():
        raise ContactRefused(field, problem)


def email_problem(address: str) -> ContactProblem | None:
    """Why an e-mail address cannot be used, or None."""
    if not address:
        return ContactProblem.MISSING
    if len(address) > 254 or not EMAIL.fullmatch(address):
        return ContactProblem.BAD_EMAIL
    return None
