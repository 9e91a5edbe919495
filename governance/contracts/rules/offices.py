"""Which language the employment documents of an office must use (Belgian language laws)."""

from __future__ import annotations

from governance.kernel.rules.enums import Language, Office
from governance.kernel.rules.errors import RuleViolation

_OFFICE_LANGUAGE: dict[Office, Language | None] = {
    Office.ANTWERPEN: Language.NL,
    Office.GENT: Language.NL,
    Office.KORTRIJK: Language.NL,
    Office.GENK: Language.NL,
    Office.CHARLEROI: Language.FR,
    Office.LIEGE: Language.FR,
    Office.MONS: Language.FR,
    Office.NAMUR: Language.FR,
    Office.TOURNAI: Language.FR,
    Office.EUPEN: Language.DE,
    Office.BRUXELLES: None,  # bilingual: the worker's language, French or Dutch
}


class WrongEmploymentLanguage(RuleViolation):
    code = "wrong_employment_language"


def employment_language(office: Office, worker_language: Language) -> Language:
    """Language of employment documents: set by the office; Brussels follows the worker (fr/nl)."""
    fixed = _OFFICE_LANGUAGE[office]
    if fixed is not None:
        return fixed
    if worker_language in (Language.FR, Language.NL):
        return worker_language
    raise WrongEmploymentLanguage(
        "in Brussels employment documents must be in French or Dutch: "
        "ask the member to choose one of the two",
        field="language",
    )
