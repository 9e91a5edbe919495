"""The bench's stored ballots (seeding.ballots) must be what casting leaves: closing counts
them, the seal verifies, and a voter's code is spent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance.assembly.rules.voting import CodeAlreadyUsed
from governance.assembly.use_cases import voting, voting_closing
from governance.clock import business_today, utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from seeding.assembly import seed_shareholders
from seeding.ballots import seed_cast_ballots
from seeding.voting import seed_assembly


def test_seeded_ballots_close_count_and_verify_like_cast_ones(coop_env) -> None:  # type: ignore[no-untyped-def]
    now = utcnow().replace(microsecond=0)
    ids = seed_shareholders(12, business_today() - timedelta(days=30))
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now, extra_motions=2)
    with UnitOfWork() as uow:
        assert seed_cast_ballots(uow, sample.assembly_id) == 12
    choices = {"R1": "for", "R2": "for", "R3": "for", "E1": [], "R4": "for", "R5": "for"}
    with UnitOfWork() as uow, pytest.raises(CodeAlreadyUsed):
        voting.cast_ballot(uow, sample.codes[ids[0]], choices, now=now)
    with UnitOfWork() as uow:
        summary = voting_closing.close_voting(
            uow, sample.assembly_id, now=now, actor=Actor.system("test"), early=True
        )
    assert summary.ballots == 12
    with UnitOfWork() as uow:
        report = voting_closing.verify(uow, sample.assembly_id, published_seal=summary.seal)
    assert report.ok, report.problems
    with UnitOfWork() as uow:
        agenda = {item.code for item in voting.agenda_items(uow.session, sample.assembly_id)}
    assert agenda == {"R1", "R2", "R3", "E1", "R4", "R5"}
