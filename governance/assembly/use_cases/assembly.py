"""The general assembly itself: its agenda, the draft, the board's report, and its views. Convening,
the mailing's chunks, its progress and the reminders have rooms of their own.

Functions that change data take a UnitOfWork and commit once; readers take a Session.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.assembly.rules import assembly as rules
from governance.assembly.rules.assembly import AssemblyKind, AssemblyStatus, ResolutionKind
from governance.assembly.rules.views import AssemblyView, ResolutionView
from governance.db.models import Document
from governance.db.models.assembly import Assembly, Resolution
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.rules.text import OneLineText, Text

# --- input ---------------------------------------------------------------------------------


class CandidateInput(BaseModel):
    id: OneLineText = Field(..., min_length=1, max_length=20)
    name: OneLineText = Field(..., min_length=1, max_length=200)


class ResolutionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., pattern=r"^[A-Z][0-9]{1,3}$", description='"R1", "E1"...')
    kind: ResolutionKind
    title: dict[str, OneLineText] = Field(..., description="Title per language: fr, nl, de, en")
    text: dict[str, Text] = Field(..., description="Exact proposed text per language")
    seats: int | None = Field(None, ge=1)
    candidates: list[CandidateInput] = Field(default_factory=list)
    board_report: bool = False


class AssemblyInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: OneLineText = Field(..., min_length=3, max_length=200)
    kind: AssemblyKind = AssemblyKind.ORDINARY
    meeting_at: datetime
    place: OneLineText = Field(..., min_length=2, max_length=300)
    online_link: OneLineText | None = Field(None, max_length=500, pattern=r"^https://\S+$")
    remote_voting_allowed: bool = True
    record_date: date
    voting_opens_at: datetime
    voting_closes_at: datetime
    second_meeting: bool = False
    board_report_document_key: OneLineText | None = None
    resolutions: list[ResolutionInput]


def _facts(data: AssemblyInput) -> rules.AssemblyFacts:
    return _agenda_facts(
        data,
        tuple(
            rules.ResolutionFacts(
                code=r.code,
                kind=r.kind,
                title=r.title,
                text=r.text,
                seats=r.seats,
                candidates=tuple(rules.Candidate(c.id, c.name) for c in r.candidates),
                board_report=r.board_report,
            )
            for r in data.resolutions
        ),
    )


def _agenda_facts(
    source: AssemblyInput | Assembly, resolutions: tuple[rules.ResolutionFacts, ...]
) -> rules.AssemblyFacts:
    """What the agenda rules check, from the input or from the stored assembly."""
    return rules.AssemblyFacts(
        title=source.title,
        kind=source.kind,
        meeting_at=source.meeting_at,
        record_date=source.record_date,
        voting_opens_at=source.voting_opens_at,
        voting_closes_at=source.voting_closes_at,
        board_report_document_key=source.board_report_document_key,
        second_meeting=source.second_meeting,
        resolutions=resolutions,
    )


def create_assembly(uow: UnitOfWork, data: AssemblyInput, actor: Actor) -> int:
    """A draft assembly with its agenda; the agenda is checked now, the delay at convening."""
    for stamp in (data.meeting_at, data.voting_opens_at, data.voting_closes_at):
        if stamp.tzinfo is None:
            raise rules.InvalidVotingWindow("times must carry a time zone", field="meeting_at")
    rules.check_agenda(_facts(data))
    s = uow.session
    row = Assembly(
        title=data.title,
        kind=data.kind,
        meeting_at=data.meeting_at,
        place=data.place,
        online_link=data.online_link,
        remote_voting_allowed=data.remote_voting_allowed,
        record_date=data.record_date,
        voting_opens_at=data.voting_opens_at,
        voting_closes_at=data.voting_closes_at,
        status=AssemblyStatus.DRAFT,
        second_meeting=data.second_meeting,
        board_report_document_key=data.board_report_document_key,
        created_by=actor.name,
    )
    s.add(row)
    s.flush()
    for position, r in enumerate(data.resolutions, start=1):
        s.add(
            Resolution(
                assembly_id=row.id,
                position=position,
                code=r.code,
                kind=r.kind,
                title=dict(r.title),
                text=dict(r.text),
                seats=r.seats,
                candidates=[c.model_dump() for c in r.candidates],
                board_report=r.board_report,
            )
        )
    TimelineRepository(s).record(
        actor=actor,
        action="assembly_created",
        subject_type="assembly",
        subject_id=row.id,
        details={"title": data.title, "meeting_at": data.meeting_at.isoformat()},
    )
    uow.commit()
    return row.id


def attach_board_report(uow: UnitOfWork, assembly_id: int, document_key: str, actor: Actor) -> None:
    """Attach the board's report (an archived document) to a draft assembly's convocation."""
    row = _assembly(uow.session, assembly_id)
    if row.status is not AssemblyStatus.DRAFT:
        raise InvalidTransition(f"assembly {assembly_id} is {row.status}: the convocation left")
    if (
        uow.session.scalar(select(Document.id).where(Document.idempotency_key == document_key))
        is None
    ):
        raise NotFound(f"no archived document with key {document_key}", field="document_key")
    row.board_report_document_key = document_key
    uow.timeline.record(
        actor=actor,
        action="assembly_board_report_attached",
        subject_type="assembly",
        subject_id=assembly_id,
        details={"document_key": document_key},
    )
    uow.commit()


# --- views -----------------------------------------------------------------------------------


def _assembly(session: Session, assembly_id: int, lock: bool = False) -> Assembly:
    query = select(Assembly).where(Assembly.id == assembly_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"no assembly {assembly_id}", field="assembly_id")
    return row


def get_assembly(session: Session, assembly_id: int) -> AssemblyView:
    a = _assembly(session, assembly_id)
    resolutions = session.scalars(
        select(Resolution)
        .where(Resolution.assembly_id == assembly_id)
        .order_by(Resolution.position)
    ).all()
    return AssemblyView(
        a.id,
        a.title,
        a.kind,
        a.status,
        a.meeting_at,
        a.place,
        a.remote_voting_allowed,
        a.record_date,
        a.voting_opens_at,
        a.voting_closes_at,
        a.second_meeting,
        a.board_report_document_key,
        a.convened_at,
        [
            ResolutionView(
                r.code,
                r.kind,
                dict(r.title),
                dict(r.text),
                r.seats,
                list(r.candidates),
                r.board_report,
            )
            for r in resolutions
        ],
        a.online_link,
    )


# --- voters -----------------------------------------------------------------------------------------
