"""Helpers for the register tests: members created through the members service."""

from __future__ import annotations

import itertools

import pytest

from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members

_counter = itertools.count(1)


def new_member(language: Language = Language.FR, email: str | None = "auto", **kw: object) -> int:
    n = next(_counter)
    facts = MemberFacts(
        kind=MemberKind.PERSON, first_name="Alex", last_name=f"Dupont{n}", language=language,
        office=Office.BRUXELLES, email=f"m{n}@example.org" if email == "auto" else email,
        street="Rue Haute 1", postcode="1000", city="Bruxelles", **kw,  # type: ignore[arg-type]
    )
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.system("test"),
                                       MemberStatus.ACTIVE)
        uow.commit()
        return member.id


@pytest.fixture
def make_member(coop_env):  # type: ignore[no-untyped-def]
    return new_member
