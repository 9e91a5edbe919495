"""The wrong-code limit of the ballot page, attacked over real HTTP on the page's own uvicorn
settings (`coop ballot-web`): rotating X-Forwarded-For from a client that is no trusted proxy,
and neighbours behind one address locking a real voter out with wrong codes."""

from __future__ import annotations

import secrets
from collections import Counter

import httpx
from browser_kit import free_port, running

from coopflow_cli.ballot_web.app import server_config
from governance.assembly.rules import assembly as rules
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members
from seeding.voting import seed_assembly

FORM = {"r_R1": "for", "r_R2": "against", "r_R3": "abstain", "e_E1": ["C1"]}


def _assembly() -> tuple[int, list[str]]:
    now = utcnow().replace(microsecond=0)
    with UnitOfWork() as uow:
        ids = [members.create_member(uow.session, facts, Actor.system("test"),
                                     status=MemberStatus.ACTIVE).id
               for facts in sample_members(3)]
        uow.commit()
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    return sample.assembly_id, list(sample.codes.values())


def _wrong() -> str:
    body = secrets.token_hex(20).upper()[: rules.CODE_DATA_CHARS]
    return body + rules.check_char(body)


def test_rotating_x_forwarded_for_from_a_local_client_does_not_bypass_the_limit(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    _assembly()
    statuses: Counter[int] = Counter()
    with running(None, server_config("127.0.0.1", free_port())) as base:
        for n in range(30):
            page = httpx.post(f"{base}/ballot", data={"code": _wrong()},
                              headers={"X-Forwarded-For": f"198.51.{n}.{n + 1}"})
            statuses[page.status_code] += 1
    faults_report.add(
        "ballot codes: X-Forwarded-For rotated on every wrong code (no trusted proxy)",
        attempts=30, faults=30,
        outcome=f"{statuses[400]} answered, {statuses[429]} slowed (429): the header is ignored",
    )
    assert statuses[400] == 5 and statuses[429] == 25


def test_neighbours_wrong_codes_never_lock_a_real_voter_out(
    coop_env, faults_report
) -> None:  # type: ignore[no-untyped-def]
    _, codes = _assembly()
    statuses: Counter[int] = Counter()
    with running(None, server_config("127.0.0.1", free_port())) as base:
        for _ in range(40):
            statuses[httpx.post(f"{base}/ballot", data={"code": _wrong()}).status_code] += 1
        page = httpx.post(f"{base}/ballot", data={"code": codes[0]})
        cast = httpx.post(f"{base}/cast", data={"code": codes[0], **FORM})
    faults_report.add(
        "ballot codes: 40 wrong codes from the voter's own address, then the voter",
        attempts=41, faults=40,
        outcome=f"wrong codes slowed {statuses[429]}/40; the real code: page {page.status_code}, "
                f"vote {cast.status_code}",
    )
    assert statuses[429] == 35 and page.status_code == 200 and cast.status_code == 200
