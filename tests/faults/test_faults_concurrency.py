"""Concurrency decided by PostgreSQL: parallel share transfers of one holding (the register
race test's setup, many clients) and parallel casts of the same codes over real HTTP (the
voting tests' server and sample assembly). Figures: attempts, accepted, refused, violations."""

from __future__ import annotations

import itertools
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.engine import make_engine
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.errors import RuleViolation
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.use_cases import share_changes, shares

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("COOP_TEST_DATABASE_URL"), reason="needs PostgreSQL"),
]
_numbers = itertools.count(1)


def _member() -> int:
    n = next(_numbers)
    facts = MemberFacts(kind=MemberKind.PERSON, first_name="Ana", last_name=f"Race{n}",
                        language=Language.FR, office=Office.BRUXELLES, email=f"r{n}@example.org",
                        street="Rue Haute 1", postcode="1000", city="Bruxelles")
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.system("test"),
                                       MemberStatus.ACTIVE)
        uow.commit()
        return member.id


def test_parallel_transfers_of_one_holding_never_give_away_more_than_it_holds(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from test_register_changes import holder

    held_at_start, clients = 10, 16
    giver = holder(_member, held_at_start)
    receivers = [_member() for _ in range(clients)]
    barrier = threading.Barrier(clients)
    outcomes: list[object] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        engine = make_engine(coop_env.database_url)  # its own engine, its own connection
        try:
            with Session(engine) as session:
                barrier.wait()
                try:
                    share_changes.transfer_shares(
                        session, from_member_id=giver, to_member_id=receivers[i],
                        share_class="A", shares=1 + i % 2, effective_on=date(2026, 2, 1),
                        approved_by="board", request_key=f"race-{i}", actor=Actor.staff("x"))
                    session.commit()
                    result: object = 1 + i % 2
                except RuleViolation as exc:
                    session.rollback()
                    result = exc
                except Exception as exc:  # a crash, a deadlock: counted, and fails the test
                    session.rollback()
                    result = ("error", repr(exc))
        finally:
            engine.dispose()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    accepted = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    errors = [o for o in outcomes if isinstance(o, tuple)]
    with UnitOfWork() as uow:
        held = {h.member_id: h.shares
                for h in shares.holdings_as_at(uow.session, date(2026, 2, 1))}
        verified = store.verify(uow.session)
    violations = (
        int(sum(accepted) > held_at_start)
        + int(held.get(giver, 0) != held_at_start - sum(accepted))
        + int(sum(held.values()) != held_at_start)
        + int(any(n < 0 for n in held.values()))
        + int(not verified.ok)
    )
    faults_report.add(
        f"concurrency (PostgreSQL): {clients} parallel transfers from one holding of 10",
        attempts=len(outcomes), faults=clients,
        outcome=f"{len(accepted)} accepted ({sum(accepted)} shares), {len(refused)} refused, "
                f"{len(errors)} errors, {violations} invariant violations",
    )
    assert not errors, errors
    assert len(outcomes) == clients and len(accepted) + len(refused) == clients
    assert violations == 0 and accepted and refused


def test_parallel_casts_of_the_same_codes_give_one_ballot_per_code(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from browser_kit import running

    from coopflow_cli.ballot_web.app import create_app
    from governance.db.models.voting import Ballot
    from seeding.members import sample_members
    from seeding.voting import seed_assembly

    codes_count, per_code = 20, 10
    now = utcnow().replace(microsecond=0)
    with UnitOfWork() as uow:
        ids = [members.create_member(uow.session, facts, Actor.system("test"),
                                     status=MemberStatus.ACTIVE).id
               for facts in sample_members(codes_count)]
        uow.commit()
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    form = {"r_R1": "for", "r_R2": "against", "r_R3": "abstain", "e_E1": ["C1", "C3"]}
    jobs = [sample.codes[m] for m in ids for _ in range(per_code)]
    with running(create_app(clock=lambda: now)) as base:
        def cast(code: str) -> int:
            with httpx.Client(timeout=120) as http:
                return http.post(f"{base}/cast", data={"code": code, **form}).status_code

        with ThreadPoolExecutor(max_workers=100) as pool:
            statuses = Counter(pool.map(cast, jobs))
    with UnitOfWork() as uow:
        ballots = uow.session.scalar(select(func.count()).select_from(Ballot)) or 0
    violations = int(ballots != codes_count) + int(statuses[200] != codes_count)
    faults_report.add(
        f"concurrency (PostgreSQL): {len(jobs)} parallel casts of {codes_count} codes",
        attempts=len(jobs), faults=len(jobs) - codes_count,
        outcome=f"{statuses[200]} accepted, {statuses[409]} refused (409), "
                f"other {sum(n for s, n in statuses.items() if s not in (200, 409))}, "
                f"{ballots} ballots, {violations} invariant violations",
    )
    assert statuses == Counter({200: codes_count, 409: len(jobs) - codes_count})
    assert violations == 0
