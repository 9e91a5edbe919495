"""Sample applications for the onboarding tests (valid unless a test breaks them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from governance.members.rules.application_form import Application

CONSENT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def person(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "person",
        "first_name": "Zoë",
        "last_name": "D'Hondt",
        "birth_date": "1985-07-30",
        "national_number": "85.07.30-033.28",
        "email": "zoe.dhondt@example.org",
        "phone": "+32 2 542 10 80",
        "street": "Rue Coenraets 72",
        "postcode": "1060",
        "city": "Saint-Gilles",
        "country": "BE",
        "language": "fr",
        "office": "bruxelles",
        "iban": "BE48 3200 7018 4927",
        "share_class": "A",
        "shares": 2,
        "privacy_policy_accepted_at": CONSENT.isoformat(),
        "internal_rules_accepted_at": CONSENT.isoformat(),
        "capital_risk_accepted_at": CONSENT.isoformat(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def company(**changes: Any) -> dict[str, Any]:
    data = person(
        kind="company",
        first_name=...,
        last_name=...,
        birth_date=...,
        national_number=...,
        company_name="Klang & Bühne SRL",
        company_number="0403.019.261",
        vat_number="BE 0403 019 261",
        email="contact@klang.example.org",
        language="de",
        office="eupen",
        postcode="4700",
        city="Eupen",
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def form(**changes: Any) -> Application:
    return Application.model_validate(person(**changes))


def bce(first_eight: str) -> str:
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


def born(d: date) -> str:
    return d.isoformat()
