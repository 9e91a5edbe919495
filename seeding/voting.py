"""A sample convened assembly (agenda + frozen voters with ballot codes) for the tests,
the benchmark and the demo of the voting.

The assembly and its agenda are created by the use case (`assembly.create_assembly`: the agenda is
checked, the timeline records it). The convening is history no use case creates: production
freezes the voters from the register at the record date and mails their codes in the
assembly-convening flow, and refuses a voting window that is already open; this sample marks the
assembly convened and writes the voters (any members, with the shares it is told) directly, so a
test or a benchmark has an open ballot box at once, even for 75,000 voters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from governance.assembly.rules.assembly import (
    AssemblyKind,
    AssemblyStatus,
    ResolutionKind,
    ballot_code_hash,
    derive_ballot_code,
)
from governance.assembly.use_cases.assembly import (
    AssemblyInput,
    CandidateInput,
    ResolutionInput,
    create_assembly,
)
from governance.assembly.use_cases.ballot_keys import ballot_code_key, ballot_hash_key
from governance.clock import brussels_date
from governance.db.models import Member
from governance.db.models.assembly import Assembly, AssemblyVoter
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor

HOSTILE = "Zoë D'Hondt & Fils <SRL> {{ x }} {% if %}"


def _texts(fr: str, nl: str, de: str, en: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl, "de": de, "en": en}


AGENDA = [
    (
        "R1",
        ResolutionKind.ORDINARY,
        _texts(
            "Approbation des comptes",
            "Goedkeuring van de jaarrekening",
            "Genehmigung des Jahresabschlusses",
            "Approval of the accounts",
        ),
        _texts(
            "L'assemblée approuve les comptes annuels.",
            "De vergadering keurt de jaarrekening goed.",
            "Die Versammlung genehmigt den Jahresabschluss.",
            "The assembly approves the annual accounts.",
        ),
    ),
    (
        "R2",
        ResolutionKind.ORDINARY,
        _texts(
            "Décharge aux administrateurs",
            "Kwijting aan de bestuurders",
            "Entlastung der Verwalter",
            "Discharge of the directors",
        ),
        _texts(
            "Décharge est donnée aux administrateurs.",
            "Kwijting wordt verleend aan de bestuurders.",
            "Den Verwaltern wird Entlastung erteilt.",
            "The directors are discharged.",
        ),
    ),
    (
        "R3",
        ResolutionKind.STATUTE_AMENDMENT,
        _texts(
            "Modification de l'article 9",
            "Wijziging van artikel 9",
            "Änderung von Artikel 9",
            "Amendment of article 9",
        ),
        _texts(
            "Article 9 : « les fournisseurs & partenaires <B> peuvent devenir associés ».",
            'Artikel 9: "leveranciers & partners <B> kunnen vennoot worden".',
            "Artikel 9: „Lieferanten & Partner <B> können Gesellschafter werden“.",
            'Article 9: "suppliers & partners <B> may become shareholders".',
        ),
    ),
]
CANDIDATES = [
    {"id": "C1", "name": "Amélie Dubois"},
    {"id": "C2", "name": "Pieter Janssens"},
    {"id": "C3", "name": HOSTILE},
]


@dataclass(frozen=True)
class SampleAssembly:
    assembly_id: int
    codes: dict[int, str]  # member id -> ballot code (only the sample knows them)


def _agenda(with_election: bool, extra_motions: int) -> list[ResolutionInput]:
    items = [
        ResolutionInput(code=code, kind=kind, title=title, text=text)
        for code, kind, title, text in AGENDA
    ]
    if with_election:
        items.append(
            ResolutionInput(
                code="E1",
                kind=ResolutionKind.ELECTION,
                title=_texts(
                    "Élection de deux administrateurs",
                    "Verkiezing van twee bestuurders",
                    "Wahl von zwei Verwaltern",
                    "Election of two directors",
                ),
                text=_texts(
                    "Deux mandats sont à pourvoir.",
                    "Twee mandaten te begeven.",
                    "Zwei Mandate sind zu vergeben.",
                    "Two seats are to be filled.",
                ),
                seats=2,
                candidates=[CandidateInput(**c) for c in CANDIDATES],
            )
        )
    for extra in range(extra_motions):
        number = len(AGENDA) + extra + 1
        items.append(
            ResolutionInput(
                code=f"R{number}",
                kind=ResolutionKind.ORDINARY,
                title=_texts(*(f"Résolution {number}",) * 4),
                text=_texts(*(f"Texte {number}",) * 4),
            )
        )
    return items


def seed_assembly(
    uow: UnitOfWork,
    member_ids: list[int],
    *,
    now: datetime,
    opens_in: timedelta = timedelta(hours=-1),
    closes_in: timedelta = timedelta(days=1),
    shares: dict[int, int] | None = None,
    vote_basis: str = "per_member",
    with_election: bool = True,
    extra_motions: int = 0,
) -> SampleAssembly:
    """An assembly whose voting window is open around `now`, with these voters (committed)."""
    assembly_id = create_assembly(
        uow,
        AssemblyInput(
            title="Assemblée générale ordinaire 2026",
            kind=AssemblyKind.ORDINARY,
            meeting_at=now + closes_in + timedelta(hours=2),
            place="Rue Coenraets 72, 1060 Saint-Gilles",
            remote_voting_allowed=True,
            # the sample's record date, or the day before when `now` comes earlier
            record_date=min(date(2026, 5, 1), brussels_date(now) - timedelta(days=1)),
            voting_opens_at=now + opens_in,
            voting_closes_at=now + closes_in,
            resolutions=_agenda(with_election, extra_motions),
        ),
        Actor.system("sample"),
    )
    session = uow.session
    # history: convened without the convening flow (see the module docstring)
    session.get_one(Assembly, assembly_id).status = AssemblyStatus.CONVENED
    keyed = ballot_code_key(uow.settings)
    hash_key = ballot_hash_key(uow.settings)
    found = session.execute(
        select(Member.id, Member.language, Member.email).where(Member.id.in_(member_ids))
    ).all()
    languages = {row.id: row.language for row in found}
    emails = {row.id: row.email for row in found}
    codes: dict[int, str] = {}
    rows = []
    for member_id in member_ids:
        code = derive_ballot_code(keyed, assembly_id, member_id)
        codes[member_id] = code
        held = (shares or {}).get(member_id, 1)
        rows.append(
            {
                "assembly_id": assembly_id,
                "member_id": member_id,
                "shares": held,
                "shares_by_class": {"A": held},
                "weight": held if vote_basis == "per_share" else 1,
                "language": languages[member_id],
                "email": emails[member_id],
                "postal": emails[member_id] is None,
                "ballot_code_hash": ballot_code_hash(hash_key, code),
                "voted": False,
                "prepared_at": now,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(AssemblyVoter), rows[start : start + 5000])
    uow.commit()
    return SampleAssembly(assembly_id, codes)


def random_choices(rng: random.Random, with_election: bool = True) -> dict[str, object]:
    """A plausible ballot: mostly for, some against, a few abstentions."""
    choices: dict[str, object] = {
        code: rng.choices(["for", "against", "abstain"], [6, 3, 1])[0] for code, *_ in AGENDA
    }
    if with_election:
        choices["E1"] = rng.sample(["C1", "C2", "C3"], rng.randint(0, 2))
    return choices
