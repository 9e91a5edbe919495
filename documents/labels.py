"""Names of closed-list values as people read them, per language."""

from __future__ import annotations

OFFICES: dict[str, dict[str, str]] = {
    "antwerpen": {"fr": "Anvers", "nl": "Antwerpen", "de": "Antwerpen", "en": "Antwerp"},
    "bruxelles": {"fr": "Bruxelles", "nl": "Brussel", "de": "Brüssel", "en": "Brussels"},
    "charleroi": {"fr": "Charleroi", "nl": "Charleroi", "de": "Charleroi", "en": "Charleroi"},
    "kortrijk": {"fr": "Courtrai", "nl": "Kortrijk", "de": "Kortrijk", "en": "Kortrijk"},
    "eupen": {"fr": "Eupen", "nl": "Eupen", "de": "Eupen", "en": "Eupen"},
    "gent": {"fr": "Gand", "nl": "Gent", "de": "Gent", "en": "Ghent"},
    "genk": {"fr": "Genk", "nl": "Genk", "de": "Genk", "en": "Genk"},
    "liege": {"fr": "Liège", "nl": "Luik", "de": "Lüttich", "en": "Liège"},
    "mons": {"fr": "Mons", "nl": "Bergen", "de": "Mons", "en": "Mons"},
    "namur": {"fr": "Namur", "nl": "Namen", "de": "Namur", "en": "Namur"},
    "tournai": {"fr": "Tournai", "nl": "Doornik", "de": "Tournai", "en": "Tournai"},
}


def office(code: str, language: str) -> str:
    return OFFICES[str(code)][str(language)]
