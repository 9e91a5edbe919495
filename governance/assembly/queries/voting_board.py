"""The public bulletin board of a closed vote: every receipt with its ballot, the seal, the
count and the rule applied to each item. Anonymous by construction (no voter, code or time);
anybody can recount it with `coopflow_cli/verify_board.py` (standard library only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from governance.assembly.use_cases.voting_closing import _assembly, _resolutions
from governance.db.models.voting import Ballot, VotingSeal
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import InvalidTransition
from governance.statutes import get_statutes

BOARD_FORMAT = "coopflow-board/1"


def bulletin_board(uow: UnitOfWork, assembly_id: int) -> dict[str, Any]:
    """The board as plain JSON-able data; refused before the close."""
    session = uow.session
    assembly = _assembly(session, assembly_id)
    seal = session.get(VotingSeal, assembly_id)
    if seal is None:
        raise InvalidTransition(f"assembly {assembly_id} is not closed yet", field="assembly_id")
    rules = get_statutes().voting
    ballots = [
        {"receipt": receipt, "nonce": nonce, "choices": choices, "weight": weight}
        for receipt, nonce, choices, weight in session.execute(
            select(Ballot.receipt, Ballot.nonce, Ballot.choices, Ballot.weight)
            .where(Ballot.assembly_id == assembly_id)
            .order_by(Ballot.receipt)
        )
    ]
    agenda = [
        {
            "id": r.code,
            "kind": r.kind.value,
            "title": dict(r.title),
            "seats": r.seats or 0,
            "candidates": {str(c["id"]): str(c.get("name", c["id"])) for c in r.candidates},
        }
        for r in _resolutions(session, assembly_id)
    ]
    board = {
        "format": BOARD_FORMAT,
        "assembly": {
            "id": assembly.id,
            "kind": assembly.kind.value,
            "year": assembly.meeting_at.year,
            "title": assembly.title,
            "closed_at": seal.closed_at.isoformat(),
        },
        "rules": {
            "vote_basis": rules.basis,
            "quorum_fraction": rules.quorum_fraction,
            "quorum_basis": rules.quorum_basis,
            "second_meeting": bool(assembly.second_meeting),
        },
        "seal": seal.seal,
        "ballot_count": seal.ballots,
        "agenda": agenda,
        "ballots": ballots,
        "result": dict(seal.result),
    }
    uow.rollback()
    return board
