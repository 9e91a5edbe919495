"""Sample contexts shared by the three general assembly template sources (for their tests)."""

from __future__ import annotations

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS
from documents.contexts import Addressee, Coop
from documents.contexts.assembly import AgendaItem, BallotLine, Meeting

TITLES = {
    "fr": "Assemblée générale ordinaire 2027",
    "nl": "Gewone algemene vergadering 2027",
    "de": "Ordentliche Generalversammlung 2027",
    "en": "Ordinary general assembly 2027",
}


def meeting(language: str) -> Meeting:
    return Meeting(
        title=TITLES[language],
        when="19/06/2027 14:00",
        place=HOSTILE_TEXT,
        record_date="28/05/2027",
        voting_opens="01/06/2027 09:00",
        voting_closes="19/06/2027 12:00",
        remote_voting="-",
        vote_url="http://127.0.0.1:8765/b",
    )


def coop() -> Coop:
    return Coop(**SAMPLE_COOP_KWARGS)


def agenda() -> list[AgendaItem]:
    return [
        AgendaItem(code="R1", title="Approval of the accounts", text=HOSTILE_TEXT, majority="1/2"),
        AgendaItem(code="E1", title="Board", text="2 seats", majority="-", candidates="A, B"),
    ]


def lines() -> list[BallotLine]:
    return [BallotLine(code="R1", title=HOSTILE_TEXT, choices="☐ ☐ ☐")]


def voter() -> Addressee:
    return Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent")


TODAY = date(2026, 11, 27)
