"""The employment contract and client agreement a cooperative would sign, and grant letters
whose staff-typed text says which language it is in. Rendered and reopened."""

from __future__ import annotations

import io

import docx
import pytest

from documents.render import LANGUAGES, render_docx
from documents.staff_text import as_typed, recusal_reason
from documents.template_sources import client_agreement, employment_contract, grant_decision_pack


def _document(template: str, language: str, context: object) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(template, language, context)))  # type: ignore[arg-type]


EMPLOYMENT = {
    "fr": ["loi du 3 juillet 1978", "Lieu de travail : Gent",
           "commence le 3 décembre 2026 et prend fin de plein droit le 4 décembre 2026",
           "8 heures par jour de travail", "Commission paritaire : n° 200",
           "Rémunération brute pour l'ensemble des prestations : 1\u202f104,33\xa0€"],
    "nl": ["wet van 3 juli 1978", "Plaats van tewerkstelling: Gent",
           "begint op 3 december 2026 en eindigt van rechtswege op 4 december 2026",
           "8 uur per werkdag", "Paritair comité: nr. 200",
           "Brutoloon voor alle prestaties samen: € 1.104,33"],
    "de": ["Gesetz vom 3. Juli 1978", "Arbeitsort: Gent",
           "beginnt am 3. Dezember 2026 und endet von Rechts wegen am 4. Dezember 2026",
           "8 Stunden pro Arbeitstag", "Paritätische Kommission: Nr. 200",
           "Bruttolohn für alle Leistungen zusammen: 1.104,33\xa0€"],
    "en": ["law of 3 July 1978", "Place of work: Gent",
           "starts on 3 December 2026 and ends by operation of law on 4 December 2026",
           "8 hours per work day", "Joint committee: no. 200",
           "Gross wage for all the work: €1,104.33"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_employment_contract_states_what_the_law_requires_and_both_sign(language: str) -> None:
    document = _document("employment_contract", language, employment_contract.sample(language))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in EMPLOYMENT[language]:
        assert expected.replace("\xa0", " ") in text.replace("\xa0", " "), expected
    assert not any(w in text.lower() for w in ("estimé", "geraamd", "geschätzt", "estimated"))
    (signatures,) = document.tables
    left, right = (cell.text for cell in signatures.rows[0].cells)
    assert "SmartCoop SC" in left and "Zoë D'Hondt" in right
    assert all(("signature" in c.lower() or "handtekening" in c or "Unterschrift" in c)
               for c in (left, right))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_client_agreement_has_both_signature_blocks(language: str) -> None:
    document = _document("client_agreement", language, client_agreement.sample(language))
    (signatures,) = document.tables
    left, right = (cell.text for cell in signatures.rows[0].cells)
    assert "SmartCoop SC" in left and "Zoë D'Hondt & Fils <SRL>" in right
    text = "\n".join(p.text for p in document.paragraphs)
    assert "0403.019.261" in text


def test_staff_text_in_another_language_says_which_one() -> None:
    assert as_typed("Beau projet", "fr", "fr") == "Beau projet"
    assert as_typed("Beau projet", "fr", "nl") == "Beau projet (oorspronkelijke tekst in het Frans)"
    assert as_typed("Mooi project", "nl", "de") == "Mooi project (Originaltext auf Niederländisch)"
    assert as_typed("", "fr", "nl") == ""


def test_recusal_reasons_the_system_wrote_are_translated() -> None:
    reason = "the reviewer is the applicant; the reviewer works on the same Activity (A-17)"
    assert recusal_reason(reason, "fr", "nl") == (
        "de beoordelaar is de aanvrager; de beoordelaar werkt in dezelfde Activiteit (A-17)")
    assert recusal_reason("declared relation: sa sœur", "fr", "de") == (
        "angegebene Beziehung: sa sœur (Originaltext auf Französisch)")


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_decision_pack_has_no_english_reason_and_local_digits(language: str) -> None:
    document = _document("grant_decision_pack", language, grant_decision_pack.sample(language))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert not any("reviewer" in c for c in cells)
    assert any(c == "81,25" for c in cells)


def test_work_abroad_names_the_country_in_the_contract_language() -> None:
    context = employment_contract.sample("nl")
    abroad = context.model_copy(update={"job": context.job.model_copy(
        update={"city": "Lille", "country": "FR", "place": "Lille, FR"})})
    text = "\n".join(p.text for p in _document("employment_contract", "nl", abroad).paragraphs)
    assert "Plaats van tewerkstelling: Lille, Frankrijk" in text
