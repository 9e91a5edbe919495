"""General assembly, part 1: creating it, convening it (record-date snapshot), the mailing.

Functions that change data take a UnitOfWork and commit once; readers take a Session.
Ballot codes are derived (governance.assembly.rules.assembly): only their HMAC is stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from governance.assembly.rules import assembly as rules
from governance.assembly.rules.assembly import AssemblyKind, AssemblyStatus, ResolutionKind
from governance.assembly.rules.views import AssemblyView, ResolutionView, VoterView
from governance.clock import brussels_date, utcnow
from governance.config import Settings
from governance.db.keys import key_material
from governance.db.models import Document, Member
from governance.db.models.assembly import Assembly, AssemblyMailingChunk, AssemblyVoter, Resolution
from governance.db.repositories.outbox import NewMessage, OutboxRepository
from governance.db.repositories.timeline import NewEvent, TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language, OutboxStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.rules.text import OneLineText, Text
from governance.statutes import get_statutes

CONVOCATION = "convocation"
REMINDER = "reminder"


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
    return rules.AssemblyFacts(
        title=data.title,
        kind=data.kind,
        meeting_at=data.meeting_at,
        record_date=data.record_date,
        voting_opens_at=data.voting_opens_at,
        voting_closes_at=data.voting_closes_at,
        board_report_document_key=data.board_report_document_key,
        second_meeting=data.second_meeting,
        resolutions=tuple(
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


# --- ballot keys -------------------------------------------------------------------------------


def ballot_code_key(settings: Settings) -> bytes:
    """The key ballot codes are derived with (never leaves the server)."""
    return rules.derive_key(key_material(settings).ballot_secret, "ballot-code")


def ballot_hash_key(settings: Settings) -> bytes:
    """The key of `ballot_code_hash`: the voting page hashes a typed code with it."""
    return rules.derive_key(key_material(settings).ballot_secret, "ballot-hash")


def ballot_codes(settings: Settings, assembly_id: int, member_ids: list[int]) -> dict[int, str]:
    """The (canonical) ballot codes of these voters, for their documents only."""
    key = ballot_code_key(settings)
    return {m: rules.derive_ballot_code(key, assembly_id, m) for m in member_ids}


# --- convening -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConveningPlan:
    assembly_id: int
    chunks: list[int]
    voters: int
    postal: int
    first_time: bool


def _holdings(session: Session, as_at: date) -> list[rules.HoldingFact]:
    from governance.register.use_cases import shares  # the register area

    return [
        rules.HoldingFact(h.member_id, h.share_class, h.shares, h.paid_cents)
        for h in shares.holdings_as_at(session, as_at)
    ]


def open_convening(
    uow: UnitOfWork, assembly_id: int, *, now: datetime, actor: Actor, chunk_size: int = 500
) -> ConveningPlan:
    """Check the delay and the board report, freeze the voters at the record date, plan the
    chunks and mark the assembly convened. A second call returns the same plan."""
    s = uow.session
    a = _assembly(s, assembly_id, lock=True)
    if a.status is AssemblyStatus.CLOSED:
        raise InvalidTransition(f"assembly {assembly_id} is closed", field="assembly_id")
    if a.status is AssemblyStatus.CONVENED:
        plan = _plan(s, assembly_id, first_time=False)
        uow.rollback()
        return plan
    view = get_assembly(s, assembly_id)
    rules.check_agenda(
        rules.AssemblyFacts(
            title=a.title,
            kind=a.kind,
            meeting_at=a.meeting_at,
            record_date=a.record_date,
            voting_opens_at=a.voting_opens_at,
            voting_closes_at=a.voting_closes_at,
            board_report_document_key=a.board_report_document_key,
            second_meeting=a.second_meeting,
            resolutions=tuple(
                rules.ResolutionFacts(
                    r.code,
                    r.kind,
                    r.title,
                    r.text,
                    r.seats,
                    tuple(rules.Candidate(c["id"], c["name"]) for c in r.candidates),
                    r.board_report,
                )
                for r in view.resolutions
            ),
        )
    )
    statutes = get_statutes()
    rules.check_convocation_delay(a.meeting_at, now, statutes.assembly.convocation_days)
    rules.check_record_date(a.record_date, brussels_date(now))
    voters = rules.eligible_voters(
        _holdings(s, a.record_date),
        nominal_cents={c.code: c.nominal_value_cents for c in statutes.share_classes},
        vote_basis=statutes.voting.basis,
    )
    if not voters:
        raise rules.InvalidRecordDate(
            f"nobody held fully paid shares on {a.record_date.isoformat()}", field="record_date"
        )
    members = _member_contacts(s, [v.member_id for v in voters])
    codes = ballot_codes(uow.settings, assembly_id, [v.member_id for v in voters])
    hash_key = ballot_hash_key(uow.settings)
    rows = [
        {
            "assembly_id": assembly_id,
            "member_id": v.member_id,
            "shares": v.shares,
            "shares_by_class": v.shares_by_class,
            "weight": v.weight,
            "language": members[v.member_id][0],
            "email": members[v.member_id][1],
            "postal": not members[v.member_id][1],
            "ballot_code_hash": rules.ballot_code_hash(hash_key, codes[v.member_id]),
            "voted": False,
        }
        for v in voters
    ]
    for start in range(0, len(rows), 5000):
        s.execute(insert(AssemblyVoter), rows[start : start + 5000])
    ids = s.scalars(
        select(AssemblyVoter.id)
        .where(AssemblyVoter.assembly_id == assembly_id)
        .order_by(AssemblyVoter.id)
    ).all()
    chunks = [
        {
            "assembly_id": assembly_id,
            "phase": CONVOCATION,
            "number": n,
            "first_voter_id": ids[start],
            "last_voter_id": ids[min(start + chunk_size, len(ids)) - 1],
            "size": min(chunk_size, len(ids) - start),
            "sent": 0,
            "postal": 0,
            "bounced": 0,
        }
        for n, start in enumerate(range(0, len(ids), chunk_size))
    ]
    s.execute(insert(AssemblyMailingChunk), chunks)
    a.status = AssemblyStatus.CONVENED
    a.snapshot_at = now
    a.convened_at = now
    postal = sum(1 for v in voters if not members[v.member_id][1])
    TimelineRepository(s).record(
        actor=actor,
        action="assembly_convened",
        subject_type="assembly",
        subject_id=assembly_id,
        details={
            "record_date": a.record_date.isoformat(),
            "voters": len(rows),
            "postal": postal,
            "weight": sum(v.weight for v in voters),
            "chunks": len(chunks),
        },
    )
    uow.commit()
    return ConveningPlan(assembly_id, list(range(len(chunks))), len(rows), postal, True)


def _member_contacts(
    session: Session, member_ids: list[int]
) -> dict[int, tuple[Language, str | None]]:
    found: dict[int, tuple[Language, str | None]] = {}
    for start in range(0, len(member_ids), 900):
        part = member_ids[start : start + 900]
        for mid, lang, email in session.execute(
            select(Member.id, Member.language, Member.email).where(Member.id.in_(part))
        ).tuples():
            found[mid] = (lang, email or None)
    return found


def _plan(session: Session, assembly_id: int, first_time: bool) -> ConveningPlan:
    numbers = session.scalars(
        select(AssemblyMailingChunk.number)
        .where(
            AssemblyMailingChunk.assembly_id == assembly_id,
            AssemblyMailingChunk.phase == CONVOCATION,
        )
        .order_by(AssemblyMailingChunk.number)
    ).all()
    voters, postal = session.execute(
        select(func.count(), func.count().filter(AssemblyVoter.postal.is_(True))).where(
            AssemblyVoter.assembly_id == assembly_id
        )
    ).one()
    return ConveningPlan(assembly_id, list(numbers), int(voters), int(postal or 0), first_time)


# --- one chunk --------------------------------------------------------------------------------------


def _voter_query(assembly_id: int) -> Any:
    return (
        select(AssemblyVoter, Member)
        .join(Member, Member.id == AssemblyVoter.member_id)
        .where(AssemblyVoter.assembly_id == assembly_id)
        .order_by(AssemblyVoter.id)
    )


def _voter_view(v: AssemblyVoter, m: Member) -> VoterView:
    return VoterView(
        v.id,
        m.id,
        m.member_number or "",
        m.display_name,
        m.street or "",
        m.postcode or "",
        m.city or "",
        m.country,
        v.language,
        v.email,
        v.postal,
        v.shares,
        v.weight,
        v.prepared_at is not None,
    )


def chunk_voters(session: Session, assembly_id: int, number: int) -> list[VoterView]:
    """The voters of one chunk of the convocation mailing."""
    chunk = _chunk(session, assembly_id, CONVOCATION, number)
    rows = session.execute(
        _voter_query(assembly_id).where(
            AssemblyVoter.id >= chunk.first_voter_id, AssemblyVoter.id <= chunk.last_voter_id
        )
    ).tuples()
    return [_voter_view(v, m) for v, m in rows]


def postal_voters(session: Session, assembly_id: int) -> list[VoterView]:
    """Shareholders without an e-mail address: their convocation goes by post."""
    rows = session.execute(_voter_query(assembly_id).where(AssemblyVoter.postal.is_(True))).tuples()
    return [_voter_view(v, m) for v, m in rows]


def _chunk(session: Session, assembly_id: int, phase: str, number: int) -> AssemblyMailingChunk:
    chunk = session.scalar(
        select(AssemblyMailingChunk).where(
            AssemblyMailingChunk.assembly_id == assembly_id,
            AssemblyMailingChunk.phase == phase,
            AssemblyMailingChunk.number == number,
        )
    )
    if chunk is None:
        raise NotFound(f"assembly {assembly_id} has no {phase} chunk {number}", field="chunk")
    return chunk


def ballot_document_key(assembly_id: int, member_id: int) -> str:
    return f"doc:assembly:{assembly_id}:ballot:{member_id}"


def shared_document_key(assembly_id: int, template: str, language: str) -> str:
    return f"doc:assembly:{assembly_id}:{template}:{language}"


@dataclass(frozen=True)
class PreparedBallot:
    """A ballot archived by the bulk renderer (a worker wrote the file)."""

    member_id: int
    language: Language
    path: str
    sha256: str
    size_bytes: int
    template_version: str
    format: DocumentFormat = DocumentFormat.DOCX


def record_chunk_prepared(
    uow: UnitOfWork,
    assembly_id: int,
    number: int,
    ballots: list[PreparedBallot],
    mail_context: dict[str, dict[str, Any]],
) -> int:
    """Index the chunk's ballots, queue one e-mail per voter with an address (the others are
    on the postal list), mark them prepared: one transaction, so a crash leaves all or none."""
    s = uow.session
    chunk = _chunk(s, assembly_id, CONVOCATION, number)
    a = _assembly(s, assembly_id)
    voters = {
        v.member_id: v
        for v in s.scalars(
            select(AssemblyVoter).where(
                AssemblyVoter.assembly_id == assembly_id,
                AssemblyVoter.id >= chunk.first_voter_id,
                AssemblyVoter.id <= chunk.last_voter_id,
                AssemblyVoter.prepared_at.is_(None),
            )
        )
    }
    todo = [b for b in ballots if b.member_id in voters]
    if not todo:
        uow.rollback()
        return 0
    now = utcnow()
    keys = {b.member_id: ballot_document_key(assembly_id, b.member_id) for b in todo}
    known = set(
        s.scalars(
            select(Document.idempotency_key).where(
                Document.idempotency_key.in_(list(keys.values()))
            )
        )
    )
    s.execute(
        insert(Document),
        [
            {
                "idempotency_key": keys[b.member_id],
                "template": "assembly_ballot",
                "template_version": b.template_version,
                "language": b.language,
                "format": b.format,
                "path": b.path,
                "sha256": b.sha256,
                "size_bytes": b.size_bytes,
                "member_id": b.member_id,
                "subject_type": "assembly",
                "subject_id": str(assembly_id),
                "created_at": now,
            }
            for b in todo
            if keys[b.member_id] not in known
        ],
    )
    shared = [
        shared_document_key(assembly_id, t, "{lang}")
        for t in ("assembly_convocation", "assembly_proxy")
    ]
    extra = [a.board_report_document_key] if a.board_report_document_key else []
    mails = []
    events = []
    for b in todo:
        v = voters[b.member_id]
        if v.email:
            lang = str(v.language)
            mails.append(
                NewMessage(
                    key=mail_keys.assembly_convocation_key(assembly_id, number, b.member_id),
                    member_id=v.member_id,
                    to=v.email,
                    language=v.language,
                    template="assembly_convocation",
                    context=mail_context[lang],
                    attachment_keys=[k.format(lang=lang) for k in shared[:1]]
                    + [keys[b.member_id]]
                    + [shared[1].format(lang=lang)]
                    + extra,
                )
            )
        details = {"ballot_sha256": b.sha256, "by": "email" if v.email else "post"}
        events.append(NewEvent(v.member_id, "assembly", assembly_id, details))
    uow.outbox.enqueue_many(mails, now)
    TimelineRepository(s).record_many(
        actor=Actor.system("assembly-convening"),
        action="assembly_convocation_prepared",
        occurred_at=now,
        events=events,
    )
    s.execute(
        update(AssemblyVoter)
        .where(AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.member_id.in_(list(keys)))
        .values(prepared_at=now)
    )
    left = s.scalar(
        select(func.count()).where(
            AssemblyVoter.assembly_id == assembly_id,
            AssemblyVoter.id >= chunk.first_voter_id,
            AssemblyVoter.id <= chunk.last_voter_id,
            AssemblyVoter.prepared_at.is_(None),
        )
    )
    if not left:
        chunk.documents_done_at = now
        chunk.postal = sum(1 for v in voters.values() if v.postal) + chunk.postal
    uow.commit()
    return len(todo)


def record_chunk_mailed(uow: UnitOfWork, assembly_id: int, number: int) -> dict[str, int]:
    """Count the chunk's outcomes from the outbox; mark it done when nothing is pending."""
    s = uow.session
    chunk = _chunk(s, assembly_id, CONVOCATION, number)
    counts = outbox_counts(s, mail_keys.assembly_convocation(assembly_id, number))
    chunk.sent = counts.get(OutboxStatus.SENT, 0)
    chunk.bounced = counts.get(OutboxStatus.BOUNCED, 0) + counts.get(OutboxStatus.FAILED, 0)
    waiting = counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0)
    if chunk.documents_done_at is not None and not waiting:
        chunk.mail_done_at = chunk.mail_done_at or utcnow()
    uow.commit()
    return {str(k): v for k, v in counts.items()}


