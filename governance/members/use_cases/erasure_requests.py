"""A member's request to be erased (GDPR art. 17): recorded as a staff decision request that a
register keeper answers (erase now, or refuse with a reason told to the member)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from governance.clock import brussels_date
from governance.db.models import DecisionRequest
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionStatus
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.members.use_cases import members
from governance.members.use_cases.erasure import has_open_contracts, holds_shares

PROCESS = "member-erasure"
DECIDE_WITHIN = timedelta(days=7)


def erasure_key(member_id: int, source: str) -> str:
    """The decision key of one request (`source`: the portal's request key, or the run)."""
    return f"{PROCESS}:{member_id}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class ErasureRequestView:
    """One request and where it stands; `verdict` is "erase" or "refuse" once decided."""

    key: str
    member_id: int
    member_number: str | None
    requested_at: datetime
    status: DecisionStatus
    flow_run_id: str | None
    verdict: str | None
    reason: str


def _view(row: DecisionRequest, member_number: str | None) -> ErasureRequestView:
    decision = row.decision or {}
    return ErasureRequestView(
        key=row.key,
        member_id=int(row.member_id or 0),
        member_number=member_number,
        requested_at=row.requested_at,
        status=DecisionStatus(row.status),
        flow_run_id=row.flow_run_id,
        verdict=str(decision["verdict"]) if "verdict" in decision else None,
        reason=str(decision.get("reason", "")),
    )


def latest_request(uow: UnitOfWork, member_id: int) -> ErasureRequestView | None:
    """The member's most recent erasure request, if any."""
    row = uow.session.scalar(
        select(DecisionRequest)
        .where(DecisionRequest.process == PROCESS, DecisionRequest.member_id == member_id)
        .order_by(DecisionRequest.requested_at.desc(), DecisionRequest.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return _view(row, members.get_member(uow.session, member_id).member_number)


def question(uow: UnitOfWork, member_id: int, now: datetime) -> str:
    """What the register keeper reads before deciding: who, and what the law makes us keep."""
    member = members.get_member(uow.session, member_id)
    shares = holds_shares(uow.session, member_id, brussels_date(now))
    contracts = has_open_contracts(uow.session, member_id)
    if shares or contracts:
        verdict = (
            "**The rules refuse erasure now** (legal retention): "
            + ("the member holds shares or a subscription awaits payment; " if shares else "")
            + ("contracts still run; " if contracts else "")
            + "choose *refuse* and tell the member why, or *erase* once this has changed."
        )
    else:
        verdict = "No share and no running contract: the rules allow erasure now."
    return (
        f"### Erasure request (GDPR art. 17): member {member.member_number or member.id}\n\n"
        f"- Name: {member.name}\n- Status: {member.status.value}\n\n{verdict}"
    )


def ask_for_erasure(
    uow: UnitOfWork, member_id: int, key: str, *, actor: Actor, now: datetime
) -> ErasureRequestView:
    """Record the request once: while one is open, asking again returns it. Commits."""
    member = members.get_member(uow.session, member_id)
    if member.status is MemberStatus.ERASED:
        raise InvalidTransition(f"member {member_id} was erased already", field="member")
    if not key.startswith(f"{PROCESS}:{member_id}:"):
        raise NotFound(f"'{key}' is not an erasure request of member {member_id}", field="key")
    latest = latest_request(uow, member_id)
    if latest is not None and latest.status is DecisionStatus.OPEN:
        return latest
    if uow.decisions.find(key) is None:
        uow.decisions.open(
            key=key,
            process=PROCESS,
            subject_type="member",
            subject_id=member_id,
            question=question(uow, member_id, now),
            due_in=DECIDE_WITHIN,
            member_id=member_id,
            now=now,
        )
        uow.timeline.record(
            actor=actor,
            action="erasure_requested",
            subject_type="member",
            subject_id=member_id,
            member_id=member_id,
            details={"key": key},
        )
    row = uow.session.scalar(select(DecisionRequest).where(DecisionRequest.key == key))
    assert row is not None
    view = _view(row, member.member_number)
    uow.commit()
    return view


def refusal_key(key: str) -> str:
    """The outbox key of the refusal e-mail of one request."""
    return f"{key}:refused"


def refuse_erasure(
    uow: UnitOfWork, key: str, *, reason: str, retention: bool, staff: str
) -> str | None:
    """Tell the member why their data is kept (`retention`: the law's rule refused it);
    returns the outbox key (None: no e-mail address). Commits."""
    row = uow.session.scalar(select(DecisionRequest).where(DecisionRequest.key == key))
    if row is None or row.member_id is None:
        raise NotFound(f"no erasure request '{key}'", field="key")
    member = members.get_member(uow.session, row.member_id)
    mail = refusal_key(key)
    if uow.outbox.counts(mail):  # told already (a task run again)
        return mail
    if member.email:
        uow.outbox.enqueue(
            key=mail,
            to=member.email,
            template="member_erasure_refused",
            language=member.language,
            context={
                "name": member.name,
                "reason": reason,
                "retention": retention,
                "requested_at": brussels_date(row.requested_at).isoformat(),
            },
            member_id=member.id,
        )
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="erasure_refused",
        subject_type="member",
        subject_id=member.id,
        member_id=member.id,
        details={"key": key, "retention": retention},
    )
    uow.commit()
    return mail if member.email else None
