"""Every template renders in every language, keeps member text literal, fails loudly."""

from __future__ import annotations

import io

import docx
import jinja2
import pytest
from pydantic import BaseModel

from documents import pdf
from documents.authoring import HOSTILE_TEXT, all_sources
from documents.render import LANGUAGES, TEMPLATES_DIR, render_docx

SOURCES = {source.name: source for source in all_sources()}
AMOUNT = {"fr": "90,00\xa0€", "nl": "€\xa090,00", "de": "90,00\xa0€", "en": "€90.00"}


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].header.paragraphs)
    return "\n".join(parts)


def test_every_source_has_a_sample_and_key_text_in_every_language() -> None:
    for source in SOURCES.values():
        assert source.sample is not None, source.name
        assert set(source.key_text) == set(LANGUAGES), source.name
        for language in LANGUAGES:
            assert (TEMPLATES_DIR / f"{source.name}.{language}.docx").exists()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(SOURCES))
def test_every_template_renders_in_every_language(template: str, language: str) -> None:
    source = SOURCES[template]
    assert source.sample is not None
    context = source.sample(language)
    text = text_of(render_docx(template, language, context))
    assert source.key_text[language] in text
    if HOSTILE_TEXT in context.model_dump_json():
        assert HOSTILE_TEXT in text  # member text comes out literally, not interpreted
    assert "{{" not in text.replace(HOSTILE_TEXT, "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_amounts_and_dates_follow_the_language(language: str) -> None:
    sample = SOURCES["welcome_letter"].sample
    assert sample is not None
    text = text_of(render_docx("welcome_letter", language, sample(language)))
    assert AMOUNT[language] in text
    assert {
        "fr": "27 novembre 2026",
        "nl": "27 november 2026",
        "de": "27. November 2026",
        "en": "27 November 2026",
    }[language] in text


def test_a_missing_context_field_fails_loudly() -> None:
    class Incomplete(BaseModel):
        language: str = "fr"

    with pytest.raises(jinja2.UndefinedError):
        render_docx("welcome_letter", "fr", Incomplete())


@pytest.mark.pdf
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_the_pdf_path_gives_a_valid_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sample = SOURCES["welcome_letter"].sample
    assert sample is not None
    source = tmp_path / "letter.docx"
    source.write_bytes(render_docx("welcome_letter", "nl", sample("nl")))
    result = pdf.convert([source], tmp_path / "out")
    data = result[source].read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_proxy_form_says_where_to_send_it_and_that_the_holder_votes_with_the_code(
    language: str,
) -> None:
    from documents.template_sources.assembly_proxy import sample

    text = text_of(render_docx("assembly_proxy", language, sample(language)))
    assert "Rue Coenraets 72, 1060 Saint-Gilles — backoffice@smart.coop" in text
    code_word = {
        "fr": "votre code",
        "nl": "uw stemcode",
        "de": "Ihrem Code",
        "en": "your voting code",
    }
    assert code_word[language] in text
