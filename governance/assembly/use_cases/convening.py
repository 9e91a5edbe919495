"""Convening a general assembly: the delay and the agenda checked, the voters frozen at the record
date, the mailing planned in chunks; and the closing run scheduled for the close of the vote.

Functions that change data take a UnitOfWork and commit once; readers take a Session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from governance.assembly.rules import assembly as rules
from governance.assembly.rules.assembly import AssemblyStatus
from governance.assembly.rules.views import AssemblyView
from governance.assembly.use_cases.assembly import (
    _agenda_facts,
    _assembly,
    get_assembly,
)
from governance.assembly.use_cases.ballot_keys import ballot_codes, ballot_hash_key
from governance.assembly.use_cases.chunks import CONVOCATION
from governance.clock import brussels_date
from governance.config import Settings
from governance.db.models import Member
from governance.db.models.assembly import Assembly, AssemblyMailingChunk, AssemblyVoter
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import InvalidTransition
from governance.statutes import get_statutes


@dataclass(frozen=True)
class ConveningPlan:
    assembly_id: int
    chunks: list[int]
    voters: int
    postal: int
    first_time: bool


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
    _check_convening(a, get_assembly(s, assembly_id), now)
    voters = _voters_at_record_date(s, a)
    members = _member_contacts(s, [v.member_id for v in voters])
    _freeze_voters(s, uow.settings, assembly_id, voters, members)
    chunks = _plan_chunks(s, assembly_id, chunk_size)
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
            "voters": len(voters),
            "postal": postal,
            "weight": sum(v.weight for v in voters),
            "chunks": chunks,
        },
    )
    uow.commit()
    return ConveningPlan(assembly_id, list(range(chunks)), len(voters), postal, True)


def _check_convening(a: Assembly, view: AssemblyView, now: datetime) -> None:
    """The agenda (board report included), the convocation delay and the record date."""
    rules.check_agenda(
        _agenda_facts(
            a,
            tuple(
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
    rules.check_convocation_delay(a.meeting_at, now, get_statutes().assembly.convocation_days)
    rules.check_record_date(a.record_date, brussels_date(now))


def _holdings(session: Session, as_at: date) -> list[rules.HoldingFact]:
    from governance.register.use_cases import shares  # the register area

    return [
        rules.HoldingFact(h.member_id, h.share_class, h.shares, h.paid_cents)
        for h in shares.holdings_as_at(session, as_at)
    ]


def _voters_at_record_date(session: Session, a: Assembly) -> list[rules.EligibleVoter]:
    """Who held fully paid shares at the record date; refused when nobody did."""
    statutes = get_statutes()
    voters = rules.eligible_voters(
        _holdings(session, a.record_date),
        nominal_cents={c.code: c.nominal_value_cents for c in statutes.share_classes},
        vote_basis=statutes.voting.basis,
    )
    if not voters:
        raise rules.InvalidRecordDate(
            f"nobody held fully paid shares on {a.record_date.isoformat()}", field="record_date"
        )
    return voters


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


def _freeze_voters(
    session: Session,
    settings: Settings,
    assembly_id: int,
    voters: list[rules.EligibleVoter],
    members: dict[int, tuple[Language, str | None]],
) -> None:
    """One voter row per eligible member: weight, language, address, the hash of their code."""
    codes = ballot_codes(settings, assembly_id, [v.member_id for v in voters])
    hash_key = ballot_hash_key(settings)
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
        session.execute(insert(AssemblyVoter), rows[start : start + 5000])


def _plan_chunks(session: Session, assembly_id: int, chunk_size: int) -> int:
    """Cut the frozen voters into mailing chunks by id range; returns how many."""
    ids = session.scalars(
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
    session.execute(insert(AssemblyMailingChunk), chunks)
    return len(chunks)


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


# --- the closing run -----------------------------------------------------------------------------


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
    """The closing run already scheduled for this assembly, if any."""
    return _assembly(session, assembly_id).closing_scheduled_run_id
