"""Brute force on the ballot page: well-formed random codes (right length and check
character) as fast as one client can send them, within a bounded budget. Wrong codes are
slowed by the page's throttle and none gets in."""

from __future__ import annotations

import os
import re
import time
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coopflow_cli.ballot_web.app import create_app
from governance.assembly.rules import assembly as rules
from governance.assembly.rules.voting import WrongCodeThrottle
from governance.clock import utcnow
from governance.db.models.voting import Ballot
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members
from seeding.voting import seed_assembly

WAIT = re.compile(r"(\d+)\s*(?:s\b|sec|second)")


def test_brute_force_on_the_ballot_page_is_slowed_and_never_succeeds(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]

    now = utcnow().replace(microsecond=0)
    with UnitOfWork() as uow:
        ids = [members.create_member(uow.session, facts, Actor.system("test"),
                                     status=MemberStatus.ACTIVE).id
               for facts in sample_members(5)]
        uow.commit()
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    real = set(sample.codes.values())
    throttle = WrongCodeThrottle()  # the page's defaults
    client = TestClient(create_app(clock=lambda: now, throttle=throttle))
    statuses: Counter[int] = Counter()
    waits: list[int] = []
    budget, started, attempts = 4.0, time.monotonic(), 0
    while time.monotonic() - started < budget and attempts < 2000:
        guess = rules.format_ballot_code(
            rules.derive_ballot_code(os.urandom(32), sample.assembly_id, attempts))
        assert guess not in real
        page = client.post("/ballot", data={"code": guess, "lang": "en"})
        statuses[page.status_code] += 1
        attempts += 1
        if page.status_code == 429:
            found = WAIT.search(page.text)
            if found:
                waits.append(int(found.group(1)))
    elapsed = time.monotonic() - started
    checked = statuses[400]
    with UnitOfWork() as uow:
        ballots = uow.session.scalar(select(func.count()).select_from(Ballot)) or 0
    faults_report.add(
        "ballot codes: brute force from one address (4 s budget)",
        attempts=attempts, faults=attempts,
        outcome=f"{checked} answered not valid, {statuses[429]} slowed (429, wait up to "
                f"{max(waits, default=0)} s), successes {statuses[200]}, "
                f"{attempts / elapsed:.0f} req/s",
    )
    assert statuses[200] == 0 and ballots == 0
    assert checked <= throttle.burst + int(elapsed / throttle.refill_seconds) + 1
    assert statuses[429] == attempts - checked > 0 and max(waits) >= 1
