"""The portal's words in fr, nl, de and en: one module per area, merged here. Every key is
present in the four languages (a test holds it)."""

from __future__ import annotations

from coopflow_cli.portal.labels import apply, common, grants, jobs, myfile, shares

LANGUAGES = ("fr", "nl", "de", "en")

LABELS: dict[str, dict[str, str]] = {
    lang: {
        **common.LABELS[lang],
        **apply.LABELS[lang],
        **shares.LABELS[lang],
        **jobs.LABELS[lang],
        **grants.LABELS[lang],
        **myfile.LABELS[lang],
    }
    for lang in LANGUAGES
}


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """?lang= first, then the browser's Accept-Language, then French."""
    if requested in LABELS:
        return str(requested)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LABELS:
            return code
    return "fr"
