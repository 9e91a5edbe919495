"""`coop documents preview`: staff proofread a template as members will read it."""

from __future__ import annotations

import io

import docx
import pytest
from typer.testing import CliRunner

from coopflow_cli.main import app
from documents import pdf
from documents.proofread import Finding

runner = CliRunner()


def test_preview_writes_the_docx_and_reports_no_finding_on_a_clean_letter(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pdf, "available", lambda: False)  # the PDF part is tested below
    result = runner.invoke(app, ["documents", "preview", "welcome_letter", "--language", "nl",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = docx.Document(io.BytesIO((tmp_path / "welcome_letter.nl.docx").read_bytes()))
    assert any("Welkom bij SmartCoop SC" in p.text for p in document.paragraphs)
    assert "LibreOffice is not installed" in result.output


@pytest.mark.pdf
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_preview_gives_a_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["documents", "preview", "employment_contract", "-l", "de",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "employment_contract.de.pdf").read_bytes().startswith(b"%PDF-")


def test_preview_fails_on_findings_and_names_them(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pdf, "available", lambda: False)
    monkeypatch.setattr("documents.preview.proofread",
                        lambda text, language: [Finding("machine plural", "3 part(s)")])
    result = runner.invoke(app, ["documents", "preview", "welcome_letter", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "machine plural" in result.output


def test_an_unknown_template_lists_the_known_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["documents", "preview", "welcome", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "welcome_letter" in result.output and "employment_contract" in result.output
