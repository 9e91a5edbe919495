"""Proofreading a rendered text as a member reads it: what no cooperative would sign.

Pure functions: a text and its language in, findings out. The document tests run them on
every template and every e-mail in every language; staff can run them on a preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# English words that never occur in a French, Dutch or German letter of ours. Kept short and
# curated: a word that is also correct in one of the languages is listed under its exceptions.
ENGLISH_WORDS = frozenset(
    {
        "the", "of", "and", "with", "your", "you", "please", "dear", "from", "which",
        "share", "shares", "user", "users", "services", "votes", "vote", "voting", "transfer",
        "transfers", "board", "member", "members", "seat", "seats", "proxy", "ballot",
        "assembly", "meeting", "approval", "accounts", "remarks", "reason", "signed",
        "rules", "clients", "held", "issued", "directors", "per", "need", "needs", "between",
        "approved", "because", "not", "yes", "paid", "invited", "resigned", "elected",
        "subscription", "subscriptions", "cumulative",
    }
)  # fmt: skip
NOT_ENGLISH_IN = {
    "fr": frozenset({"services", "votes", "vote", "clients", "member"}),
    "nl": frozenset({"per", "member", "of"}),
    "de": frozenset({"per", "member"}),
}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_URL_OR_MAIL = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A command staff type (`coop members review 42`) or a file name (`board.json`) is not prose.
_COMMAND = re.compile(r"\b(?:coop|python) [^\n»\")]*|[\w-]+\.(?:py|json|csv|xlsx)\b")
_MACHINE_PLURAL = re.compile(r"[^\W\d_]\((?:s|e|en|n|es|x|nen|innen|r)\)", re.IGNORECASE)
# 'aandeel/aandelen', 'part/parts': the same word twice, for a count the text did not look at.
_SLASH_PLURAL = re.compile(r"\b([^\W\d_]{4})[^\W\d_]*/\1[^\W\d_]*")
# One of something, with the noun in the plural: '1 démissions', '1 parts', '1 Anteile'.
_ONE_PLURAL = re.compile(
    r"(?<![\d.,\u202f\u00a0])1 (?:parts|démissions|sièges|procurations|voix exprimées|membres"
    r"|aandelen|zetels|volmachten|uittredingen|leden|Anteile|Sitze|Vollmachten|Austritte"
    r"|Mitglieder|shares|seats|proxies|members|resignations|votes)\b"
)
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_LOCAL_ADDRESS = re.compile(r"127\.0\.0\.1|\blocalhost\b|\b0\.0\.0\.0\b", re.IGNORECASE)
_SECONDS = re.compile(r"(?<![\d:])\d{1,2}:\d\d:\d\d(?![\d:])")
_COMMUNICATION = re.compile(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+")
_BARE_COMMUNICATION = re.compile(r"(?<![\d/+])\d{3}/\d{4}/\d{5}(?![\d/])")
_DECIMAL_POINT = re.compile(
    r"(?:(?:€|EUR)\s?\d+\.\d{1,2}(?![\d.]))"
    r"|(?:(?<![\d.])\d+\.\d{1,2}(?=\s?(?:%|/\s?\d|€|EUR\b|euro)))"
)
_FIRST_OF_MONTH = re.compile(
    r"\b1 (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre)\b"
)
_UNGROUPED_IBAN = re.compile(r"\b(?:BE|NL|LU|FR|DE)\d{2}[A-Z0-9]{10,30}\b")


@dataclass(frozen=True)
class Finding:
    check: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.check}: …{self.excerpt}…"


def _excerpt(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30) : end + 30].split())


def _all(check: str, pattern: re.Pattern[str], text: str) -> list[Finding]:
    return [Finding(check, _excerpt(text, m.start(), m.end())) for m in pattern.finditer(text)]


def english_words(text: str, language: str) -> list[Finding]:
    """English left in a French, Dutch or German text (web and e-mail addresses aside)."""
    if language == "en":
        return []
    words = ENGLISH_WORDS - NOT_ENGLISH_IN.get(language, frozenset())
    plain = _COMMAND.sub(" ", _URL_OR_MAIL.sub(" ", text))
    return [
        Finding("English word", _excerpt(plain, m.start(), m.end()))
        for m in _WORD.finditer(plain)
        if m.group(0).lower() in words
    ]


def machine_plurals(text: str) -> list[Finding]:
    """'part(s)', 'Anteil(e)', 'volmacht(en)': a count the text did not look at."""
    return (
        _all("machine plural", _MACHINE_PLURAL, text)
        + _all("machine plural", _SLASH_PLURAL, text)
        + _all("machine plural", _ONE_PLURAL, text)
    )


def empty_parentheses(text: str) -> list[Finding]:
    return _all("empty ()", _EMPTY_PARENS, text)


def local_addresses(text: str) -> list[Finding]:
    """A link to this machine: no member can open it."""
    return _all("local address", _LOCAL_ADDRESS, text)


def times_with_seconds(text: str) -> list[Finding]:
    return _all("time with seconds", _SECONDS, text)


def structured_communications(text: str) -> list[Finding]:
    """A Belgian structured communication is written whole, on one line: +++123/4567/89012+++."""
    rest = _COMMUNICATION.sub(" ", text)
    found = _all("structured communication without +++", _BARE_COMMUNICATION, rest)
    for match in re.finditer(r"\+{2,}", rest):
        found.append(
            Finding("unbalanced or wrapped +++", _excerpt(rest, match.start(), match.end()))
        )
    return found


def decimal_points(text: str, language: str) -> list[Finding]:
    """'56.67 / 100', '33.5 %', '€ 12.50': French, Dutch and German write a decimal comma."""
    if language == "en":
        return []
    return _all("decimal point", _DECIMAL_POINT, text)


def french_first_of_month(text: str, language: str) -> list[Finding]:
    """French dates the first of a month as an ordinal: 'le 1er décembre'."""
    return _all("1er", _FIRST_OF_MONTH, text) if language == "fr" else []


def ungrouped_ibans(text: str) -> list[Finding]:
    """An IBAN is printed in groups of four: 'BE71 0961 2345 6769'."""
    return _all("IBAN not in groups of four", _UNGROUPED_IBAN, text)


def proofread(text: str, language: str) -> list[Finding]:
    """Every check on one rendered text; an empty list is a text staff can sign. Word joiners
    (U+2060, invisible: they keep a communication on one line) are read as nothing."""
    text = text.replace("\u2060", "")
    return [
        *english_words(text, language),
        *machine_plurals(text),
        *empty_parentheses(text),
        *local_addresses(text),
        *times_with_seconds(text),
        *structured_communications(text),
        *decimal_points(text, language),
        *french_first_of_month(text, language),
        *ungrouped_ibans(text),
    ]
