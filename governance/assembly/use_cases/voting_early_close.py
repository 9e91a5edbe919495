"""Closing a general assembly's vote before the end announced in the convocation.

It is a board member's decision, proven like every other (`verify_decider`, kind
ASSEMBLY_EARLY_CLOSE). It is kept as a decision request: the closing run asks for it in its
resume form, or finds it recorded when the board member gave it first at the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from governance.clock import BRUSSELS, utcnow
from governance.db.models.assembly import Assembly
from governance.db.models.voting import VotingSeal
from governance.db.uow import UnitOfWork
from governance.kernel.rules.decisions import DecisionStatus
from governance.kernel.rules.errors import NotFound

PROCESS = "assembly-closing"
ANSWER_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class EarlyCloseRequest:
    """What the board is asked, under which decision key."""

    key: str
    assembly_id: int
    question: str


def early_close_request(
    session: Session, assembly_id: int, now: datetime | None = None
) -> EarlyCloseRequest | None:
    """The question to ask while the vote is still open; None when closing needs no decision
    (sealed already, or the announced end has passed)."""
    assembly = session.get(Assembly, assembly_id)
    if assembly is None:
        raise NotFound(f"no general assembly {assembly_id}", field="assembly_id")
    moment = now or utcnow()
    if session.get(VotingSeal, assembly_id) is not None or moment >= assembly.voting_closes_at:
        return None
    closes = assembly.voting_closes_at.astimezone(BRUSSELS)
    question = (
        f"**Close the vote of «{assembly.title}» now?**\n\n"
        f"The convocation announced the vote open until {closes:%d/%m/%Y %H:%M} (Brussels "
        "time). Closing now seals the ballots cast so far, counts them and e-mails the "
        "results to every shareholder: it cannot be undone. A board member decides."
    )
    return EarlyCloseRequest(f"assembly:{assembly_id}:close-early", assembly_id, question)


def decide_early_close(
    uow: UnitOfWork, assembly_id: int, staff: str, reason: str = "", now: datetime | None = None
) -> str | None:
    """Record the verified board member's decision to close now; the closing run reads it.
    Returns the decision key (None: the vote needs no early close any more)."""
    session = uow.session
    request = early_close_request(session, assembly_id, now)
    if request is None:
        return None
    opened = uow.decisions.open(
        key=request.key,
        process=PROCESS,
        subject_type="assembly",
        subject_id=assembly_id,
        question=request.question,
        due_in=ANSWER_WITHIN,
        now=now,
    )
    if opened.status != DecisionStatus.DECIDED:  # decided already: it stands
        uow.decisions.decide(key=request.key, decision={"reason": reason}, staff=staff, now=now)
    uow.commit()
    return request.key
