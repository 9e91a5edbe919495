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


# Legal forms of the Code des sociétés et des associations, as printed after the name.
LEGAL_FORMS: dict[str, dict[str, str]] = {
    "sc": {
        "fr": "société coopérative",
        "nl": "coöperatieve vennootschap",
        "de": "Genossenschaft",
        "en": "cooperative company",
    },
    "srl": {
        "fr": "société à responsabilité limitée",
        "nl": "besloten vennootschap",
        "de": "Gesellschaft mit beschränkter Haftung",
        "en": "private limited company",
    },
    "sa": {
        "fr": "société anonyme",
        "nl": "naamloze vennootschap",
        "de": "Aktiengesellschaft",
        "en": "public limited company",
    },
    "asbl": {
        "fr": "association sans but lucratif",
        "nl": "vereniging zonder winstoogmerk",
        "de": "Vereinigung ohne Gewinnerzielungsabsicht",
        "en": "non-profit association",
    },
}

# Seats of the enterprise courts (register of legal entities), beside the office cities.
COURTS: dict[str, dict[str, str]] = {
    **OFFICES,
    "leuven": {"fr": "Louvain", "nl": "Leuven", "de": "Löwen", "en": "Leuven"},
    "nivelles": {"fr": "Nivelles", "nl": "Nijvel", "de": "Nivelles", "en": "Nivelles"},
}

SIGNATORY_TITLES: dict[str, dict[str, str]] = {
    "managing_director": {
        "fr": "Administrateur délégué",
        "nl": "Gedelegeerd bestuurder",
        "de": "Geschäftsführendes Verwaltungsratsmitglied",
        "en": "Managing director",
    },
    "chair": {
        "fr": "Président du conseil d'administration",
        "nl": "Voorzitter van de raad van bestuur",
        "de": "Vorsitzender des Verwaltungsrats",
        "en": "Chair of the board of directors",
    },
    "director": {
        "fr": "Administrateur",
        "nl": "Bestuurder",
        "de": "Verwaltungsratsmitglied",
        "en": "Director",
    },
    "general_manager": {
        "fr": "Directeur général",
        "nl": "Algemeen directeur",
        "de": "Generaldirektor",
        "en": "General manager",
    },
}

# Joint committees (commissions paritaires / paritaire comités) an employment contract names.
JOINT_COMMITTEES: dict[str, dict[str, str]] = {
    "200": {
        "fr": "commission paritaire auxiliaire pour employés",
        "nl": "aanvullend paritair comité voor de bedienden",
        "de": "ergänzende paritätische Kommission für Angestellte",
        "en": "supplementary joint committee for white-collar workers",
    },
    "304": {
        "fr": "commission paritaire du spectacle",
        "nl": "paritair comité voor het vermakelijkheidsbedrijf",
        "de": "paritätische Kommission für das Unterhaltungsgewerbe",
        "en": "joint committee for the performing arts",
    },
}

LANGUAGES = ("fr", "nl", "de", "en")


def per_language(table: dict[str, dict[str, str]], code: str) -> dict[str, str]:
    """A closed-list value in every language; a value not in the list is printed as is."""
    return dict(table.get(code.strip().lower()) or {lang: code for lang in LANGUAGES})


def country(code: str, language: str) -> str:
    """'FR' → 'France' (fr), 'Frankrijk' (nl); a name that is no ISO code stays as is."""
    from babel import Locale

    from documents.formatting import locale_for

    territories = Locale.parse(locale_for(language)).territories
    return str(territories.get(code.strip().upper(), code))
