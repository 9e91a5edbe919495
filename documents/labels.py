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


# The voting rule of the statutes as members read it: one text per basis and language.
VOTING_RULE: dict[str, dict[str, str]] = {
    "per_member": {
        "fr": "une personne, une voix, quel que soit le nombre de parts",
        "nl": "één persoon, één stem, ongeacht het aantal aandelen",
        "de": "eine Person, eine Stimme, unabhängig von der Zahl der Anteile",
        "en": "one person, one vote, however many shares",
    },
    "per_share": {
        "fr": "une voix par part, au plus {cap} des voix présentes ou représentées",
        "nl": "één stem per aandeel, ten hoogste {cap} van de aanwezige of vertegenwoordigde stemmen",
        "de": "eine Stimme je Anteil, höchstens {cap} der anwesenden oder vertretenen Stimmen",
        "en": "one vote per share, at most {cap} of the votes present or represented",
    },
}
# When the statutes file gives no transfer clause: the usual clause of a cooperative.
TRANSFER_RULE_DEFAULT: dict[str, str] = {
    "fr": "entre coopérateurs librement ; à un tiers avec l'accord du conseil d'administration",
    "nl": "vrij tussen vennoten; aan een derde met de instemming van de raad van bestuur",
    "de": "frei zwischen Mitgliedern; an Dritte mit Zustimmung des Verwaltungsrats",
    "en": "freely between members; to a third party with the board's consent",
}


def voting_rule(basis: str, cap_fraction: str | None, language: str) -> str:
    return VOTING_RULE[basis][str(language)].format(cap=cap_fraction or "1/10")


def transfer_rule(statutes_texts: dict[str, str], language: str) -> str:
    """The statutes' transfer clause in the reader's language, else the default law's."""
    return statutes_texts.get(str(language)) or TRANSFER_RULE_DEFAULT[str(language)]


LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "fr": {"fr": "français", "nl": "néerlandais", "de": "allemand", "en": "anglais"},
    "nl": {"fr": "Frans", "nl": "Nederlands", "de": "Duits", "en": "Engels"},
    "de": {"fr": "Französisch", "nl": "Niederländisch", "de": "Deutsch", "en": "Englisch"},
    "en": {"fr": "French", "nl": "Dutch", "de": "German", "en": "English"},
}  # the reader's language -> the name of each language in it

# The board report's chart, in the report's language.
CHART: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Parts payées",
        "week": "payées cette semaine",
        "cumulative": "payées, cumul",
        "axis": "souscriptions payées",
    },
    "nl": {
        "title": "Betaalde aandelen",
        "week": "betaald deze week",
        "cumulative": "betaald, cumulatief",
        "axis": "betaalde inschrijvingen",
    },
    "de": {
        "title": "Bezahlte Anteile",
        "week": "bezahlt in dieser Woche",
        "cumulative": "bezahlt, kumuliert",
        "axis": "bezahlte Zeichnungen",
    },
    "en": {
        "title": "Paid shares",
        "week": "paid this week",
        "cumulative": "paid, cumulative",
        "axis": "subscriptions paid",
    },
}


def language_name(code: str, language: str) -> str:
    return LANGUAGE_NAMES[str(language)].get(str(code), str(code))


# What members read as the assembly's name: its kind and year in their language. The title
# staff give an assembly stays theirs (lists, the Prefect UI): it may mix languages.
ASSEMBLY_NAMES: dict[str, dict[str, str]] = {
    "ordinary": {
        "fr": "Assemblée générale ordinaire {year}",
        "nl": "Gewone algemene vergadering {year}",
        "de": "Ordentliche Generalversammlung {year}",
        "en": "Ordinary general assembly {year}",
    },
    "extraordinary": {
        "fr": "Assemblée générale extraordinaire {year}",
        "nl": "Buitengewone algemene vergadering {year}",
        "de": "Außerordentliche Generalversammlung {year}",
        "en": "Extraordinary general assembly {year}",
    },
    "mixed": {
        "fr": "Assemblée générale ordinaire et extraordinaire {year}",
        "nl": "Gewone en buitengewone algemene vergadering {year}",
        "de": "Ordentliche und außerordentliche Generalversammlung {year}",
        "en": "Ordinary and extraordinary general assembly {year}",
    },
}
SECOND_MEETING = {
    "fr": "{name}, seconde séance",
    "nl": "{name}, tweede vergadering",
    "de": "{name}, zweite Versammlung",
    "en": "{name}, second meeting",
}


def assembly_name(kind: str, year: int, language: str, *, second_meeting: bool = False) -> str:
    name = ASSEMBLY_NAMES[str(kind)][str(language)].format(year=year)
    return SECOND_MEETING[str(language)].format(name=name) if second_meeting else name
