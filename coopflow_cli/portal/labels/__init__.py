"""The portal's words in fr, nl, de and en: one module per area, merged here. Every key is
present in the four languages (a test holds it)."""

from __future__ import annotations

from coopflow_cli.ballot_web.labels import choose_language
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
    return choose_language(requested, accept_language, LABELS)
