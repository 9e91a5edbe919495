"""Contexts of the general assembly documents: convocation, personalised ballot, proxy form."""

from __future__ import annotations

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext


class AgendaItem(BaseModel):
    code: str
    title: str
    text: str
    majority: str  # "simple majority", "3/4 with quorum"... in the reader's language
    candidates: str = ""  # elections: "Name (C1), Name (C2)"


class BallotLine(BaseModel):
    code: str
    title: str
    choices: str  # "☐ for   ☐ against   ☐ abstain", or the candidates with boxes


class Meeting(BaseModel):
    title: str
    when: str  # formatted for the reader (Brussels time)
    place: str  # the address of the meeting
    online_link: str = ""  # the online part (video call), if any
    record_date: str
    voting_opens: str  # "" when the voting is already open on the letter's date
    voting_closes: str
    remote_voting: str  # a sentence: allowed or not
    vote_url: str  # the voting page (without a code)


class AssemblyConvocation(TemplateContext):
    meeting: Meeting
    agenda: list[AgendaItem]
    board_report: str  # a sentence naming the attached board report, or ""
    proxies_per_holder: int


class AssemblyBallot(TemplateContext):
    meeting: Meeting
    voter: Addressee
    member_number: str
    shares: int
    weight: int
    ballot_code: str  # formatted XXXX-XXXX-...
    ballot_url: str  # the QR code's target
    lines: list[BallotLine]


class AssemblyProxy(TemplateContext):
    meeting: Meeting
    proxies_per_holder: int
    proxy_rule: str  # who may hold a proxy (statutes)
    return_to: str  # where the signed form goes (address and mailbox of the secretariat)
