"""Text staff typed (board remarks, recusal reasons) as it reaches a reader in another language.

Reasons the system writes itself (a recusal for a conflict of interest) are translated; text a
person typed is printed as typed, followed by the language it is in when that is not the
reader's, so nobody mistakes it for a translation error."""

from __future__ import annotations

import re

from babel import Locale

from documents.formatting import locale_for

_WRITTEN_IN = {
    "fr": "texte original en {language}",
    "nl": "oorspronkelijke tekst in het {language}",
    "de": "Originaltext auf {language}",
    "en": "original text in {language}",
}


def language_name(code: str, language: str) -> str:
    """'nl' read in French → 'néerlandais'; in Dutch 'Nederlands'."""
    return str(Locale.parse(locale_for(language)).languages.get(code, code))


def as_typed(text: str, written_in: str, language: str) -> str:
    """Staff text for a reader of `language`: as typed, plus '(original text in Dutch)' when
    it was written in another language. Empty text stays empty."""
    text = text.strip()
    if not text or str(written_in) == str(language):
        return text
    note = _WRITTEN_IN[str(language)].format(language=language_name(str(written_in), language))
    return f"{text} ({note})"


# Conflicts of interest found by governance.grants.rules.reviewer_assignment.conflict_reasons (written in English).
_RECUSALS: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (
        re.compile(r"^the reviewer is the applicant$"),
        {
            "fr": "l'évaluateur est le demandeur",
            "nl": "de beoordelaar is de aanvrager",
            "de": "der Gutachter ist der Antragsteller",
            "en": "the reviewer is the applicant",
        },
    ),
    (
        re.compile(r"^the reviewer declared a relation with the applicant$"),
        {
            "fr": "l'évaluateur a déclaré un lien avec le demandeur",
            "nl": "de beoordelaar meldde een band met de aanvrager",
            "de": "der Gutachter hat eine Beziehung zum Antragsteller angegeben",
            "en": "the reviewer declared a relation with the applicant",
        },
    ),
    (
        re.compile(r"^the reviewer works on the same Activity \((?P<ref>.*)\)$"),
        {
            "fr": "l'évaluateur travaille dans la même Activité ({ref})",
            "nl": "de beoordelaar werkt in dezelfde Activiteit ({ref})",
            "de": "der Gutachter arbeitet in derselben Aktivität ({ref})",
            "en": "the reviewer works on the same Activity ({ref})",
        },
    ),
]
_DECLARED = re.compile(r"^declared relation: (?P<relation>.*)$", re.S)
_DECLARED_TEXT = {
    "fr": "lien déclaré : {relation}",
    "nl": "gemelde band: {relation}",
    "de": "angegebene Beziehung: {relation}",
    "en": "declared relation: {relation}",
}


def recusal_reason(reason: str, written_in: str, language: str) -> str:
    """A recusal reason in `language`: the system's reasons translated (several are joined
    with '; '), a reviewer's own words as typed with their language."""
    parts = []
    for part in (p.strip() for p in reason.split("; ")):
        parts.append(_one_reason(part, written_in, str(language)))
    return "; ".join(p for p in parts if p)


def _one_reason(part: str, written_in: str, language: str) -> str:
    for pattern, texts in _RECUSALS:
        found = pattern.match(part)
        if found:
            return texts[language].format(**found.groupdict())
    declared = _DECLARED.match(part)
    if declared:
        relation = as_typed(declared.group("relation"), written_in, language)
        return _DECLARED_TEXT[language].format(relation=relation)
    return as_typed(part, written_in, language)


def score(hundredths: int | None, language: str) -> str:
    """6250 → '62,50' (fr), '62.50' (en); None → a dash."""
    if hundredths is None:
        return "–"
    from decimal import Decimal

    from babel.numbers import format_decimal

    return format_decimal(Decimal(hundredths) / 100, format="#,##0.00", locale=locale_for(language))
