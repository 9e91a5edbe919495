"""Casting votes: the ballot page, web and paper ballots, proxies and presence.

Each public function is one business action in one transaction and commits once. The
anonymous ballot is written in the same transaction that marks the voter as having
voted, and nothing written links the two (see docs/ballot-secrecy.md)."""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.assembly.rules import voting
from governance.assembly.rules.assembly import (
    AssemblyStatus,
    InvalidBallotCode,
    ResolutionKind,
    derive_key,
    normalise_ballot_code,
)
from governance.assembly.rules.assembly import ballot_code_hash as _code_hash
from governance.assembly.rules.voting import AgendaItem, UnknownBallotCode, WindowState
from governance.assembly.use_cases.ballot_keys import ballot_hash_key
from governance.config import Settings
from governance.db.keys import key_material
from governance.db.models import Member
from governance.db.models.assembly import Assembly, AssemblyVoter, Resolution
from governance.db.models.voting import (
    Attendance,
    AttendanceMode,
    Ballot,
    BallotChannel,
    Proxy,
    VotingSeal,
)
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import NotFound
from governance.statutes import get_statutes


def revote_key(settings: Settings) -> bytes:
    return derive_key(key_material(settings).ballot_secret, "ballot-revote-tag")


# ------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class AgendaEntry:
    code: str
    kind: str
    title: str
    text: str
    seats: int
    candidates: tuple[tuple[str, str], ...]  # (id, name)
    board_report: bool = False


@dataclass(frozen=True)
class BallotView:
    """What the ballot page shows to the holder of one code."""

    assembly_id: int
    assembly_title: str
    language: str
    state: WindowState
    opens_at: datetime
    closes_at: datetime
    already_voted: bool
    revote_allowed: bool
    represented: str | None  # the name of the shareholder a proxy holder votes for
    agenda: tuple[AgendaEntry, ...]
    kind: str = "ordinary"  # ordinary | extraordinary | mixed: the name in every language
    meeting_at: datetime | None = None
    place: str = ""
    closed_at: datetime | None = None  # when staff or the schedule actually closed it
    voter_name: str = ""
    votes: int = 1  # what this ballot weighs
    basis: str = "per_member"
    quorum_fraction: str = "1/2"
    second_meeting: bool = False


@dataclass(frozen=True)
class Receipt:
    receipt: str
    assembly_id: int
    replaced: bool


def _agenda(session: Session, assembly_id: int) -> list[Any]:
    return list(
        session.scalars(
            select(Resolution)
            .where(Resolution.assembly_id == assembly_id)
            .order_by(Resolution.position)
        )
    )


def agenda_items(session: Session, assembly_id: int) -> list[AgendaItem]:
    """The agenda as the validation rules see it."""
    return [
        AgendaItem(
            r.code,
            r.kind.value,
            r.seats or 0,
            tuple(str(c["id"]) for c in r.candidates),
        )
        for r in _agenda(session, assembly_id)
    ]


