"""Reading the raw SQLite files after the closing, while the ballot page keeps a connection
open: the write-ahead log, which during the vote holds every cast in order, is empty."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing as closing_connection
from pathlib import Path

import pytest

from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members
from seeding.voting import random_choices, seed_assembly
from tests.conftest import PG_URL


@pytest.mark.skipif(bool(PG_URL), reason="SQLite files (PostgreSQL: tests/voting)")
def test_after_closing_the_raw_sqlite_files_no_longer_hold_the_cast_order(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    now = utcnow().replace(microsecond=0)
    with UnitOfWork() as uow:
        ids = [members.create_member(uow.session, facts, Actor.system("test"),
                                     status=MemberStatus.ACTIVE).id
               for facts in sample_members(20)]
        uow.commit()
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    database = Path(coop_env.database_url.removeprefix("sqlite:///"))
    rng = random.Random(3)
    with closing_connection(sqlite3.connect(database, isolation_level=None)) as page:
        page.execute("SELECT count(*) FROM ballot").fetchall()
        receipts = []
        for n in range(20):
            with UnitOfWork() as uow:
                receipts.append(service.cast_ballot(uow, sample.codes[ids[n]],
                                                    random_choices(rng), now=now).receipt)
        during = Path(f"{database}-wal").read_bytes()
        in_log_before = sum(1 for r in receipts if r.encode() in during)
        with UnitOfWork() as uow:
            closing.close_voting(uow, sample.assembly_id, now=now, actor=Actor.system("t"),
                                 early=True)
        with UnitOfWork() as uow:
            closing.forget_cast_order(uow, sample.assembly_id)
        after = Path(f"{database}-wal").read_bytes()
        in_log_after = sum(1 for r in receipts if r.encode() in after)
    faults_report.add(
        "ballot secrecy: raw SQLite -wal read after closing, ballot page still connected",
        attempts=20, faults=1,
        outcome=f"cast order in the log: {in_log_before}/20 ballots during the vote, "
                f"{in_log_after}/20 after closing (log {len(after)} bytes)",
    )
    assert in_log_before == 20 and in_log_after == 0 and not after
