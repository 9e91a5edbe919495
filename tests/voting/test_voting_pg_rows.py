"""PostgreSQL's hidden row columns: during the window a ballot and its voter share the
transaction id (xmin) of the cast; closing rewrites them so that pairing is gone."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor

pytestmark = pytest.mark.postgres
CHOICES = {"R1": "for", "R2": "for", "R3": "against", "E1": ["C2"]}


def _xmins(table: str, assembly_id: int) -> list[str]:
    with UnitOfWork() as uow:
        return list(uow.session.scalars(text(
            f"SELECT xmin::text FROM {table} WHERE assembly_id = :a"), {"a": assembly_id}))


def test_closing_removes_the_transaction_id_pairing_of_ballots_and_voters(convene) -> None:
    ga = convene(4)
    with UnitOfWork() as uow:
        if uow.session.bind.dialect.name != "postgresql":  # type: ignore[union-attr]
            pytest.skip("PostgreSQL only")
    for n in range(3):
        with UnitOfWork() as uow:
            service.cast_ballot(uow, ga.code(n), dict(CHOICES), now=ga.now)
    # the residual risk while voting is open (documented in docs/ballot-secrecy.md)
    assert set(_xmins("ballot", ga.assembly_id)) <= set(_xmins("assembly_voter", ga.assembly_id))
    with UnitOfWork() as uow:
        closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"), early=True)
    ballots = set(_xmins("ballot", ga.assembly_id))
    voters = set(_xmins("assembly_voter", ga.assembly_id))
    attendance = set(_xmins("attendance", ga.assembly_id))
    assert len(ballots) == 1 and ballots == voters == attendance  # all from the closing
