"""Sample contexts for every e-mail template, as the services fill them (for the proofreading
tests and for staff previews). One value per context key, chosen like the real one: settings
as they come (an unspaced IBAN), dates as ISO strings, moments as the assembly formats them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jinja2 import meta

from documents.email import EMAILS_DIR, environment
from documents.formatting import weekday_date_time

_PERSON = "Amélie Lefèvre"
_AT = datetime(2027, 6, 19, 12, 0, tzinfo=UTC)  # 14:00 in Brussels


def _moment(language: str, before: timedelta = timedelta(0)) -> str:
    return weekday_date_time(_AT - before, language)


_VALUES: dict[str, Any] = {
    "name": _PERSON,
    "member_name": _PERSON,
    "coop_name": "SmartCoop SC",
    "shares": 1,
    "held": 3,
    "share_class": "A",
    "amount_cents": 3000,
    "paid_cents": 0,
    "repayment_cents": 3000,
    "total_cents": 121000,
    "gross_cents": 100000,
    "budget_cents": 5000000,
    "proposed_cents": 4500000,
    "iban": "BE71096123456769",
    "bic": "GKCCBEBB",
    "communication": "+++090/9337/55493+++",
    "member_number": "M-000123",
    "giver": "M-000045",
    "receiver": "M-000123",
    "questions": "backoffice@smart.coop",
    "vote_url": "https://vote.smart.coop/b",
    "receipts_url": "https://vote.smart.coop/receipts/3",
    "verifier_url": "https://vote.smart.coop/verify/3",
    "ui_url": "https://backoffice.smart.coop",
    "seal": "3f5a9c0e1b2d4f6a",
    "a1": True,
    "company": False,
    "outcome": "refused",
    "retention": True,
    "reason": "—",
    "checks": ["share_covers_work_years", "declared_before_work"],
    "message": "—",
    "failures": 5,
    "until": "14:30",
    "login": "j.peeters",
    "hours": 48,
    "seq": 1,
    "key": "contract:12",
    "flow_run_id": "5c1e",
    "application_id": 42,
    "report_id": 7,
    "declaration_id": 311,
    "invoice_number": "F2027-0000123",
    "number": "NC2027-0000012",
    "reference": "G-2027-014",
    "call_id": 3,
    "requested_at": "2027-06-01",
    "link": "https://my.smart.coop/link/q8Vd2m",
    "minutes": 15,
}
_DAY = "2027-12-01"  # the first of a month: French writes '1er'
_DATE_KEYS = (
    "due_on", "deadline", "closes_on", "waiting_since", "subscribed_on", "effective_on",
    "next_possible", "restriction_on", "first_day", "last_day", "issued_on",
)  # fmt: skip


def _by_language(language: str) -> dict[str, Any]:
    titles = {
        "fr": "Assemblée générale ordinaire 2027",
        "nl": "Gewone algemene vergadering 2027",
        "de": "Ordentliche Generalversammlung 2027",
        "en": "Ordinary general assembly 2027",
    }
    places = dict.fromkeys(("fr", "nl", "de", "en"), "Rue Coenraets 72, 1060 Saint-Gilles")
    return {
        "title": titles[language],
        "place": places[language],
        "online_link": "https://visio.smart.coop/ag-2027",
        "meeting": _moment(language),
        "opens": _moment(language, before=timedelta(days=18, hours=3)),
        "closes": _moment(language, before=timedelta(hours=2)),
        "summary": "—",
        "call": "—",
        "function": "—",
        "client_name": "Klang & Bühne GmbH",
        "question": "—",
    }


def variables(name: str, language: str) -> set[str]:
    source = (EMAILS_DIR / f"{name}.{language}.j2").read_text(encoding="utf-8")
    return meta.find_undeclared_variables(environment(language).parse(source))


def names() -> list[str]:
    return sorted({p.name.split(".")[0] for p in EMAILS_DIR.glob("*.j2")})


def sample(name: str, language: str, /, **overrides: Any) -> dict[str, Any]:
    """A context for `name` in `language`: every variable its template uses (`overrides`
    replace or add values, e.g. name=..., company=True)."""
    values = {**_VALUES, **{key: _DAY for key in _DATE_KEYS}, **_by_language(language)}
    context = {key: values[key] for key in variables(name, language) if key in values}
    missing = variables(name, language) - set(values) - {"opens"}
    if missing:
        raise KeyError(f"no sample value for {sorted(missing)} in {name}.{language}.j2")
    context.update(overrides)
    return context
