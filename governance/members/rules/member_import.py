"""Members of the old system taken over from a CSV file (before they hold a share).

Pure: rows in, checked rows or every problem as `line N: column: message` out. The national
number is checked here and travels only in memory: the service encrypts it and keeps a keyed
hash; no message ever repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from governance.kernel.rules import identifiers
from governance.kernel.rules.enums import MemberKind
from governance.kernel.rules.import_rows import (
    MEMBER_COLUMNS,
    ImportProblem,
    ImportRejected,
    check_member_columns,
    clean_row,
    header_problems,
    iso_date,
)

REQUIRED = ("member_ref", *MEMBER_COLUMNS)
OPTIONAL = ("national_number", "birth_date", "phone", "iban")
COLUMNS = REQUIRED + OPTIONAL


class MemberImportRejected(ImportRejected):
    code = "member_import_rejected"


@dataclass(frozen=True)
class MemberRow:
    line: int
    member_ref: str
    member: dict[str, str | None]  # Member columns, normalised
    birth_date: date | None
    national_number: str | None = None  # 11 digits, in memory only

    def __repr__(self) -> str:  # never print the national number
        return f"MemberRow(line={self.line}, member_ref={self.member_ref!r})"


def _national_number(raw: str, bad: object) -> str | None:
    assert callable(bad)
    try:
        return identifiers.national_number(raw)
    except identifiers.InvalidIdentifier as exc:
        bad("national_number", exc.message)  # identifier messages never repeat the number
        return None


def check_row(
    line: int, raw: Mapping[str, str | None]
) -> tuple[MemberRow | None, list[ImportProblem]]:
    """Validate one row; returns the checked row or all its problems."""
    problems: list[ImportProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    value = clean_row(raw, COLUMNS)
    if not value["member_ref"]:
        bad("member_ref", "is empty")
    elif len(value["member_ref"]) > 40:
        bad("member_ref", "is longer than 40 characters")
    member = check_member_columns(value, bad)
    birth_date = None
    if value["birth_date"]:
        try:
            birth_date = iso_date(value["birth_date"])
        except ValueError:
            bad("birth_date", f"'{value['birth_date']}' is not a date YYYY-MM-DD (or empty)")
    nn = None
    if value["national_number"]:
        if member["kind"] == MemberKind.COMPANY:
            bad("national_number", "a company has no national number (leave it empty)")
        else:
            nn = _national_number(value["national_number"], bad)
            if nn and birth_date:
                try:
                    identifiers.check_birth_date_matches(nn, birth_date)
                except identifiers.InvalidIdentifier:
                    bad("birth_date", "does not match the birth date in the national number")
    member["phone"] = value["phone"] or None
    if len(value["phone"]) > 40:
        bad("phone", "is longer than 40 characters")
    member["iban"] = None
    if value["iban"]:
        try:
            member["iban"] = identifiers.iban(value["iban"], "iban")
        except identifiers.InvalidIdentifier as exc:
            bad("iban", exc.message)
    if problems:
        return None, problems
    return MemberRow(line, value["member_ref"], member, birth_date, nn), []


def check_rows(
    header: list[str] | None, rows: Iterable[tuple[int, Mapping[str, str | None]]]
) -> list[MemberRow]:
    """Validate the header, every row, and duplicates across the file; raise with all problems."""
    problems = header_problems(header, REQUIRED, OPTIONAL)
    if problems:
        raise MemberImportRejected(problems)
    checked: list[MemberRow] = []
    refs: dict[str, int] = {}
    people: dict[str, int] = {}
    companies: dict[str, int] = {}
    for line, raw in rows:
        row, row_problems = check_row(line, raw)
        problems.extend(row_problems)
        if row is None:
            continue
        first = refs.setdefault(row.member_ref, line)
        if first != line:
            problems.append(ImportProblem(line, "member_ref", f"duplicate of line {first}"))
            continue
        if row.national_number:
            other = people.setdefault(row.national_number, line)
            if other != line:
                problems.append(
                    ImportProblem(line, "national_number", f"same person as on line {other}")
                )
                continue
        number = row.member["company_number"]
        if number and row.member["kind"] == MemberKind.COMPANY:
            other = companies.setdefault(number, line)
            if other != line:
                problems.append(
                    ImportProblem(line, "company_number", f"same enterprise as on line {other}")
                )
                continue
        checked.append(row)
    if problems:
        raise MemberImportRejected(problems)
    return checked
