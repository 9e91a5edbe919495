"""Sample contexts shared by the general assembly template sources (for their tests and
previews): what `assembly_docs` gives a letter written on TODAY, in each language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from documents import formatting, labels
from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS
from documents.contexts import Addressee, Coop
from documents.contexts.assembly import AgendaItem, BallotLine, Meeting

TODAY = date(2027, 5, 28)
_MEETING = datetime(2027, 6, 19, 12, 0, tzinfo=UTC)  # 14:00 in Brussels
_OPENS = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)  # after the letter: the letter says "from"
_CLOSES = datetime(2027, 6, 19, 10, 0, tzinfo=UTC)

ACCOUNTS = {
    "fr": "Approbation des comptes annuels",
    "nl": "Goedkeuring van de jaarrekening",
    "de": "Genehmigung des Jahresabschlusses",
    "en": "Approval of the annual accounts",
}
BOARD = {
    "fr": "Élection au conseil d'administration",
    "nl": "Verkiezing van de raad van bestuur",
    "de": "Wahl des Verwaltungsrats",
    "en": "Election to the board",
}


def meeting(language: str) -> Meeting:
    from documents.assembly_docs import REMOTE

    def moment(value: datetime) -> str:
        return formatting.date_time(value, language)

    return Meeting(
        title=labels.assembly_name("ordinary", 2027, language),
        when=moment(_MEETING),
        place=HOSTILE_TEXT,
        online_link="https://visio.smart.coop/ag-2027",
        record_date=formatting.long_date(date(2027, 5, 27), language),
        voting_opens=moment(_OPENS),
        voting_closes=moment(_CLOSES),
        remote_voting=REMOTE[True][language],
        vote_url="https://vote.smart.coop/b",
    )


def coop() -> Coop:
    return Coop(**SAMPLE_COOP_KWARGS)


def agenda(language: str = "fr") -> list[AgendaItem]:
    from documents.assembly_docs import MAJORITY, SEATS
    from governance.assembly.rules.assembly import ResolutionKind

    seats = formatting.plural(2, SEATS[language], language)
    return [
        AgendaItem(
            code="R1",
            title=ACCOUNTS[language],
            text=HOSTILE_TEXT,
            majority=MAJORITY[ResolutionKind.ORDINARY][language],
        ),
        AgendaItem(
            code="E1",
            title=BOARD[language],
            text="—",
            majority=MAJORITY[ResolutionKind.ELECTION][language].format(seats=seats),
            candidates="Amélie Dubois (C1), Pieter Claes (C2)",
        ),
    ]


def lines(language: str = "fr") -> list[BallotLine]:
    from documents.assembly_docs import AT_MOST, CHOICES

    boxes = "   ".join(f"☐\u00a0{name}" for name in ("Amélie Dubois", "Pieter Claes"))
    return [
        BallotLine(code="R1", title=ACCOUNTS[language], choices=CHOICES[language]),
        BallotLine(
            code="E1", title=BOARD[language], choices=f"{AT_MOST[language].format(n=2)} {boxes}"
        ),
    ]


def voter() -> Addressee:
    return Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent")
