"""A sample cooperative for the demo and the benchmarks: realistic Belgian members."""

from __future__ import annotations

import random
from collections.abc import Iterator

from governance.kernel.rules.enums import Language, MemberKind, Office
from governance.members.rules.members import MemberFacts

FIRST = {
    "fr": [
        "Zoë",
        "Amélie",
        "François",
        "Hélène",
        "Noël",
        "Loïc",
        "Inès",
        "Jérôme",
        "Océane",
        "Benoît",
        "Maëlle",
        "Gaëtan",
        "Léa",
        "Céline",
        "Raphaël",
    ],
    "nl": [
        "Jan",
        "Lieve",
        "Pieter",
        "Els",
        "Wouter",
        "Griet",
        "Bram",
        "Anneleen",
        "Joris",
        "Sofie",
        "Tine",
        "Koen",
        "Ilse",
        "Jens",
        "Fien",
    ],
    "de": [
        "Jürgen",
        "Käthe",
        "Günther",
        "Sören",
        "Bärbel",
        "Lukas",
        "Anja",
        "Jörg",
        "Mareike",
        "Dieter",
        "Ülrike",
        "Matthias",
    ],
    "en": ["Siobhan", "Oliver", "Aoife", "Declan", "Grace", "Liam", "Niamh", "Eoin"],
}
LAST = {
    "fr": [
        "Dubois",
        "Lambert",
        "D'Hondt",
        "Lefèvre",
        "Dupont",
        "Mertens-Lévêque",
        "Wéry",
        "Delvaux",
        "de Crombrugghe",
        "Bastin",
        "Gérard",
        "Renard",
    ],
    "nl": [
        "Peeters",
        "Janssens",
        "Maes",
        "Van den Broeck",
        "De Smet",
        "Vermeulen",
        "Claes",
        "Goossens",
        "Van Dyck",
        "Wouters",
        "De Backer",
        "Op de Beeck",
    ],
    "de": ["Müller", "Schröder", "Krämer", "Weiß", "Heinen", "Pankert", "Kessler", "Förster"],
    "en": ["O'Brien", "Murphy", "Smith", "Byrne", "O'Connor", "Walsh"],
}
COMPANIES = [
    "Zoë D'Hondt & Fils",
    "Théâtre <Nomade> & Co",
    "Studio Van Dyck & Zonen",
    "Atelier Lefèvre & Schmitz",
    "Klang & Bühne GmbH",
    "{{ Collectif }} Pluriel",
]
CITIES = {
    Office.ANTWERPEN: ("2000", "Antwerpen", Language.NL),
    Office.GENT: ("9000", "Gent", Language.NL),
    Office.KORTRIJK: ("8500", "Kortrijk", Language.NL),
    Office.GENK: ("3600", "Genk", Language.NL),
    Office.CHARLEROI: ("6000", "Charleroi", Language.FR),
    Office.LIEGE: ("4000", "Liège", Language.FR),
    Office.MONS: ("7000", "Mons", Language.FR),
    Office.NAMUR: ("5000", "Namur", Language.FR),
    Office.TOURNAI: ("7500", "Tournai", Language.FR),
    Office.EUPEN: ("4700", "Eupen", Language.DE),
    Office.BRUXELLES: ("1060", "Saint-Gilles", Language.FR),
}
STREETS = {"fr": "Rue de l'Église", "nl": "Kerkstraat", "de": "Kirchstraße", "en": "Rue Haute"}


def _company_number(rng: random.Random) -> str:
    base = rng.randrange(2_000_000, 9_999_999)  # 8 digits with the leading 0: the 0-series
    return f"{base:08d}{97 - base % 97:02d}"


def sample_members(count: int, seed: int = 2016) -> Iterator[MemberFacts]:
    """Deterministic members: all offices, the four languages, accents, apostrophes and `&`."""
    rng = random.Random(seed)
    offices = list(Office)
    for i in range(count):
        office = offices[i % len(offices)]
        postcode, city, office_language = CITIES[office]
        language = office_language
        if office is Office.BRUXELLES and i % 2:
            language = Language.NL
        if i % 17 == 5:
            language = Language.EN
        lang = language.value
        email = None if i % 23 == 7 else f"member{i:05d}@example.org"
        street = f"{STREETS[lang]} {rng.randrange(1, 200)}"
        if i % 9 == 4:
            yield MemberFacts(
                kind=MemberKind.COMPANY,
                company_name=COMPANIES[i % len(COMPANIES)],
                company_number=_company_number(rng),
                email=email,
                street=street,
                postcode=postcode,
                city=city,
                language=language,
                office=office,
                external_ref=f"S{i:06d}",
            )
            continue
        yield MemberFacts(
            kind=MemberKind.PERSON,
            first_name=rng.choice(FIRST[lang]),
            last_name=rng.choice(LAST[lang]),
            email=email,
            street=street,
            postcode=postcode,
            city=city,
            language=language,
            office=office,
            external_ref=f"S{i:06d}",
        )
