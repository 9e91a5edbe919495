"""A sample general assembly and shareholders (demo, benchmarks, tests).

The shareholders are taken over through the register import (the use case that loads an
existing register); the one query here only finds their ids again by the sample's reference
prefix, which no use case lists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from governance.assembly.rules.assembly import AssemblyKind, ResolutionKind
from governance.assembly.use_cases.assembly import AssemblyInput, CandidateInput, ResolutionInput
from governance.clock import brussels_date, brussels_instant
from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.use_cases import register_import
from seeding.register import shareholders_csv


def seed_shareholders(count: int, issued_on: date, seed: int = 2016) -> list[int]:
    """`count` active members, each issued 1-3 fully paid class A shares on `issued_on`,
    taken over through the register import (bulk: 75,000 take seconds); their ids in order."""
    prefix = f"S{seed}-"
    text = shareholders_csv(count, issued_on, seed, prefix=prefix)
    with UnitOfWork() as uow:
        register_import.import_register(uow.session, text, actor=Actor.system("sample"))
        query = select(Member.external_ref, Member.id).where(Member.external_ref.like(f"{prefix}%"))
        ids = {str(ref): int(mid) for ref, mid in uow.session.execute(query).tuples()}
        uow.commit()
    return [ids[f"{prefix}{i:06d}"] for i in range(count)]


def _texts(fr: str, nl: str, de: str, en: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl, "de": de, "en": en}


def sample_assembly(
    now: datetime, days_ahead: int = 20, record_date: date | None = None
) -> AssemblyInput:
    """An ordinary GA `days_ahead` days from `now`: accounts, discharge, an election."""
    # `days_ahead` Brussels calendar days after today in Brussels, at 14:00 Brussels time
    meeting = brussels_instant(brussels_date(now) + timedelta(days=days_ahead), time(14))
    return AssemblyInput(
        title="AG ordinaire " + str(meeting.year),  # staff name; members read it by kind
        kind=AssemblyKind.ORDINARY,
        meeting_at=meeting,
        place="Rue Coenraets 72, 1060 Saint-Gilles",
        online_link="https://visio.smart.coop/ag-" + str(meeting.year),
        remote_voting_allowed=True,
        record_date=record_date or brussels_date(now) - timedelta(days=1),
        voting_opens_at=now + timedelta(days=1),
        voting_closes_at=meeting - timedelta(hours=2),
        resolutions=[
            ResolutionInput(
                code="R1",
                kind=ResolutionKind.ORDINARY,
                title=_texts(
                    "Approbation des comptes",
                    "Goedkeuring van de jaarrekening",
                    "Genehmigung des Jahresabschlusses",
                    "Approval of the accounts",
                ),
                text=_texts(
                    "L'assemblée approuve les comptes annuels de l'exercice clôturé.",
                    "De vergadering keurt de jaarrekening van het afgesloten boekjaar goed.",
                    "Die Versammlung genehmigt den Jahresabschluss des abgelaufenen Geschäftsjahres.",
                    "The assembly approves the annual accounts of the closed financial year.",
                ),
            ),
            ResolutionInput(
                code="R2",
                kind=ResolutionKind.ORDINARY,
                title=_texts(
                    "Décharge aux administrateurs",
                    "Kwijting aan de bestuurders",
                    "Entlastung der Verwaltungsratsmitglieder",
                    "Discharge of the directors",
                ),
                text=_texts(
                    "L'assemblée donne décharge aux administrateurs pour l'exercice écoulé.",
                    "De vergadering verleent kwijting aan de bestuurders voor het afgelopen boekjaar.",
                    "Die Versammlung erteilt den Verwaltungsratsmitgliedern Entlastung.",
                    "The assembly discharges the directors for the past financial year.",
                ),
            ),
            ResolutionInput(
                code="E1",
                kind=ResolutionKind.ELECTION,
                title=_texts(
                    "Élection au conseil d'administration",
                    "Verkiezing van de raad van bestuur",
                    "Wahl des Verwaltungsrats",
                    "Election to the board",
                ),
                text=_texts(
                    "Deux sièges à pourvoir.",
                    "Twee zetels te begeven.",
                    "Zwei Sitze sind zu besetzen.",
                    "Two seats to fill.",
                ),
                seats=2,
                candidates=[
                    CandidateInput(id="C1", name="Amélie Dubois"),
                    CandidateInput(id="C2", name="Pieter Claes"),
                    CandidateInput(id="C3", name="Jürgen Heinen"),
                ],
            ),
        ],
    )
