"""Every template renders in every language, keeps member text literal, fails loudly."""

from __future__ import annotations

import io
from datetime import date

import docx
import jinja2
import pytest
from pydantic import BaseModel

from documents import pdf
from documents.contexts import Addressee, Coop, WelcomeLetter
from documents.render import LANGUAGES, render_docx

HOSTILE = "Zoë D'Hondt & Fils <SRL> {{ x }} {% if %}"
COOP = Coop(name="SmartCoop SC", address="Rue Coenraets 72, 1060 Saint-Gilles",
            enterprise_number="0896755397", iban="BE71096123456769", bic="GKCCBEBB")


def sample_contexts(language: str) -> dict[str, BaseModel]:
    """One sample context per template; each new template adds its own here."""
    return {
        "welcome_letter": WelcomeLetter(
            language=language, coop=COOP, today=date(2026, 11, 27),
            member=Addressee(name=HOSTILE, street="Kerkstraat 1", postcode="9000", city="Gent"),
            member_number="M0000042", office="Gent", share_class="A", shares=3,
            amount_cents=9000),
    }


KEY_TEXT = {
    "welcome_letter": {"fr": "Bienvenue chez SmartCoop SC", "nl": "Welkom bij SmartCoop SC",
                       "de": "Willkommen bei SmartCoop SC", "en": "Welcome to SmartCoop SC"},
}
AMOUNT = {"fr": "90,00\xa0€", "nl": "€\xa090,00", "de": "90,00\xa0€", "en": "€90.00"}


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].header.paragraphs)
    return "\n".join(parts)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(KEY_TEXT))
def test_every_template_renders_in_every_language(template: str, language: str) -> None:
    text = text_of(render_docx(template, language, sample_contexts(language)[template]))
    assert KEY_TEXT[template][language] in text
    assert HOSTILE in text  # member text comes out literally, not interpreted
    assert "{{" not in text.replace(HOSTILE, "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_amounts_and_dates_follow_the_language(language: str) -> None:
    text = text_of(render_docx("welcome_letter", language,
                               sample_contexts(language)["welcome_letter"]))
    assert AMOUNT[language] in text
    assert {"fr": "27 novembre 2026", "nl": "27 november 2026", "de": "27. November 2026",
            "en": "27 November 2026"}[language] in text


def test_a_missing_context_field_fails_loudly() -> None:
    class Incomplete(BaseModel):
        language: str = "fr"

    with pytest.raises(jinja2.UndefinedError):
        render_docx("welcome_letter", "fr", Incomplete())


@pytest.mark.pdf
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_the_pdf_path_gives_a_valid_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "letter.docx"
    source.write_bytes(render_docx("welcome_letter", "nl", sample_contexts("nl")["welcome_letter"]))
    result = pdf.convert([source], tmp_path / "out")
    data = result[source].read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
