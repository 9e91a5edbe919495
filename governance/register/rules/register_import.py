"""Rules for taking over an existing register from a spreadsheet (CSV rows → checked facts).

Pure: rows in, either checked rows or every error as `line N: column: message` out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from governance.kernel.rules.enums import MemberKind
from governance.kernel.rules.errors import RuleViolation

# Member columns, problems and dates are checked as in every member import (shared helpers).
from governance.kernel.rules.import_rows import ImportProblem as ImportProblem  # re-exported
from governance.kernel.rules.import_rows import check_member_columns, iso_date
from governance.kernel.rules.import_rows import header_problems as common_header_problems

COLUMNS = (
    "member_ref", "kind", "first_name", "last_name", "company_name", "company_number", "email",
    "language", "office", "street", "postcode", "city", "country", "share_class", "shares",
    "paid_cents", "subscribed_on", "paid_on",
)  # fmt: skip
MEMBER_COLUMNS = COLUMNS[1:13]


class RegisterImportRejected(RuleViolation):
    """The file has errors; nothing was imported."""

    code = "register_import_rejected"

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} error(s); nothing was imported", field="file")
        self.problems = problems


@dataclass(frozen=True)
class ClassRule:
    nominal_cents: int
    minimum_shares: int
    allowed_kinds: tuple[MemberKind, ...]


@dataclass(frozen=True)
class ImportRow:
    line: int
    member_ref: str
    member: dict[str, str | None]  # Member columns, normalised
    share_class: str
    shares: int
    paid_cents: int
    subscribed_on: date
    paid_on: date | None

    @property
    def issued(self) -> bool:
        return self.paid_on is not None


def check_row(
    line: int, raw: Mapping[str, str | None], classes: Mapping[str, ClassRule]
) -> tuple[ImportRow | None, list[ImportProblem]]:
    """Validate one CSV row; returns the checked row or its problems (all of them)."""
    problems: list[ImportProblem] = []
    value = {c: (raw.get(c) or "").strip() for c in COLUMNS}

    def bad(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    if not value["member_ref"]:
        bad("member_ref", "is empty")
    elif len(value["member_ref"]) > 40:
        bad("member_ref", "is longer than 40 characters")
    member = check_member_columns(value, bad)
    kind = MemberKind(member["kind"]) if member["kind"] else None
    rule = classes.get(value["share_class"].upper())
    if rule is None:
        bad(
            "share_class",
            f"'{value['share_class']}' is not a share class of the statutes ({', '.join(classes)})",
        )
    elif kind is not None and kind not in rule.allowed_kinds:
        bad("share_class", f"class {value['share_class']} is not open to a {kind.value}")
    shares = _int(value["shares"], "shares", bad, minimum=1)
    if rule is not None and shares is not None and shares < rule.minimum_shares:
        bad("shares", f"at least {rule.minimum_shares} share(s) per subscription")
    paid = _int(value["paid_cents"], "paid_cents", bad, minimum=0)
    subscribed_on, paid_on = _dates(value, bad)
    if rule is not None and shares is not None and paid is not None:
        due = shares * rule.nominal_cents
        if value["paid_on"] and paid != due:
            bad(
                "paid_cents",
                f"issued shares must be fully paid: {shares} × "
                f"{rule.nominal_cents} = {due}, not {paid}",
            )
        elif not value["paid_on"] and paid >= due:
            bad("paid_on", "shares fully paid need their payment date")
    if problems:
        return None, problems
    assert shares is not None and paid is not None and subscribed_on is not None
    return ImportRow(
        line,
        value["member_ref"],
        member,
        value["share_class"].upper(),
        shares,
        paid,
        subscribed_on,
        paid_on,
    ), []


def _dates(
    value: Mapping[str, str], bad: Callable[[str, str], None]
) -> tuple[date | None, date | None]:
    """The subscription date and the payment date (empty: not paid), the payment not before."""
    subscribed_on = paid_on = None
    try:
        subscribed_on = iso_date(value["subscribed_on"])
    except ValueError:
        bad("subscribed_on", f"'{value['subscribed_on']}' is not a date YYYY-MM-DD")
    if value["paid_on"]:
        try:
            paid_on = iso_date(value["paid_on"])
        except ValueError:
            bad("paid_on", f"'{value['paid_on']}' is not a date YYYY-MM-DD (or empty)")
    if paid_on and subscribed_on and paid_on < subscribed_on:
        bad("paid_on", "is before subscribed_on")
    return subscribed_on, paid_on


def _int(raw: str, column: str, bad: Callable[[str, str], None], minimum: int) -> int | None:
    if not (raw.isascii() and raw.isdigit()):
        bad(column, f"'{raw}' is not a whole number")
        return None
    number = int(raw)
    if number < minimum:
        bad(column, f"must be at least {minimum}")
        return None
    return number


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, str | None]]], classes: Mapping[str, ClassRule]
) -> list[ImportRow]:
    """Validate every row and the file as a whole; raise with every problem found."""
    problems: list[ImportProblem] = []
    checked: list[ImportRow] = []
    seen: dict[tuple[str, str, int, date], int] = {}
    member_data: dict[str, tuple[int, dict[str, str | None]]] = {}
    companies: dict[str, tuple[int, str]] = {}
    for line, raw in rows:
        row, row_problems = check_row(line, raw, classes)
        problems.extend(row_problems)
        if row is None:
            continue
        key = (row.member_ref, row.share_class, row.shares, row.subscribed_on)
        if key in seen:
            problems.append(ImportProblem(line, "member_ref", f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        first = member_data.setdefault(row.member_ref, (line, row.member))
        if first[1] != row.member:
            differing = next(c for c in MEMBER_COLUMNS if first[1].get(c) != row.member.get(c))
            problems.append(
                ImportProblem(
                    line,
                    differing,
                    f"member {row.member_ref} has different details on line {first[0]}",
                )
            )
            continue
        number = row.member["company_number"]
        if number:
            other = companies.setdefault(number, (line, row.member_ref))
            if other[1] != row.member_ref:
                problems.append(
                    ImportProblem(
                        line,
                        "company_number",
                        f"enterprise number already used by member {other[1]} (line {other[0]})",
                    )
                )
                continue
        checked.append(row)
    if problems:
        raise RegisterImportRejected(sorted(problems, key=lambda p: p.line))
    return checked


def header_problems(header: list[str] | None) -> list[ImportProblem]:
    """The header row must name every column (extra columns are refused too)."""
    return common_header_problems(header, COLUMNS)