def outbox_counts(session: Session, prefix: str) -> dict[OutboxStatus, int]:
    return OutboxRepository(session).counts(prefix)


@dataclass(frozen=True)
class MailingProgress:
    voters: int
    prepared: int
    postal: int
    sent: int
    bounced: int
    waiting: int
    chunks: int
    chunks_done: int

    @property
    def fraction(self) -> float:
        total = self.voters * 2  # documents, then delivery (or the postal list)
        done = self.prepared + self.sent + self.bounced + self.postal
        return min(1.0, done / total) if total else 1.0


def mailing_progress(session: Session, assembly_id: int) -> MailingProgress:
    voters, prepared, postal = session.execute(
        select(
            func.count(),
            func.count(AssemblyVoter.prepared_at),
            func.count().filter(AssemblyVoter.postal.is_(True)),
        ).where(AssemblyVoter.assembly_id == assembly_id)
    ).one()
    counts = outbox_counts(session, mail_keys.assembly_convocation(assembly_id))
    chunks, done = session.execute(
        select(func.count(), func.count(AssemblyMailingChunk.mail_done_at)).where(
            AssemblyMailingChunk.assembly_id == assembly_id,
            AssemblyMailingChunk.phase == CONVOCATION,
        )
    ).one()
    return MailingProgress(
        int(voters),
        int(prepared),
        int(postal),
        counts.get(OutboxStatus.SENT, 0),
        counts.get(OutboxStatus.BOUNCED, 0) + counts.get(OutboxStatus.FAILED, 0),
        counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0),
        int(chunks),
        int(done),
    )


