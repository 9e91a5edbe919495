"""Injection: member text with Jinja, WordprocessingML, HTML and spreadsheet-formula payloads
comes out literally in documents, e-mails, the ballot page and spreadsheet exports."""

from __future__ import annotations

import csv
import io

import pytest
from test_contracts_bulk import text_of

from documents.authoring import all_sources
from documents.render import render_docx
from governance.clock import business_today

PAYLOAD = 'A{{ 7*7 }}{% if 1 %}B<w:t>C</w:t>=HYPERLINK("http://x")<script>alert(1)</script>'
SOURCES = {source.name: source for source in all_sources()}


def _with_payload(context):  # type: ignore[no-untyped-def]
    """Every free-text field of a sample context set to the payload (no validation)."""
    names = [name for name, value in context if isinstance(value, str)
             and name not in ("language", "lang") and not name.endswith(("_date", "_on", "_at"))]
    return context.model_copy(update={n: PAYLOAD for n in names}), names


@pytest.mark.parametrize("template", sorted(SOURCES))
def test_member_text_comes_out_literally_in_every_document(template: str, faults_report) -> None:  # type: ignore[no-untyped-def]
    sample = SOURCES[template].sample
    assert sample is not None
    context, fields = _with_payload(sample("fr"))
    try:
        text = text_of(render_docx(template, "fr", context))
    except Exception as exc:  # a field that is not free text (a code, a format): reported
        pytest.skip(f"{template}: the payload is not valid in every field ({type(exc).__name__})")
    found = text.count(PAYLOAD)
    assert found >= 1, f"{template}: the payload was changed or lost"
    faults_report.add(f"injection: document {template}", attempts=len(fields), faults=len(fields),
                      outcome=f"payload literal {found}x after reopening with python-docx")


def test_member_text_comes_out_literally_in_an_email(coop_env, mail_sink, faults_report) -> None:  # type: ignore[no-untyped-def]
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.enums import Language
    from governance.kernel.use_cases import outbox
    from tasks.mail import deliver_pending

    with UnitOfWork() as uow:
        outbox.enqueue(uow.session, key="inj:1", to="x@example.org", template="welcome",
                       language=Language.FR,
                       context={"name": PAYLOAD, "member_number": PAYLOAD, "coop_name": "Coop"})
        uow.commit()
    assert deliver_pending().sent == 1
    (message,) = mail_sink.parsed()
    plain = message.get_body(("plain",)).get_content()
    assert PAYLOAD in plain
    html = message.get_body(("html",))
    if html is not None:
        content = html.get_content()
        assert "<script>" not in content and "&lt;script&gt;" in content
    faults_report.add("injection: e-mail (plain + HTML)", attempts=1, faults=2,
                      outcome="plain text literal, HTML escaped"
                      + ("" if html is not None else " (no HTML part)"))


def test_member_text_is_escaped_on_the_ballot_page(coop_env, faults_report) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from coopflow_cli.ballot_web.app import create_app

    client = TestClient(create_app())
    page = client.post("/ballot", data={"code": PAYLOAD})
    assert page.status_code in (400, 429)
    assert "<script>alert(1)</script>" not in page.text and "<w:t>" not in page.text
    faults_report.add("injection: ballot page", attempts=1, faults=1,
                      outcome=f"HTTP {page.status_code}, payload escaped")


def test_a_formula_in_a_member_name_stays_text_in_the_postal_csv_exports(faults_report) -> None:  # type: ignore[no-untyped-def]
    """There is no XLSX export; the postal address files are CSV made for spreadsheets."""
    from documents.transition_docs import address_csv

    data = address_csv([("M1", '=HYPERLINK("http://x")', "+32 street", "-1", "@SUM(A1)",
                         "BE", "fr")]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    cells = rows[1]
    assert cells[1] == '\'=HYPERLINK("http://x")'
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    faults_report.add("injection: postal CSV export (for spreadsheets)", attempts=1, faults=4,
                      outcome="formula cells prefixed with ' (text); fixed in this branch")


def test_a_formula_in_a_member_name_is_a_string_cell_in_the_register_xlsx(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    """The register export (XLSX), reopened with openpyxl: the cell is text, not a formula."""
    register_xlsx = pytest.importorskip("documents.register_xlsx")

    import openpyxl
    from test_register_changes import holder

    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
    from governance.members.rules.members import MemberFacts
    from governance.members.use_cases import members
    from governance.register.queries import register_export

    formula = '=HYPERLINK("http://x","y")'

    def hostile_member() -> int:
        facts = MemberFacts(kind=MemberKind.PERSON, first_name=formula, last_name="<script>{{x}}",
                            language=Language.FR, office=Office.BRUXELLES, email="h@example.org",
                            street="@SUM(A1)", postcode="1000", city="+32 Bruxelles")
        with UnitOfWork() as uow:
            member = members.create_member(uow.session, facts, Actor.system("t"),
                                           MemberStatus.ACTIVE)
            uow.commit()
            return member.id

    holder(hostile_member, 2)
    with UnitOfWork() as uow:
        extract = register_export.extract(uow.session, business_today())
    data = register_xlsx.workbook_bytes(extract, "Coop", "en")
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells, "the member's name is in the export"
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows()
                   for c in row)
    faults_report.add("injection: register XLSX export", attempts=1, faults=4,
                      outcome=f"{len(cells)} cell(s) with the formula text, all strings, "
                              "0 formulas")
