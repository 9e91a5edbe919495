"""Cells for files meant for spreadsheets: member text never becomes a formula."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text starting like a formula (`=HYPERLINK(...)`, `+`, `-`, `@`) gets a leading
    apostrophe, which spreadsheets show as text; numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    """`safe_cell` over a row."""
    return [safe_cell(v) for v in values]
