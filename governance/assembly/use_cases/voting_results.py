"""What closing publishes: the sealed result with the attendance list (for the minutes
and the results artifact), the results e-mails, and the receipts voters look theirs up in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.assembly.use_cases.ballot_keys import shared_document_key
from governance.assembly.use_cases.voting_closing import _assembly, _resolutions
from governance.db.models import Member
from governance.db.models.assembly import Assembly, AssemblyVoter
from governance.db.models.voting import Attendance, AttendanceMode, Ballot, VotingSeal
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.errors import InvalidTransition
from governance.statutes import get_statutes


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    mode: str
    represented_by: str
    shares: int


@dataclass(frozen=True)
class ClosedAssembly:
    """Everything the minutes, the results artifact and the e-mails need."""

    assembly_id: int
    title: str
    meeting_at: datetime
    place: str
    second_meeting: bool
    closed_at: datetime
    seal: str
    eligible_voters: int
    eligible_shares: int
    attendees: tuple[AttendeeLine, ...]
    capital_cents: int  # nominal value of the shares held by those present or represented
    titles: dict[str, dict[str, str]]  # resolution code -> language -> title
    candidate_names: dict[str, dict[str, str]]  # election code -> candidate id -> name
    result: dict[str, Any]
    trackers: tuple[str, ...]
    languages: tuple[str, ...]
    kind: str = "ordinary"  # members read the assembly's name by kind and year
    online_link: str = ""


def closed_assembly(uow: UnitOfWork, assembly_id: int) -> ClosedAssembly:
    """The sealed result with the attendance list (read only)."""
    session = uow.session
    assembly = _assembly(session, assembly_id)
    stored = session.get(VotingSeal, assembly_id)
    if stored is None:
        raise InvalidTransition(f"assembly {assembly_id} is not closed yet", field="assembly_id")
    attendees, capital = _attendance(session, assembly_id)
    totals = session.execute(
        select(func.count(), func.coalesce(func.sum(AssemblyVoter.shares), 0)).where(
            AssemblyVoter.assembly_id == assembly_id
        )
    ).one()
    resolutions = _resolutions(session, assembly_id)
    languages = _voter_languages(session, assembly_id)
    trackers = tuple(
        session.scalars(
            select(Ballot.receipt).where(Ballot.assembly_id == assembly_id).order_by(Ballot.receipt)
        )
    )
    view = ClosedAssembly(
        assembly_id=assembly.id,
        title=assembly.title,
        meeting_at=assembly.meeting_at,
        place=assembly.place,
        second_meeting=bool(assembly.second_meeting),
        closed_at=stored.closed_at,
        seal=stored.seal,
        eligible_voters=int(totals[0]),
        eligible_shares=int(totals[1]),
        attendees=attendees,
        capital_cents=capital,
        titles={r.code: dict(r.title) for r in resolutions},
        candidate_names={
            r.code: {str(c["id"]): str(c.get("name", c["id"])) for c in r.candidates}
            for r in resolutions
            if r.candidates
        },
        result=dict(stored.result),
        trackers=trackers,
        languages=languages,
        kind=str(assembly.kind),
        online_link=assembly.online_link or "",
    )
    uow.rollback()
    return view


def _attendance(session: Session, assembly_id: int) -> tuple[tuple[AttendeeLine, ...], int]:
    """The attendance list by name, and the nominal capital of those present or represented."""
    statutes = get_statutes()
    nominal = {c.code: c.nominal_value_cents for c in statutes.share_classes}
    rows = session.execute(
        select(Member, Attendance, AssemblyVoter)
        .join(Attendance, Attendance.member_id == Member.id)
        .join(
            AssemblyVoter,
            (AssemblyVoter.member_id == Member.id)
            & (AssemblyVoter.assembly_id == Attendance.assembly_id),
        )
        .where(Attendance.assembly_id == assembly_id)
    ).all()
    attendees = sorted(
        (
            AttendeeLine(m.display_name, a.mode.value, a.represented_by or "", v.shares)
            for m, a, v in rows
        ),
        key=lambda line: (line.name.casefold(), line.mode),
    )
    capital = 0
    for _m, _a, v in rows:
        by_class = v.shares_by_class or {}
        if by_class:
            capital += sum(nominal.get(k, 0) * n for k, n in by_class.items())
        else:
            capital += v.shares * statutes.share_classes[0].nominal_value_cents
    return tuple(attendees), capital


def _voter_languages(session: Session, assembly_id: int) -> tuple[str, ...]:
    """The languages the voters read, French when there are none."""
    return tuple(
        sorted(
            {
                lang.value
                for lang in session.scalars(
                    select(AssemblyVoter.language)
                    .where(AssemblyVoter.assembly_id == assembly_id)
                    .distinct()
                )
            }
        )
    ) or ("fr",)


def attendance_counts(view: ClosedAssembly) -> dict[str, int]:
    counts = {mode.value: 0 for mode in AttendanceMode}
    for line in view.attendees:
        counts[line.mode] += 1
    return counts


def queue_result_mails(
    uow: UnitOfWork,
    assembly_id: int,
    *,
    summaries: dict[str, str],
    title: str | dict[str, str],
    seal: str,
    after_voter_id: int = 0,
    limit: int = 1000,
) -> tuple[int, int | None]:
    """Queue the results e-mail for the next `limit` voters with an e-mail address (by
    voter id, after `after_voter_id`); returns (queued, last voter id or None when done).
    The outbox key makes a second run queue nothing twice."""
    from governance.kernel.use_cases import outbox

    session = uow.session
    if session.get(VotingSeal, assembly_id) is None:
        raise InvalidTransition(f"assembly {assembly_id} is not closed yet", field="assembly_id")
    rows = session.execute(
        select(
            AssemblyVoter.id, AssemblyVoter.member_id, AssemblyVoter.email, AssemblyVoter.language
        )
        .where(AssemblyVoter.assembly_id == assembly_id, AssemblyVoter.id > after_voter_id)
        .order_by(AssemblyVoter.id)
        .limit(limit)
    ).all()
    queued = 0
    base = uow.settings.ballot_base_url.rstrip("/")
    for _voter_id, member_id, email, language in rows:
        if not email:
            continue  # postal shareholders read the minutes at the office or on request
        outbox.enqueue(
            session,
            key=mail_keys.assembly_results_key(assembly_id, member_id),
            to=email,
            template="assembly_results",
            language=language,
            member_id=member_id,
            context={
                "title": title if isinstance(title, str) else title[language.value],
                "summary": summaries[language.value],
                "seal": seal,
                "receipts_url": f"{base}/receipts/{assembly_id}",
                "verifier_url": f"{base}/verify_board.py",
            },
        )
        queued += 1
    uow.commit()
    return queued, (rows[-1][0] if len(rows) == limit else None)


@dataclass(frozen=True)
class Turnout:
    assembly_id: int
    voted: int
    eligible: int
    closed: bool


def turnout(uow: UnitOfWork, assembly_id: int) -> Turnout:
    """How many have voted so far, for staff during the vote: a count, never a result."""
    session = uow.session
    _assembly(session, assembly_id)
    voted, eligible = session.execute(
        select(
            func.count().filter(AssemblyVoter.voted.is_(True)),
            func.count(),
        ).where(AssemblyVoter.assembly_id == assembly_id)
    ).one()
    closed = session.get(VotingSeal, assembly_id) is not None
    uow.rollback()
    return Turnout(assembly_id, int(voted), int(eligible), closed)


PUBLIC_DOCUMENTS = {"convocation": "assembly_convocation", "proxy": "assembly_proxy"}


def _public_document_key(assembly: Assembly, name: str, language: str) -> str | None:
    if name == "board-report":
        return assembly.board_report_document_key
    template = PUBLIC_DOCUMENTS.get(name)
    return shared_document_key(assembly.id, template, language) if template else None


def public_document(
    uow: UnitOfWork, assembly_id: int, name: str, language: str
) -> tuple[str, str] | None:
    """(archive path, format) of a convocation document every shareholder received (the
    convocation, the proxy form in `language`, the board's report); None if there is none."""
    from governance.db.models import Document

    assembly = uow.session.get(Assembly, assembly_id)
    key = None if assembly is None else _public_document_key(assembly, name, language)
    found = None
    if key is not None:
        doc = uow.session.scalar(select(Document).where(Document.idempotency_key == key))
        found = (doc.path, doc.format.value) if doc is not None else None
    uow.rollback()
    return found


def public_documents(uow: UnitOfWork, assembly_id: int, language: str) -> tuple[str, ...]:
    """The names of the convocation documents available for this assembly and language."""
    from governance.db.models import Document

    assembly = uow.session.get(Assembly, assembly_id)
    names: list[str] = []
    for name in ("convocation", "board-report", "proxy"):
        key = None if assembly is None else _public_document_key(assembly, name, language)
        if key and uow.session.scalar(select(Document.id).where(Document.idempotency_key == key)):
            names.append(name)
    uow.rollback()
    return tuple(names)


def assembly_heading(uow: UnitOfWork, assembly_id: int) -> tuple[str, int] | None:
    """(kind, year) of an assembly, for its name in every language; None if unknown."""
    assembly = uow.session.get(Assembly, assembly_id)
    heading = None if assembly is None else (assembly.kind.value, assembly.meeting_at.year)
    uow.rollback()
    return heading
