"""Hostile files and forms seen in a security pass: control characters, line breaks in names,
Unicode digits, a 10 MB cell, a header with spaces, a semicolon-separated file. Each is refused
with `line N: column: message` (nothing written, no traceback) or read correctly, for both
imports; runs on PostgreSQL too (COOP_TEST_DATABASE_URL), where a NUL crashed the import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.import_rows import ImportProblem
from governance.members.rules.member_import import MemberImportRejected
from governance.members.use_cases import member_import
from governance.register.rules.register_import import COLUMNS as REGISTER_COLUMNS
from governance.register.rules.register_import import RegisterImportRejected
from governance.register.use_cases import register_import


@dataclass(frozen=True)
class Import:
    name: str
    columns: tuple[str, ...]
    good: tuple[str, ...]  # one cell per column
    run: Callable[[str], int]
    rejected: type[Exception]


def _register(text: str) -> int:
    with UnitOfWork() as uow:
        summary = register_import.import_register(uow.session, text, actor=Actor.staff("anna"))
        uow.commit()
    return summary.members


def _members(text: str) -> int:
    with UnitOfWork() as uow:
        return member_import.import_members(uow, text, actor=Actor.staff("anna")).imported


REGISTER = Import(
    "register import", REGISTER_COLUMNS,
    ("P1", "person", "Zoë", "Wéry", "", "", "zoe@example.org", "fr", "Liège", "Rue Haute 1",
     "4000", "Liège", "BE", "A", "2", "6000", "2019-05-02", "2019-05-03"),
    _register, RegisterImportRejected,
)
MEMBERS = Import(
    "member import",
    ("member_ref", "kind", "first_name", "last_name", "company_name", "company_number", "email",
     "language", "office", "street", "postcode", "city", "country", "national_number",
     "birth_date"),
    ("A1", "person", "Zoë", "Wéry", "", "", "zoe@example.org", "fr", "Liège", "Rue Haute 1",
     "4000", "Liège", "BE", "85.07.30-033.28", "1985-07-30"),
    _members, MemberImportRejected,
)
IMPORTS = pytest.mark.parametrize("imp", [REGISTER, MEMBERS], ids=lambda i: i.name)


def _csv(imp: Import, changes: dict[str, str] | None = None, sep: str = ",") -> str:
    row = dict(zip(imp.columns, imp.good, strict=True)) | (changes or {})
    cells = ['"' + v.replace('"', '""') + '"' if any(c in v for c in '",;\r\n') else v
             for v in row.values()]
    return sep.join(imp.columns) + "\n" + sep.join(cells) + "\n"


def _refused(imp: Import, text: str) -> list[str]:
    with pytest.raises(imp.rejected) as caught:  # a clear refusal, not a traceback
        imp.run(text)
    problems: list[ImportProblem] = caught.value.problems  # type: ignore[attr-defined]
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 0
    return [str(p) for p in problems]


@IMPORTS
@pytest.mark.parametrize(("column", "value", "expected"), [
    ("last_name", "Wé\x00ry", "line 2: last_name: contains a control character (position 3)"),
    ("street", "Rue\x1b[2J Haute", "line 2: street: contains a control character (position 4)"),
    ("first_name", "Zoë\r\nBcc: all@example.org",
     "line 3: first_name: contains a line break (position 4): keep it on one line"),
    ("city", "Liège\u2028Bruxelles",
     "line 2: city: contains a line break (position 6): keep it on one line"),
    ("last_name", "Zoë\u202eyréW",
     "line 2: last_name: contains an invisible text-direction control (position 4)"),
], ids=["NUL", "escape sequence", "CRLF", "U+2028", "right-to-left override"])
def test_control_characters_and_line_breaks_are_refused_by_line_and_column(
    coop_env, faults_report, imp, column, value, expected
) -> None:  # type: ignore[no-untyped-def]
    problems = _refused(imp, _csv(imp, {column: value}))
    assert problems == [expected]
    faults_report.add(f"hostile file: {value[:12]!r} in {column} ({imp.name})", attempts=1,
                      faults=1, outcome=f"refused: {expected}; nothing written")


def test_a_unicode_digit_in_a_number_cell_is_a_clear_error(coop_env, faults_report) -> None:  # type: ignore[no-untyped-def]
    problems = _refused(REGISTER, _csv(REGISTER, {"shares": "²", "paid_cents": "6000"}))
    assert "line 2: shares: '²' is not a whole number" in problems
    faults_report.add("hostile file: '²' in shares (register import)", attempts=1, faults=1,
                      outcome="refused: line 2: shares: '²' is not a whole number")


@IMPORTS
def test_a_10_mb_cell_is_a_clear_error(coop_env, faults_report, imp) -> None:  # type: ignore[no-untyped-def]
    problems = _refused(imp, _csv(imp, {"street": "x" * 10_000_000}))
    assert problems == ["line 2: (file): a cell is longer than 131072 characters: the file was "
                        "not read past it"]
    medium = _refused(imp, _csv(imp, {"street": "x" * 20_000}))
    assert medium == ["line 2: street: is longer than 10000 characters"]
    faults_report.add(f"hostile file: a 10 MB cell ({imp.name})", attempts=2, faults=2,
                      outcome="refused: line 2: (file): a cell is longer than ...")


@IMPORTS
def test_a_header_with_a_space_after_each_comma_is_read_by_its_trimmed_names(
    coop_env, faults_report, imp
) -> None:  # type: ignore[no-untyped-def]
    assert imp.run(_csv(imp, sep=", ")) == 1
    with UnitOfWork() as uow:
        member = uow.session.scalars(select(Member)).one()
        assert (member.last_name, member.city, member.email) == ("Wéry", "Liège", "zoe@example.org")
    faults_report.add(f"file: header with ', ' ({imp.name})", attempts=1, faults=0,
                      outcome="read: 1 member imported with every cell")


@IMPORTS
def test_a_semicolon_separated_file_is_read(coop_env, faults_report, imp) -> None:  # type: ignore[no-untyped-def]
    assert imp.run(_csv(imp, {"street": "Rue Haute 1, boîte 2"}, sep=";")) == 1
    with UnitOfWork() as uow:
        assert uow.session.scalars(select(Member.street)).one() == "Rue Haute 1, boîte 2"
    faults_report.add(f"file: separated by ';' ({imp.name})", attempts=1, faults=0,
                      outcome="read: 1 member imported (separator detected)")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("last_name", "D'Hondt\x00", "contains a control character (position 8)"),
    ("first_name", "Zoë\nBcc: all@example.org", "contains a line break (position 4)"),
    ("street", "Rue\x07 Haute", "contains a control character (position 4)"),
], ids=["NUL", "LF", "BEL"])
def test_an_application_with_control_characters_is_refused_field_by_field(
    faults_report, field, value, message
) -> None:  # type: ignore[no-untyped-def]
    from onboarding_samples import person

    from governance.members.rules.application_form import InvalidApplication, parse_application

    with pytest.raises(InvalidApplication) as caught:
        parse_application(person(**{field: value}))
    assert any(e.field == field and e.message.startswith(message) for e in caught.value.errors)
    faults_report.add(f"hostile form: {value[:14]!r} in {field} (onboarding)", attempts=1,
                      faults=1, outcome=f"refused: {field}: {message}")


def test_staff_forms_and_flow_parameters_use_the_same_text_check(faults_report) -> None:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from flows.member_onboarding import ReviewInput
    from governance.assembly.use_cases.assembly import CandidateInput
    from governance.grants.use_cases.grant_reviews import ReviewerSpec

    with pytest.raises(ValidationError, match=r"contains a control character \(position 3\)"):
        ReviewInput(choice="reject", note="no\x00 thanks", staff="anna")
    assert ReviewInput(choice="reject", note="Dear applicant,\nno.", staff="anna",
                       one_time_code="123456").note
    with pytest.raises(ValidationError, match="contains a line break"):
        CandidateInput(id="C1", name="Zoë\r\nBcc: all@example.org")
    with pytest.raises(ValidationError, match="contains a control character"):
        ReviewerSpec(login="anna", name="Anna\x1b[2J", email="anna@example.org")
    faults_report.add("hostile form: NUL / CRLF / escape in staff forms and specs", attempts=4,
                      faults=3, outcome="refused by the same check; line breaks kept in notes")
