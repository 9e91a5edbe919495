"""The legal register as an XLSX workbook: one sheet per class, the classes, the transfers.

Cell text that a spreadsheet could run as a formula (starting with = + - @, tab or CR) is
written as an inline string with the "quote prefix" style: shown as text, never evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from documents.spreadsheet import formula_like
from documents.template_sources.register_extract import WORDS
from governance.register.rules.extract import Extract


def _put(ws: Any, row: int, col: int, value: object, bold: bool = False) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"  # a string, not a formula
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)


def _plain(template_text: str, extract: Extract) -> str:
    return template_text.replace("{{ as_at|date }}", extract.as_at.isoformat())


def workbook_bytes(extract: Extract, coop_name: str, language: str = "en") -> bytes:
    """The register extract as XLSX bytes (money in euros with two decimals)."""
    words = WORDS[language]
    title, _classes, _holders, transfers_title, h_class, h_row, h_transfer = words[:7]
    wb = Workbook(write_only=False)
    summary = wb.active
    assert summary is not None
    summary.title = "Classes"
    _put(summary, 1, 1, f"{coop_name} — {_plain(title, extract)}", bold=True)
    _put(summary, 2, 1, f"voting: {extract.voting}; transfers: {extract.transfer_rule}")
    _put(summary, 3, 1, f"last entry no. {extract.last_sequence}")
    _put_table(
        summary,
        5,
        h_class,
        [
            (c.share_class, c.label, c.nominal_cents / 100, c.holders, c.shares, c.paid_cents / 100)
            for c in extract.classes
        ],
    )
    for klass in extract.classes:
        ws = wb.create_sheet(f"Class {klass.share_class}")
        _put(ws, 1, 1, f"{_plain(title, extract)} — {klass.share_class} ({klass.label})", bold=True)
        rows = [
            (
                r.share_class,
                r.number,
                r.name,
                r.address,
                r.company_number,
                r.shares,
                r.paid_cents / 100,
            )
            for r in extract.rows
            if r.share_class == klass.share_class
        ]
        _put_table(ws, 3, h_row, rows)
    ws = wb.create_sheet("Transfers")
    _put(ws, 1, 1, transfers_title, bold=True)
    transfers = [
        (t.on, t.share_class, t.shares, t.giver, t.receiver, t.sequence) for t in extract.transfers
    ]
    _put_table(ws, 3, h_transfer, transfers)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _put_table(ws: Any, top: int, heads: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A header row in bold at `top`, the rows below it."""
    for col, head in enumerate(heads, start=1):
        _put(ws, top, col, head, bold=True)
    for r, values in enumerate(rows, start=top + 1):
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
