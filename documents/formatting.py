"""Dates, money and numbers in the reader's language (Babel)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from governance.clock import BRUSSELS

LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE", "en": "en_IE"}


def locale_for(language: str) -> str:
    return LOCALES[str(language)]


def money(cents: int, language: str, currency: str = "EUR") -> str:
    """1234567 → '12 345,67 €' (fr), '€ 12.345,67' (nl)..."""
    return format_currency(Decimal(cents) / 100, currency, locale=locale_for(language))


def long_date(value: date, language: str) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(BRUSSELS).date()
    text = format_date(value, format="long", locale=locale_for(language))
    return _first_of_month(text, value, language)


def date_time(value: datetime, language: str) -> str:
    """A moment for people: Brussels time, with its weekday and without seconds
    ('samedi 19 juin 2027 à 14:00')."""
    return weekday_date_time(value, language)


def number(value: int | Decimal, language: str) -> str:
    return format_decimal(value, locale=locale_for(language))


def plural(count: int, forms: dict[str, str], language: str) -> str:
    """The form of `forms` that the language's CLDR plural rules give `count`, with `{n}`
    replaced by the count in the language's digits: plural(2, {"one": "{n} part",
    "other": "{n} parts"}, "fr") → '2 parts'; French 0 and 1 take "one". A category the
    caller did not give (e.g. French "many") falls back to "other"."""
    category = Locale.parse(locale_for(language)).plural_form(count)
    form = forms.get(category) or forms["other"]
    return form.replace("{n}", number(count, language))


def plural_filter(language: str) -> Callable[[int, str, str], str]:
    """The Jinja filter `{{ shares|plural("part", "parts") }}` → '1 part' / '3 parts'."""

    def _filter(count: int, one: str, other: str) -> str:
        return plural(int(count), {"one": "{n} " + one, "other": "{n} " + other}, language)

    return _filter


_GREETING = {"fr": "Bonjour", "nl": "Beste", "de": "Guten Tag", "en": "Dear"}
_TO_A_COMPANY = {
    "fr": "Madame, Monsieur,",
    "nl": "Geachte heer, mevrouw,",
    "de": "Sehr geehrte Damen und Herren,",
    "en": "Dear Sir or Madam,",
}


def salutation(name: str, language: str, *, company: bool = False) -> str:
    """The opening line of a letter or e-mail: a person by full name, with no guess at a
    gender ('Bonjour Amélie Lefèvre,'); a company, or no name at all, the formal plural
    ('Madame, Monsieur,')."""
    name = " ".join(str(name).split())
    if company or not name:
        return _TO_A_COMPANY[str(language)]
    return f"{_GREETING[str(language)]} {name},"


def weekday_date(value: date, language: str) -> str:
    """A day with its weekday: 'mercredi 1er décembre 2027', 'woensdag 1 december 2027'."""
    if isinstance(value, datetime):
        value = value.astimezone(BRUSSELS).date()
    text = format_date(value, format="full", locale=locale_for(language))
    return _first_of_month(text, value, language)


def weekday_date_time(value: datetime, language: str) -> str:
    """A moment with its weekday, Brussels time, no seconds: 'samedi 19 juin 2027 à 14:00',
    'Samstag, 19. Juni 2027 um 14:00'."""
    local = value.astimezone(BRUSSELS)
    day = weekday_date(local.date(), language)
    clock = format_time(local, format="HH:mm", locale=locale_for(language))
    return _AT[str(language)].format(day=day, time=clock)


_AT = {
    "fr": "{day} à {time}",
    "nl": "{day} om {time}",
    "de": "{day} um {time} Uhr",
    "en": "{day} at {time}",
}


def _first_of_month(text: str, value: date, language: str) -> str:
    """French writes the first day of a month as an ordinal: 'le 1er décembre'."""
    if str(language) == "fr" and value.day == 1:
        return re.sub(r"(?<!\d)1 ", "1er ", text, count=1)
    return text


def group_iban(iban: str) -> str:
    """'BE71096123456769' → 'BE71 0961 2345 6769' (as printed on paper)."""
    compact = "".join(str(iban).split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def structured(communication: str) -> str:
    """Any spelling of a structured communication → '+++123/4567/89012+++' (12 digits)."""
    digits = re.sub(r"\D", "", str(communication))
    if len(digits) != 12:
        return str(communication)
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def percent(value: float | Decimal, language: str) -> str:
    """A percentage with one decimal, as the language writes it: '66,7 %' (fr), '66.7 %' (en)."""
    return format_decimal(value, format="#,##0.0", locale=locale_for(language)) + "\u00a0%"


def vat_number(value: str) -> str:
    """A VAT number as printed: 'BE0896755397' → 'BE 0896.755.397'; another country's
    'FR40303265045' → 'FR 40303265045' (its own grouping is not ours to guess)."""
    compact = "".join(str(value).split()).replace(".", "").upper()
    if len(compact) < 3 or not compact[:2].isalpha():
        return str(value)
    country, rest = compact[:2], compact[2:]
    if country == "BE" and rest.isdigit() and len(rest) in (9, 10):
        rest = rest.zfill(10)
        return f"BE {rest[:4]}.{rest[4:7]}.{rest[7:]}"
    return f"{country} {rest}"


def enterprise_number(value: str) -> str:
    """A Belgian enterprise number as printed: '0403019261' → '0403.019.261'."""
    digits = "".join(c for c in str(value) if c.isdigit())
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        return str(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