def _localised(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def _voter_by_code(session: Session, settings: Settings, code: str, lock: bool) -> AssemblyVoter:
    try:
        digest = _code_hash(ballot_hash_key(settings), code)
    except InvalidBallotCode as typo:
        # a code printed before the check character changed: valid only if it is a voter's
        try:
            digest = _code_hash(ballot_hash_key(settings), code, legacy=True)
        except InvalidBallotCode:
            raise typo from None
        if _find_voter(session, digest, lock) is None:
            raise typo from None
    voter = _find_voter(session, digest, lock)
    if voter is None:
        raise UnknownBallotCode(
            "this ballot code is not valid: check it on your ballot", field="ballot_code"
        )
    return voter


def _find_voter(session: Session, digest: str, lock: bool) -> AssemblyVoter | None:
    query = select(AssemblyVoter).where(AssemblyVoter.ballot_code_hash == digest)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _represented_name(session: Session, voter: AssemblyVoter) -> str | None:
    proxy = session.scalar(
        select(Proxy).where(
            Proxy.assembly_id == voter.assembly_id, Proxy.giver_member_id == voter.member_id
        )
    )
    if proxy is None:
        return None
    return session.get_one(Member, voter.member_id).display_name


def ballot_view(uow: UnitOfWork, code: str, now: datetime) -> BallotView:
    """The agenda in the voter's language and the state of the window (read only)."""
    session = uow.session
    voter = _voter_by_code(session, uow.settings, code, lock=False)
    assembly = session.get_one(Assembly, voter.assembly_id)
    state = voting.window_state(now, assembly.voting_opens_at, assembly.voting_closes_at)
    if assembly.status is AssemblyStatus.CLOSED:
        state = WindowState.CLOSED
    lang = voter.language.value
    agenda = tuple(
        AgendaEntry(
            r.code,
            r.kind.value,
            _localised(r.title, lang),
            _localised(r.text, lang),
            r.seats or 0,
            tuple((str(c["id"]), str(c.get("name", c["id"]))) for c in r.candidates),
            bool(r.board_report),
        )
        for r in _agenda(session, assembly.id)
    )
    seal = session.get(VotingSeal, assembly.id)
    rules = get_statutes().voting
    view = BallotView(
        assembly.id,
        assembly.title,
        lang,
        state,
        assembly.voting_opens_at,
        assembly.voting_closes_at,
        voter.voted,
        get_statutes().voting.revote_replaces,
        _represented_name(session, voter),
        agenda,
        kind=assembly.kind.value,
        meeting_at=assembly.meeting_at,
        place=assembly.place,
        closed_at=seal.closed_at if seal is not None else None,
        voter_name=session.get_one(Member, voter.member_id).display_name,
        votes=voter.weight,
        basis=rules.basis,
        quorum_fraction=rules.quorum_fraction,
        second_meeting=bool(assembly.second_meeting),
    )
    uow.rollback()
    return view


# ------------------------------------------------------------------------ casting


def _attend(
    session: Session, assembly_id: int, member_id: int, mode: AttendanceMode, by: str | None
) -> None:
    row = session.get(Attendance, (assembly_id, member_id))
    if row is None:
        session.add(
            Attendance(assembly_id=assembly_id, member_id=member_id, mode=mode, represented_by=by)
        )
    elif row.mode is not AttendanceMode.PRESENT or mode is AttendanceMode.PRESENT:
        row.mode, row.represented_by = mode, by


def cast_ballot(
    uow: UnitOfWork,
    code: str,
    choices: dict[str, Any],
    *,
    now: datetime,
    channel: BallotChannel = BallotChannel.WEB,
    actor: Actor | None = None,
) -> Receipt:
    """Cast the ballot of one code: lock the voter, refuse a used code (or replace the
    earlier ballot when the statutes say so), check the choices, mark the voter and the
    attendance, store the anonymous ballot, and return its receipt."""
    session = uow.session
    statutes = get_statutes()
    voter = _voter_by_code(session, uow.settings, code, lock=True)
    assembly = session.get_one(Assembly, voter.assembly_id)
    _check_voting_open(assembly, now, channel)
    clean = voting.validate_choices(agenda_items(session, assembly.id), choices)
    tag = None
    replaced = False
    if statutes.voting.revote_replaces:
        tag = voting.replace_tag(
            revote_key(uow.settings), assembly.id, normalise_ballot_code(code, legacy=True)
        )
    if voter.voted:
        _drop_earlier_ballot(session, assembly.id, tag)
        replaced = True
    by_proxy = _attend_voting(session, assembly.id, voter.member_id, channel)
    voter.voted = True
    receipt = _store_ballot(session, assembly.id, clean, voter.weight, tag)
    # The timeline records that the member took part, never what they chose.
    uow.timeline.record(
        actor=actor or Actor.system("ballot-web"),
        action="assembly_vote_replaced" if replaced else "assembly_vote_cast",
        subject_type="assembly",
        subject_id=assembly.id,
        member_id=voter.member_id,
        details={"channel": channel.value, "by_proxy": by_proxy},
    )
    uow.commit()
    return Receipt(receipt, assembly.id, replaced)


def _check_voting_open(assembly: Assembly, now: datetime, channel: BallotChannel) -> None:
    """The window is open, and this channel is allowed (remote voting may be refused)."""
    voting.check_window(
        now,
        assembly.voting_opens_at,
        assembly.voting_closes_at,
        closed=assembly.status is AssemblyStatus.CLOSED,
    )
    if channel is not BallotChannel.MEETING and not assembly.remote_voting_allowed:
        raise voting.RemoteVotingNotAllowed(
            "this assembly takes votes only at the meeting: no voting on the web or by post",
            field="remote_voting_allowed",
        )


def _drop_earlier_ballot(session: Session, assembly_id: int, tag: str | None) -> None:
    """A used code votes again only when the statutes let a revote replace its ballot."""
    if tag is None:
        raise voting.CodeAlreadyUsed(
            "this ballot code has already been used to vote", field="ballot_code"
        )
    earlier = session.scalar(
        select(Ballot).where(Ballot.assembly_id == assembly_id, Ballot.replace_tag == tag)
    )
    if earlier is None:  # e.g. cast before the statutes allowed revotes: never two ballots
        raise voting.CodeAlreadyUsed(
            "this ballot code has already been used and its earlier ballot cannot be replaced",
            field="ballot_code",
        )
    session.delete(earlier)
    session.flush()


def _attend_voting(
    session: Session, assembly_id: int, member_id: int, channel: BallotChannel
) -> bool:
    """The voter's attendance: represented (by their proxy), present or remote; True when a
    proxy holder votes."""
    proxy = session.scalar(
        select(Proxy).where(Proxy.assembly_id == assembly_id, Proxy.giver_member_id == member_id)
    )
    if proxy is not None:
        _attend(session, assembly_id, member_id, AttendanceMode.REPRESENTED, proxy.holder_name)
    elif channel is BallotChannel.MEETING:
        _attend(session, assembly_id, member_id, AttendanceMode.PRESENT, None)
    else:
        _attend(session, assembly_id, member_id, AttendanceMode.REMOTE, None)
    return proxy is not None


def _store_ballot(
    session: Session, assembly_id: int, clean: dict[str, Any], weight: int, tag: str | None
) -> str:
    """The anonymous ballot (nothing in it names the voter); returns its receipt."""
    nonce = secrets.token_hex(16)
    receipt = voting.receipt_for(assembly_id, nonce, clean)
    session.add(
        Ballot(
            id=uuid.uuid4().hex,
            assembly_id=assembly_id,
            receipt=receipt,
            nonce=nonce,
            choices=clean,
            weight=weight,
            replace_tag=tag,
        )
    )
    return receipt


def enter_paper_ballot(
    uow: UnitOfWork, code: str, choices: dict[str, Any], *, staff: str, now: datetime
) -> Receipt:
    """A ballot returned by post, typed by staff: the same checks as on the web."""
    return cast_ballot(
        uow, code, choices, now=now, channel=BallotChannel.PAPER, actor=Actor.staff(staff)
    )


# ------------------------------------------------------------------------ proxies


def _holder_key(holder_member_id: int | None, holder_name: str) -> str:
    if holder_member_id is not None:
        return f"member:{holder_member_id}"
    folded = unicodedata.normalize("NFKC", holder_name).casefold()
    return "name:" + " ".join(folded.split())


def _number(session: Session, member_id: int) -> str:
    member = session.get(Member, member_id)
    return (member.member_number if member else None) or f"id {member_id}"


def give_proxy(
    uow: UnitOfWork,
    assembly_id: int,
    giver_member_id: int,
    *,
    holder_member_id: int | None = None,
    holder_name: str | None = None,
    staff: str,
) -> int:
    """Record a proxy (checked against the statutes' cap and holder rule); returns its id."""
    session = uow.session
    assembly = session.get(Assembly, assembly_id, with_for_update=True)
    if assembly is None:
        raise NotFound(f"no assembly {assembly_id}", field="assembly_id")
    giver = session.scalar(
        select(AssemblyVoter).where(
            AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.member_id == giver_member_id
        )
    )
    if giver is None:
        raise NotFound(
            f"member {_number(session, giver_member_id)} is not a voter of assembly "
            f"{assembly_id} (not a shareholder at its record date)",
            field="giver",
        )
    if holder_member_id is not None:
        holder = session.get(Member, holder_member_id)
        if holder is None:
            raise NotFound(f"no member {holder_member_id}", field="holder")
        holder_name = holder.display_name
    if not holder_name or not holder_name.strip():
        raise voting.ProxyNotAllowed("give the proxy holder's name or member id", field="holder")
    key = _holder_key(holder_member_id, holder_name)
    _check_proxy(session, giver, holder_member_id, key)
    proxy = Proxy(
        assembly_id=assembly_id,
        giver_member_id=giver_member_id,
        holder_member_id=holder_member_id,
        holder_name=holder_name.strip(),
        holder_key=key,
        given_by_staff=staff,
    )
    session.add(proxy)
    session.flush()
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="assembly_proxy_given",
        subject_type="assembly",
        subject_id=assembly_id,
        member_id=giver_member_id,
        details={"holder": holder_name.strip(), "proxy_id": proxy.id},
    )
    uow.commit()
    return proxy.id


