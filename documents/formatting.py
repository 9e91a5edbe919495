"""Dates, money and numbers in the reader's language (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
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
    if str(language) == "fr" and value.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return text


def date_time(value: datetime, language: str) -> str:
    """A moment for people: Brussels time, medium format."""
    return format_datetime(
        value.astimezone(BRUSSELS), format="medium", tzinfo=BRUSSELS, locale=locale_for(language)
    )


def number(value: int | Decimal, language: str) -> str:
    return format_decimal(value, locale=locale_for(language))
