"""The letter form every template shares: legal mentions, recipient block in the window,
place line with the city, reference, a named signatory. Read from the rendered .docx."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
from docx.shared import Cm

from documents.authoring import Block, TemplateSource, all_sources, build
from documents.contexts import Addressee, Coop
from documents.letter_form import missing_mentions
from documents.preview import text_of
from documents.render import LANGUAGES, render_docx
from documents.template_sources.welcome_letter import sample as welcome_sample
from governance.config import Settings

SOURCES = {source.name: source for source in all_sources()}



@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(SOURCES))
def test_every_document_carries_the_legal_mentions(template: str, language: str) -> None:
    sample = SOURCES[template].sample
    assert sample is not None
    text = text_of(render_docx(template, language, sample(language)))
    assert missing_mentions(text, language) == []
    assert "0896755397" not in text  # never the bare number
    # the place line names a city, never the registered office's street
    assert not re.search(r"Saint-Gilles, (le |den )?\d", text), template


def test_the_check_fails_on_a_document_without_the_footer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A template built without the letter form (plain python-docx) misses every mention."""
    plain = docx.Document()
    plain.add_paragraph("SmartCoop SC, Rue Coenraets 72, 1060 Saint-Gilles, 0896755397")
    out = io.BytesIO()
    plain.save(out)
    assert len(missing_mentions(text_of(out.getvalue()), "fr")) == 5


@pytest.mark.parametrize(
    ("language", "footer"),
    [
        ("fr", "Numéro d'entreprise 0896.755.397 · RPM Bruxelles · TVA BE 0896.755.397"),
        ("nl", "Ondernemingsnummer 0896.755.397 · RPR Brussel · btw BE 0896.755.397"),
        ("de", "Unternehmensnummer 0896.755.397 · RJP Brüssel · MwSt.-Nr. BE 0896.755.397"),
        ("en", "Enterprise number 0896.755.397 · RLE Brussels · VAT BE 0896.755.397"),
    ],
)
def test_the_footer_and_the_place_line(language: str, footer: str) -> None:
    data = render_docx("welcome_letter", language, welcome_sample(language))
    document = docx.Document(io.BytesIO(data))
    assert footer in document.sections[0].footer.paragraphs[0].text
    place = {"fr": "Bruxelles, le 27 novembre 2026", "nl": "Brussel, 27 november 2026",
             "de": "Brüssel, den 27. November 2026", "en": "Brussels, 27 November 2026"}
    texts = [p.text for p in document.paragraphs]
    assert place[language] in texts
    assert not any("Rue Coenraets" in t for t in texts)  # the place line is a city, not a street


def test_the_recipient_sits_in_the_envelope_window_with_the_country_only_abroad() -> None:
    context = welcome_sample("fr")
    document = docx.Document(io.BytesIO(render_docx("welcome_letter", "fr", context)))
    section = document.sections[0]
    first = document.paragraphs[0]
    top = section.top_margin + first.paragraph_format.space_before
    assert Cm(4.5) <= top <= Cm(5.5) and section.left_margin <= Cm(2.5)
    assert first.text.splitlines()[-1] == "9000 Gent"  # Belgium: no country line
    abroad = context.model_copy(update={"member": Addressee(
        name="Léa Martin", street="12 rue de la Paix", postcode="75002", city="Paris",
        country="FR")})
    lines = docx.Document(io.BytesIO(render_docx("welcome_letter", "nl", abroad.model_copy(
        update={"language": "nl"})))).paragraphs[0].text.splitlines()
    assert lines == ["Léa Martin", "12 rue de la Paix", "75002 Paris", "Frankrijk"]


def test_the_first_of_the_month_and_the_named_signatory_from_the_settings() -> None:
    settings = Settings(signatory_name="Anne Dupont", signatory_title="chair",
                        coop_place="liege", coop_website="www.smartbe.be")
    coop = Coop.from_settings(settings)
    context = welcome_sample("fr").model_copy(update={"coop": coop, "today": date(2026, 12, 1)})
    text = text_of(render_docx("welcome_letter", "fr", context))
    assert "Liège, le 1er décembre 2026" in text
    assert "Anne Dupont\nPrésident du conseil d'administration" in text
    assert "Notre référence : M0000042" in text
    assert "www.smartbe.be" in text


def test_without_a_name_the_letter_is_signed_by_the_title_only() -> None:
    text = text_of(render_docx("welcome_letter", "de", welcome_sample("de")))
    assert "Für SmartCoop SC\n\n\nGeschäftsführendes Verwaltungsratsmitglied" in text


def test_a_new_template_gets_the_letter_form_from_the_builder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = TemplateSource(name="welcome_letter", blocks={"en": [Block("p", "Hello")]})
    path = build(source, "en", tmp_path)
    document = docx.Document(str(path))
    assert "{{ coop.enterprise_number_display }}" in document.sections[0].footer.paragraphs[0].text