# --- reminders and follow-ups --------------------------------------------------------------------------


def queue_reminders(
    uow: UnitOfWork, assembly_id: int, *, now: datetime, context: dict[str, dict[str, Any]]
) -> int:
    """One reminder to every voter with an e-mail address who has not voted (their ballot
    attached again: the code never travels in a database row). Safe to call twice."""
    s = uow.session
    a = _assembly(s, assembly_id)
    if a.status is not AssemblyStatus.CONVENED or now >= a.voting_closes_at:
        uow.rollback()
        return 0
    rows = s.execute(
        select(AssemblyVoter.member_id, AssemblyVoter.email, AssemblyVoter.language).where(
            AssemblyVoter.assembly_id == assembly_id,
            AssemblyVoter.voted.is_(False),
            AssemblyVoter.email.is_not(None),
            AssemblyVoter.prepared_at.is_not(None),
        )
    ).tuples()
    mails = uow.outbox.enqueue_many(
        (
            NewMessage(
                key=mail_keys.assembly_reminder_key(assembly_id, mid),
                member_id=mid,
                to=email,
                language=lang,
                template="assembly_reminder",
                context=context[str(lang)],
                attachment_keys=[ballot_document_key(assembly_id, mid)],
            )
            for mid, email, lang in rows
            if email is not None  # the query asks for addresses only
        ),
        now,
    )
    if mails:
        TimelineRepository(s).record(
            actor=Actor.system("assembly-reminders"),
            action="assembly_reminders_queued",
            subject_type="assembly",
            subject_id=assembly_id,
            details={"reminders": len(mails)},
        )
    uow.commit()
    return len(mails)


def record_closing_scheduled(
    uow: UnitOfWork, assembly_id: int, flow_run_id: str | None, note: str
) -> None:
    """Remember the scheduled closing run (or why none could be scheduled)."""
    a = _assembly(uow.session, assembly_id)
    if flow_run_id:
        a.closing_scheduled_run_id = flow_run_id
    uow.timeline.record(
        actor=Actor.system("assembly-convening"),
        action="assembly_closing_scheduled",
        subject_type="assembly",
        subject_id=assembly_id,
        details={"flow_run_id": flow_run_id, "note": note},
    )
    uow.commit()


def closing_already_scheduled(session: Session, assembly_id: int) -> str | None:
    return _assembly(session, assembly_id).closing_scheduled_run_id
