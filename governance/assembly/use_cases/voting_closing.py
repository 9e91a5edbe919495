"""Closing the vote: seal the ballots, count them under the statutes, verify, report.

`close_voting` is idempotent: the first call closes, rewrites the ballots in receipt
order (so neither their physical order nor PostgreSQL's xmin follows the order of the
votes), seals the receipts and stores the result; later calls return what was sealed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from governance.assembly.rules import tally, voting
from governance.assembly.rules.assembly import AssemblyStatus
from governance.assembly.rules.tally_results import TallyResult
from governance.assembly.rules.tally_scenario import TallyInputError, TallyScenario
from governance.db.models.assembly import Assembly, AssemblyVoter, Resolution
from governance.db.models.voting import Attendance, Ballot, VotingSeal
from governance.db.storage import StorageScrub, forget_write_order
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.statutes import get_statutes


@dataclass(frozen=True)
class ClosingSummary:
    assembly_id: int
    closed_now: bool
    ballots: int
    voters_marked: int
    seal: str
    result: dict[str, Any]


def _assembly(session: Session, assembly_id: int, lock: bool = False) -> Assembly:
    assembly = session.get(Assembly, assembly_id, with_for_update=lock)
    if assembly is None:
        raise NotFound(f"no assembly {assembly_id}", field="assembly_id")
    return assembly


def _resolutions(session: Session, assembly_id: int) -> list[Resolution]:
    return list(
        session.scalars(
            select(Resolution)
            .where(Resolution.assembly_id == assembly_id)
            .order_by(Resolution.position)
        )
    )


def _ballot_rows(session: Session, assembly_id: int) -> list[Any]:
    """Every ballot of the assembly (id, receipt, nonce, choices, weight), in receipt order."""
    return list(
        session.execute(
            select(Ballot.id, Ballot.receipt, Ballot.nonce, Ballot.choices, Ballot.weight)
            .where(Ballot.assembly_id == assembly_id)
            .order_by(Ballot.receipt)
        ).all()
    )


def build_scenario(
    session: Session, assembly_id: int, ballots: list[Any] | None = None
) -> dict[str, Any]:
    """The counter's input from the stored data, anonymous by construction.

    Every ballot becomes a pseudonymous shareholder named by its receipt; voters who did
    not vote appear as "M<member id>" (present when on the attendance list). Voting per
    share, a ballot weighs its stored weight; voting per member, every ballot weighs 1 and
    the shares of those who voted are spread over the ballots only so that the quorum in
    shares sees the right total (the pairing is arbitrary and means nothing)."""
    assembly = _assembly(session, assembly_id)
    rules = get_statutes().voting
    per_share = rules.basis == "per_share"
    if ballots is None:
        ballots = _ballot_rows(session, assembly_id)
    voters = session.execute(
        select(AssemblyVoter.member_id, AssemblyVoter.shares, AssemblyVoter.voted).where(
            AssemblyVoter.assembly_id == assembly_id
        )
    ).all()
    attending = set(
        session.scalars(select(Attendance.member_id).where(Attendance.assembly_id == assembly_id))
    )
    voted_shares = sorted(shares for _, shares, voted in voters if voted)
    shareholders: list[dict[str, Any]] = [
        {"id": f"M{member_id}", "shares": shares}
        for member_id, shares, voted in sorted(voters)
        if not voted
    ]
    present = [f"M{m}" for m, _, voted in sorted(voters) if not voted and m in attending]
    votes: list[dict[str, Any]] = []
    for n, (_id, receipt, _nonce, choices, weight) in enumerate(ballots):
        shares = weight if per_share else (voted_shares[n] if n < len(voted_shares) else 1)
        shareholders.append({"id": receipt, "shares": shares})
        for code, choice in choices.items():
            votes.append({"shareholder": receipt, "resolution": code, "choice": choice})
    resolutions: list[dict[str, Any]] = []
    for r in _resolutions(session, assembly_id):
        item: dict[str, Any] = {"id": r.code, "kind": r.kind.value}
        if r.kind.value == "election":
            item["seats"] = r.seats or 1
            item["candidates"] = [str(c["id"]) for c in r.candidates]
        elif r.kind.value == "object_change":
            item["board_report"] = bool(r.board_report and assembly.board_report_document_key)
        resolutions.append(item)
    return {
        "rules": {
            "vote_basis": rules.basis,
            "vote_cap_fraction": rules.cap_fraction if per_share else None,
            "quorum_fraction": rules.quorum_fraction,
            "quorum_basis": rules.quorum_basis,
            "second_meeting": bool(assembly.second_meeting),
            "statute_amendment_majority": rules.majorities.statute_amendment,
            "object_change_majority": rules.majorities.object_change,
        },
        "shareholders": shareholders,
        "present": present,
        "resolutions": resolutions,
        "votes": votes,
    }


def scenario_text(scenario: dict[str, Any]) -> str:
    """The canonical text of a scenario (its sha256 is kept in the seal)."""
    return json.dumps(scenario, sort_keys=True, separators=(",", ":"))


def count_scenario(scenario: dict[str, Any]) -> TallyResult:
    """Count with governance.assembly.rules.tally, without a JSON round trip."""
    return tally.count(TallyScenario.model_validate(scenario))


def _reshuffle(session: Session, assembly_id: int, rows: list[Any]) -> list[str]:
    """Rewrite every ballot in receipt order and drop the revote tags; touch the voter
    and attendance rows so their row versions date from the closing too."""
    session.execute(delete(Ballot).where(Ballot.assembly_id == assembly_id))
    if rows:
        session.execute(
            insert(Ballot),
            [
                {
                    "id": row.id,
                    "assembly_id": assembly_id,
                    "receipt": row.receipt,
                    "nonce": row.nonce,
                    "choices": row.choices,
                    "weight": row.weight,
                    "replace_tag": None,
                }
                for row in rows
            ],
        )
    session.execute(
        update(AssemblyVoter)
        .where(AssemblyVoter.assembly_id == assembly_id)
        .values(voted=AssemblyVoter.voted)
    )
    session.execute(
        update(Attendance).where(Attendance.assembly_id == assembly_id).values(mode=Attendance.mode)
    )
    return [row.receipt for row in rows]


def _summary(seal: VotingSeal, closed_now: bool) -> ClosingSummary:
    return ClosingSummary(
        seal.assembly_id, closed_now, seal.ballots, seal.voters_marked, seal.seal, dict(seal.result)
    )


def close_voting(
    uow: UnitOfWork, assembly_id: int, *, now: datetime, actor: Actor, early: bool = False
) -> ClosingSummary:
    """Close the voting (at the window's end, or earlier when staff ask), seal and count."""
    session = uow.session
    assembly = _assembly(session, assembly_id, lock=True)
    existing = session.get(VotingSeal, assembly_id)
    if existing is not None:
        summary = _summary(existing, closed_now=False)
        uow.rollback()
        return summary
    voting.check_closable(now, assembly.voting_closes_at, early=early)
    rows = _ballot_rows(session, assembly_id)
    receipts = _reshuffle(session, assembly_id, rows)
    marked = session.scalar(
        select(func.count())
        .select_from(AssemblyVoter)
        .where(AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.voted.is_(True))
    )
    scenario = build_scenario(session, assembly_id, rows)
    text = scenario_text(scenario)
    result = dict(count_scenario(scenario))
    seal = VotingSeal(
        assembly_id=assembly_id,
        closed_at=now,
        closed_by=actor.name,
        ballots=len(receipts),
        voters_marked=int(marked or 0),
        seal=voting.seal_of(assembly_id, receipts),
        scenario_sha256=hashlib.sha256(text.encode()).hexdigest(),
        result=result,
    )
    session.add(seal)
    assembly.status = AssemblyStatus.CLOSED
    uow.timeline.record(
        actor=actor,
        action="assembly_voting_closed",
        subject_type="assembly",
        subject_id=assembly_id,
        details={"ballots": len(receipts), "seal": seal.seal, "early": early},
    )
    session.flush()
    summary = _summary(seal, closed_now=True)
    uow.commit()
    return summary


def forget_cast_order(uow: UnitOfWork, assembly_id: int) -> StorageScrub:
    """After closing: make the storage forget in which order ballots and voters were
    written (SQLite: VACUUM + empty the write-ahead log; PostgreSQL: VACUUM FULL of the
    voting tables). Safe to run again; refused while the voting is open."""
    session = uow.session
    _assembly(session, assembly_id)
    if session.get(VotingSeal, assembly_id) is None:
        raise voting.VotingStillOpen(
            f"assembly {assembly_id} is not closed yet: its storage is cleaned at closing",
            field="assembly_id",
        )
    engine = session.get_bind().engine
    uow.rollback()  # no transaction of ours may stay open while the storage is rewritten
    session.close()
    return forget_write_order(engine)


# ---------------------------------------------------------------------- verifying


@dataclass
class VerifyReport:
    assembly_id: int
    ballots: int
    voters_marked: int
    seal: str
    problems: list[str] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _allowed_choices(agenda: list[voting.AgendaItem]) -> dict[str, tuple[int, frozenset[str]]]:
    motions = frozenset(c.value for c in voting.Choice)
    return {
        item.code: (item.seats, frozenset(item.candidates)) if item.is_election else (0, motions)
        for item in agenda
    }


def _plainly_valid(allowed: dict[str, tuple[int, frozenset[str]]], choices: Any) -> bool:
    """Fast check of a stored ballot (the slow validation names the problem if any)."""
    if not isinstance(choices, dict) or choices.keys() != allowed.keys():
        return False
    for code, value in choices.items():
        seats, options = allowed[code]
        if seats == 0:
            if value not in options:
                return False
        elif not (
            isinstance(value, list)
            and len(value) <= seats
            and len(set(value)) == len(value)
            and all(v in options for v in value)
        ):
            return False
    return True


def verify(uow: UnitOfWork, assembly_id: int, published_seal: str | None = None) -> VerifyReport:
    """Recompute everything from the stored ballots: each receipt against its ballot,
    the seal over all receipts, the count against the voters marked, and the result."""
    session = uow.session
    stored = session.get(VotingSeal, assembly_id)
    if stored is None:
        raise InvalidTransition(f"assembly {assembly_id} is not closed yet", field="assembly_id")
    from governance.assembly.use_cases.voting import agenda_items

    agenda = agenda_items(session, assembly_id)
    ballots = _ballot_rows(session, assembly_id)
    allowed = _allowed_choices(agenda)
    problems: list[str] = []
    for _id, receipt, nonce, choices, _weight in ballots:
        if voting.receipt_for(assembly_id, nonce, choices) != receipt:
            problems.append(f"ballot {receipt[:16]}…: its choices do not match its receipt")
        if not _plainly_valid(allowed, choices):
            try:
                voting.validate_choices(agenda, choices)
            except voting.InvalidChoice as exc:
                problems.append(f"ballot {receipt[:16]}…: {exc}")
    receipts = [b.receipt for b in ballots]
    seal = voting.seal_of(assembly_id, receipts)
    if seal != stored.seal:
        problems.append(
            "the receipts do not match the seal made at closing: a ballot was added, removed "
            "or its receipt changed"
        )
    if published_seal and published_seal.lower() != stored.seal:
        problems.append("the stored seal differs from the published one")
    marked = session.scalar(
        select(func.count())
        .select_from(AssemblyVoter)
        .where(AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.voted.is_(True))
    )
    if len(ballots) != marked or len(ballots) != stored.ballots:
        problems.append(
            f"{len(ballots)} ballots stored, {marked} voters marked as having voted, "
            f"{stored.ballots} ballots sealed at closing"
        )
    result: dict[str, Any] = {}
    try:
        result = dict(count_scenario(build_scenario(session, assembly_id, ballots)))
    except TallyInputError as exc:
        problems.append(f"the stored ballots cannot be counted: {exc}")
    if result and result != stored.result:
        problems.append("counting the stored ballots again gives a different result")
    report = VerifyReport(assembly_id, len(ballots), int(marked or 0), seal, problems, result)
    uow.rollback()
    return report
