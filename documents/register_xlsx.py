"""The legal register as an XLSX workbook: one sheet per class, the classes, the transfers.

Cell text that a spreadsheet could run as a formula (starting with = + - @, tab or CR) is
written as an inline string with the "quote prefix" style: shown as text, never evaluated.
"""

from __future__ import annotations

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
    for col, head in enumerate(h_class, start=1):
        _put(summary, 5, col, head, bold=True)
    for r, c in enumerate(extract.classes, start=6):
        for col, value in enumerate(
            (
                c.share_class,
                c.label,
                c.nominal_cents / 100,
                c.holders,
                c.shares,
                c.paid_cents / 100,
            ),
            start=1,
        ):
            _put(summary, r, col, value)
    for klass in extract.classes:
        ws = wb.create_sheet(f"Class {klass.share_class}")
        _put(ws, 1, 1, f"{_plain(title, extract)} — {klass.share_class} ({klass.label})", bold=True)
        for col, head in enumerate(h_row, start=1):
            _put(ws, 3, col, head, bold=True)
        r = 4
        for row in extract.rows:
            if row.share_class != klass.share_class:
                continue
            for col, value in enumerate(
                (
                    row.share_class,
                    row.number,
                    row.name,
                    row.address,
                    row.company_number,
                    row.shares,
                    row.paid_cents / 100,
                ),
                start=1,
            ):
                _put(ws, r, col, value)
            r += 1
    ws = wb.create_sheet("Transfers")
    _put(ws, 1, 1, transfers_title, bold=True)
    for col, head in enumerate(h_transfer, start=1):
        _put(ws, 3, col, head, bold=True)
    for r, t in enumerate(extract.transfers, start=4):
        for col, value in enumerate(
            (t.on, t.share_class, t.shares, t.giver, t.receiver, t.sequence), start=1
        ):
            _put(ws, r, col, value)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
