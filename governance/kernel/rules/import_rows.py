"""Shared checks for CSV imports of member data (register import, member import).

Pure: values in, normalised values or `line N: column: message` problems out. A file is
imported all or nothing: the caller collects every problem of every row before writing.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from governance.kernel.rules import identifiers
from governance.kernel.rules.enums import Language, MemberKind, Office
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.text import text_problem

MAX_CELL_CHARS = 10_000  # far above any column's limit; a longer cell is an error, not a crash

# The member columns both imports share, in file order.
MEMBER_COLUMNS = (
    "kind", "first_name", "last_name", "company_name", "company_number", "email",
    "language", "office", "street", "postcode", "city", "country",
)  # fmt: skip

OFFICE_ALIASES = {
    "brussel": "bruxelles", "brussels": "bruxelles", "brussel-bruxelles": "bruxelles",
    "antwerp": "antwerpen", "anvers": "antwerpen", "gand": "gent", "ghent": "gent",
    "courtrai": "kortrijk", "luik": "liege", "lüttich": "liege", "luttich": "liege",
    "bergen": "mons", "namen": "namur", "doornik": "tournai",
}  # fmt: skip


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


class ImportRejected(RuleViolation):
    """The file has errors; nothing was imported."""

    code = "import_rejected"

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} error(s); nothing was imported", field="file")
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))


Bad = Callable[[str, str], None]


def office_from_text(raw: str) -> Office:
    """An office from its code or its name in fr/nl/de/en, accents and case ignored."""
    plain = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower().strip()
    return Office(OFFICE_ALIASES.get(plain, plain))


def iso_date(raw: str) -> date:
    """A YYYY-MM-DD date (ValueError otherwise)."""
    if len(raw) != 10:
        raise ValueError(raw)
    return date.fromisoformat(raw)


def header_problems(
    header: list[str] | None, required: Iterable[str], optional: Iterable[str] = ()
) -> list[ImportProblem]:
    """The header must name every required column; unknown columns are refused."""
    if header is None:
        return [ImportProblem(1, "header", "the file is empty")]
    required = list(required)
    known = set(required) | set(optional)
    cleaned = [h.strip().lstrip("\ufeff") for h in header]
    out = [
        ImportProblem(1, c, "column missing from the header") for c in required if c not in cleaned
    ]
    out += [ImportProblem(1, c or "(empty)", "unknown column") for c in cleaned if c not in known]
    return out


@dataclass
class CsvFile:
    """A CSV text read the way staff save it: UTF-8 with or without BOM, separated by commas or
    semicolons (Belgian spreadsheets), header names trimmed. Cells are read by the same trimmed
    names the header check accepts. Problems of the file itself (a control character, a cell
    too long, extra cells) go to `problems`, as `line N: column: message`, and their row is left
    out: the import then refuses the file with every problem."""

    text: str
    header: list[str] | None = None
    delimiter: str = ","
    problems: list[ImportProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = self.text.lstrip("\ufeff")
        first_line = self.text.split("\n", 1)[0]
        self.delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        self._reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        record = self._next()
        if record is not None:
            self.header = [cell.strip().lstrip("\ufeff").strip() for cell in record]

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:  # a cell past the csv module's limit, a broken quote
            message = (
                f"a cell is longer than {csv.field_size_limit()} characters: the file was not "
                "read past it"
                if "field larger than field limit" in str(exc)
                else f"the file cannot be read from here on ({exc})"
            )
            self.problems.append(ImportProblem(self._reader.line_num, "(file)", message))
            return None

    def rows(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        """Each data row with the line number where it ends in the file."""
        header = self.header or []
        while (record := self._next()) is not None:
            if not record:
                continue  # a blank line
            line = self._reader.line_num
            if len(record) > len(header):
                self.problems.append(ImportProblem(line, "(row)", "more cells than columns"))
                continue
            problems = [
                ImportProblem(line, column, problem)
                for column, cell in zip(header, record, strict=False)
                if (problem := cell_problem(cell))
            ]
            if problems:
                self.problems.extend(problems)
                continue
            yield line, {column: cell for column, cell in zip(header, record, strict=False)}


def cell_problem(cell: str) -> str | None:
    """Why one cell cannot be imported: too long, or a control character / line break."""
    if len(cell) > MAX_CELL_CHARS:
        return f"is longer than {MAX_CELL_CHARS} characters"
    return text_problem(cell.strip(), one_line=True)


def clean_row(raw: Mapping[str, str | None], columns: Iterable[str]) -> dict[str, str]:
    """Every column stripped, a missing optional column read as empty."""
    return {c: (raw.get(c) or "").strip() for c in columns}


def check_member_columns(value: Mapping[str, str], bad: Bad) -> dict[str, str | None]:
    """Check and normalise the member columns of one row; problems go to `bad(column, msg)`."""
    member: dict[str, str | None] = {}
    kind: MemberKind | None
    try:
        kind = MemberKind(value["kind"].lower())
    except ValueError:
        bad("kind", f"'{value['kind']}' is not person or company")
        kind = None
    member["kind"] = kind.value if kind else None
    for column, size in (("first_name", 120), ("last_name", 120), ("company_name", 200),
                         ("street", 200), ("postcode", 12), ("city", 120)):  # fmt: skip
        if len(value[column]) > size:
            bad(column, f"is longer than {size} characters")
        member[column] = value[column] or None
    if kind is MemberKind.PERSON and not value["last_name"]:
        bad("last_name", "a person needs a last name")
    member["company_number"] = None
    if kind is MemberKind.COMPANY:
        if not value["company_name"]:
            bad("company_name", "a company needs its name")
        if not value["company_number"]:
            bad("company_number", "a company needs its enterprise (BCE/KBO) number")
    if value["company_number"]:
        try:
            member["company_number"] = identifiers.enterprise_number(value["company_number"])
        except identifiers.InvalidIdentifier as exc:
            bad("company_number", exc.message)
    member["email"] = None
    if value["email"]:
        try:
            member["email"] = identifiers.email(value["email"])
        except identifiers.InvalidIdentifier as exc:
            bad("email", exc.message)
    member["language"] = None
    try:
        member["language"] = Language(value["language"].lower()).value
    except ValueError:
        bad("language", f"'{value['language']}' is not one of fr, nl, de, en")
    member["office"] = None
    try:
        member["office"] = office_from_text(value["office"]).value
    except ValueError:
        bad(
            "office",
            f"'{value['office']}' is not one of the offices ({', '.join(o.value for o in Office)})",
        )
    country = value["country"].upper() or "BE"
    if len(country) != 2 or not country.isalpha():
        bad("country", f"'{value['country']}' is not a two-letter country code (BE, FR...)")
    member["country"] = country
    return member
