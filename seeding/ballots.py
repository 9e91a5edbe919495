"""Stored ballots for the benchmark of the count: every voter of a sample assembly has voted.

History no use case creates at this scale: a ballot is cast through `voting.cast_ballot`, one
transaction (lock, checks, ballot, attendance, timeline) per voter; the count at closing is
measured on 75,000 stored ballots, so they are written here in bulk, as casting would have left
them (an anonymous ballot with its receipt, a remote attendance, the voter marked as voted).
"""

from __future__ import annotations

import random
import uuid

from sqlalchemy import insert, select, update

from governance.assembly.rules import voting
from governance.assembly.use_cases.voting import agenda_items
from governance.db.models.assembly import AssemblyVoter
from governance.db.models.voting import Attendance, AttendanceMode, Ballot
from governance.db.uow import UnitOfWork
from seeding.voting import random_choices

BATCH = 5000


def seed_cast_ballots(uow: UnitOfWork, assembly_id: int, seed: int = 2026) -> int:
    """One random ballot per voter of the assembly, stored as cast (committed); their count."""
    session = uow.session
    agenda = agenda_items(session, assembly_id)
    with_election = any(item.is_election for item in agenda)
    voters = session.execute(
        select(AssemblyVoter.member_id, AssemblyVoter.weight)
        .where(AssemblyVoter.assembly_id == assembly_id)
        .order_by(AssemblyVoter.member_id)
    ).all()
    rng = random.Random(seed)
    ballots = []
    for _member_id, weight in voters:
        choices = random_choices(rng, with_election)
        for item in agenda:  # the motions beyond the sample's agenda
            if item.code not in choices:
                choices[item.code] = rng.choice(["for", "against", "abstain"])
        nonce = uuid.uuid4().hex
        ballots.append(
            {
                "id": uuid.uuid4().hex,
                "assembly_id": assembly_id,
                "receipt": voting.receipt_for(assembly_id, nonce, choices),
                "nonce": nonce,
                "choices": choices,
                "weight": weight,
                "replace_tag": None,
            }
        )
    for start in range(0, len(ballots), BATCH):
        session.execute(insert(Ballot), ballots[start : start + BATCH])
        session.execute(
            insert(Attendance),
            [
                {
                    "assembly_id": assembly_id,
                    "member_id": member_id,
                    "mode": AttendanceMode.REMOTE,
                    "represented_by": None,
                }
                for member_id, _weight in voters[start : start + BATCH]
            ],
        )
    session.execute(
        update(AssemblyVoter).where(AssemblyVoter.assembly_id == assembly_id).values(voted=True)
    )
    uow.commit()
    return len(ballots)
