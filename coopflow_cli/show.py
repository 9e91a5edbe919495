"""How the CLI shows figures to staff: euros not cents, Brussels time, tables not reprs.

Kept free of the services and of Prefect so that `coop --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table

BRUSSELS = ZoneInfo("Europe/Brussels")


def euros(cents: int) -> str:
    """`123456` → `1,234.56 EUR` (integer arithmetic: no float rounding)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{rest:02d} EUR"


def brussels(moment: datetime) -> str:
    """A UTC moment as staff read it: `2026-12-01 10:30` in Europe/Brussels."""
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")


def label(key: str) -> str:
    """`chunks_done` → `chunks done`; `budget_cents` → `budget`."""
    return key.removesuffix("_cents").replace("_", " ")


def value(key: str, raw: object) -> str:
    """One figure as text: cents in euros, moments in Brussels time, lists joined."""
    if key.endswith("_cents") and isinstance(raw, int):
        return euros(raw)
    if isinstance(raw, datetime):
        return brussels(raw)
    if isinstance(raw, float):
        return f"{raw:.0%}" if key == "fraction" else f"{raw:,.2f}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        return f"{raw:,}"
    if isinstance(raw, list | tuple):
        return ", ".join(str(item) for item in raw) or "none"
    if isinstance(raw, Mapping):
        return ", ".join(f"{label(str(k))} {value(str(k), v)}" for k, v in raw.items())
    return "" if raw is None else str(raw)


def facts(title: str, figures: Mapping[str, object]) -> Table:
    """A two-column table of named figures (a summary, a progress, a flow's result)."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("figure", justify="right", overflow="fold")
    for key, raw in figures.items():
        table.add_row(label(key), value(key, raw))
    return table