def _check_proxy(
    session: Session, giver: AssemblyVoter, holder_member_id: int | None, key: str
) -> None:
    """The statutes' proxy rules: holder a shareholder if they ask it, proxies per holder,
    one proxy per giver, none after the giver voted."""
    assembly_id = giver.assembly_id
    holder_is_shareholder = (
        holder_member_id is not None
        and (
            session.scalar(
                select(func.count())
                .select_from(AssemblyVoter)
                .where(
                    AssemblyVoter.assembly_id == assembly_id,
                    AssemblyVoter.member_id == holder_member_id,
                )
            )
            or 0
        )
        > 0
    )
    held = session.scalar(
        select(func.count())
        .select_from(Proxy)
        .where(Proxy.assembly_id == assembly_id, Proxy.holder_key == key)
    )
    already = session.scalar(
        select(Proxy.id).where(
            Proxy.assembly_id == assembly_id, Proxy.giver_member_id == giver.member_id
        )
    )
    rules = get_statutes().voting
    voting.check_proxy(
        holder_is_shareholder=holder_is_shareholder,
        proxy_must_be_shareholder=rules.proxy_must_be_shareholder,
        proxies_held=held or 0,
        proxies_per_holder=rules.proxies_per_holder,
        giver_is_holder=holder_member_id == giver.member_id,
        giver_has_voted=giver.voted,
        giver_already_gave=already is not None,
    )


def record_presence(uow: UnitOfWork, assembly_id: int, member_id: int, *, staff: str) -> None:
    """A voter signed the attendance list at the meeting (whether or not they vote)."""
    session = uow.session
    voter = session.scalar(
        select(AssemblyVoter).where(
            AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.member_id == member_id
        )
    )
    if voter is None:
        raise NotFound(
            f"member {member_id} is not a voter of assembly {assembly_id}", field="member"
        )
    if session.get(Attendance, (assembly_id, member_id)) is None:
        _attend(session, assembly_id, member_id, AttendanceMode.PRESENT, None)
        uow.timeline.record(
            actor=Actor.staff(staff),
            action="assembly_presence_recorded",
            subject_type="assembly",
            subject_id=assembly_id,
            member_id=member_id,
        )
    uow.commit()


__all__ = [
    "AgendaEntry",
    "BallotView",
    "Receipt",
    "ResolutionKind",
    "agenda_items",
    "ballot_view",
    "cast_ballot",
    "enter_paper_ballot",
    "give_proxy",
    "record_presence",
]
