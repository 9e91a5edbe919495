"""The convocation mailing, chunk by chunk: a chunk's voters, its ballots indexed and its
e-mails queued in one transaction, then its outcomes counted from the outbox; and the postal
list of those without an e-mail address, with its printed pack.

Functions that change data take a UnitOfWork and commit once; readers take a Session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.orm import Session

from governance.assembly.rules.views import VoterView
from governance.assembly.use_cases.assembly import _assembly
from governance.assembly.use_cases.ballot_keys import ballot_document_key, shared_document_key
from governance.clock import utcnow
from governance.db.models import Document, Member
from governance.db.models.assembly import Assembly, AssemblyMailingChunk, AssemblyVoter
from governance.db.repositories.outbox import NewMessage, OutboxRepository
from governance.db.repositories.timeline import NewEvent, TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language, OutboxStatus
from governance.kernel.rules.errors import NotFound

CONVOCATION = "convocation"


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


# --- the voters of a chunk, the postal list ----------------------------------------------------


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


# --- a chunk prepared ------------------------------------------------------------------------------


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
    voters = {v.member_id: v for v in s.scalars(select(AssemblyVoter).where(*_unprepared(chunk)))}
    todo = [b for b in ballots if b.member_id in voters]
    if not todo:
        uow.rollback()
        return 0
    now = utcnow()
    keys = {b.member_id: ballot_document_key(assembly_id, b.member_id) for b in todo}
    _index_ballots(s, assembly_id, todo, keys, now)
    uow.outbox.enqueue_many(_convocations(a, number, todo, voters, keys, mail_context), now)
    TimelineRepository(s).record_many(
        actor=Actor.system("assembly-convening"),
        action="assembly_convocation_prepared",
        occurred_at=now,
        events=[
            NewEvent(
                b.member_id,
                "assembly",
                assembly_id,
                {"ballot_sha256": b.sha256, "by": "email" if voters[b.member_id].email else "post"},
            )
            for b in todo
        ],
    )
    s.execute(
        update(AssemblyVoter)
        .where(AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.member_id.in_(list(keys)))
        .values(prepared_at=now)
    )
    if not s.scalar(select(func.count()).where(*_unprepared(chunk))):
        chunk.documents_done_at = now
        chunk.postal = sum(1 for v in voters.values() if v.postal) + chunk.postal
    uow.commit()
    return len(todo)


def _unprepared(chunk: AssemblyMailingChunk) -> tuple[ColumnElement[bool], ...]:
    """The chunk's voters whose ballot is not prepared yet."""
    return (
        AssemblyVoter.assembly_id == chunk.assembly_id,
        AssemblyVoter.id >= chunk.first_voter_id,
        AssemblyVoter.id <= chunk.last_voter_id,
        AssemblyVoter.prepared_at.is_(None),
    )


def _index_ballots(
    session: Session,
    assembly_id: int,
    ballots: list[PreparedBallot],
    keys: dict[int, str],
    now: datetime,
) -> None:
    """The documents index learns the ballots it does not know yet (a re-run knows some)."""
    known = set(
        session.scalars(
            select(Document.idempotency_key).where(
                Document.idempotency_key.in_(list(keys.values()))
            )
        )
    )
    session.execute(
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
            for b in ballots
            if keys[b.member_id] not in known
        ],
    )


def _convocations(
    a: Assembly,
    number: int,
    ballots: list[PreparedBallot],
    voters: dict[int, AssemblyVoter],
    keys: dict[int, str],
    mail_context: dict[str, dict[str, Any]],
) -> list[NewMessage]:
    """One convocation e-mail per voter with an address: the convocation, their ballot, the
    proxy form and the board's report attached."""
    extra = [a.board_report_document_key] if a.board_report_document_key else []
    mails = []
    for b in ballots:
        v = voters[b.member_id]
        if v.email:
            lang = str(v.language)
            mails.append(
                NewMessage(
                    key=mail_keys.assembly_convocation_key(a.id, number, b.member_id),
                    member_id=v.member_id,
                    to=v.email,
                    language=v.language,
                    template="assembly_convocation",
                    context=mail_context[lang],
                    attachment_keys=[
                        shared_document_key(a.id, "assembly_convocation", lang),
                        keys[b.member_id],
                        shared_document_key(a.id, "assembly_proxy", lang),
                        *extra,
                    ],
                )
            )
    return mails


# --- a chunk mailed --------------------------------------------------------------------------------


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
    """How many of the e-mails whose key starts with `prefix` are in each status."""
    return OutboxRepository(session).counts(prefix)
