"""Cells for files meant for spreadsheets: member text never becomes a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ADDRESS_COLUMNS = ("member_number", "name", "street", "postcode", "city", "country", "language")


def formula_like(value: Any) -> bool:
    """Text a spreadsheet could run as a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, tab, CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe, which spreadsheets show as
    text; numbers and other text are unchanged. (XLSX cells use the quote-prefix style
    instead, see `formula_like`.)"""
    if formula_like(value):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    """`safe_cell` over a row."""
    return [safe_cell(v) for v in values]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file for spreadsheets: UTF-8 with the BOM they need to read accents, every
    member-provided cell made safe (`safe_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(safe_row(r) for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class Recipient(Protocol):
    """Someone a paper letter is written to."""

    @property
    def member_number(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def street(self) -> str: ...
    @property
    def postcode(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def language(self) -> str: ...


A = TypeVar("A", bound=Recipient)


def postal_csv(
    people: Iterable[A], extra_columns: Sequence[str], extra: Callable[[A], Sequence[Any]]
) -> bytes:
    """The addresses to write to, one line per person: the address columns, then
    `extra_columns` (their values from `extra`)."""
    rows = (
        (
            p.member_number,
            p.name,
            p.street,
            p.postcode,
            p.city,
            p.country,
            str(p.language),
            *extra(p),
        )
        for p in people
    )
    return csv_bytes((*ADDRESS_COLUMNS, *extra_columns), rows)
