"""Fixtures of the voting tests: sample members and a convened assembly with open voting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members
from seeding.voting import SampleAssembly, seed_assembly


@dataclass
class Convened:
    assembly_id: int
    member_ids: list[int]
    codes: dict[int, str]
    now: datetime

    def code(self, n: int) -> str:
        return self.codes[self.member_ids[n]]


def make_members(count: int) -> list[int]:
    with UnitOfWork() as uow:
        ids = [
            members.create_member(uow.session, facts, Actor.system("test"),
                                  status=MemberStatus.ACTIVE).id
            for facts in sample_members(count)
        ]
        uow.commit()
    return ids


@pytest.fixture
def convene(coop_env) -> Callable[..., Convened]:  # type: ignore[no-untyped-def]
    """convene(voters=10, **seed_assembly options) -> Convened."""

    created: list[int] = []  # members are reused by later assemblies of the same test

    def _convene(voters: int = 10, now: datetime | None = None, **options) -> Convened:  # type: ignore[no-untyped-def]
        now = now or utcnow().replace(microsecond=0)
        if voters > len(created):
            created.clear()
            created.extend(make_members(voters))
        ids = created[:voters]
        with UnitOfWork() as uow:
            sample: SampleAssembly = seed_assembly(uow, ids, now=now, **options)
            uow.commit()
        return Convened(sample.assembly_id, ids, sample.codes, now)

    return _convene


@pytest.fixture
def later() -> Callable[[datetime, float], datetime]:
    return lambda moment, hours: moment + timedelta(hours=hours)
