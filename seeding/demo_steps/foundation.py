"""Demo: seed a sample cooperative, welcome a few members through the real flow."""

from __future__ import annotations

from typing import Any

from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.demo_steps import picks
from seeding.members import sample_members

SAMPLE_SIZE = 200


def seed_members(ctx: Any) -> None:
    with UnitOfWork() as uow:
        for facts in sample_members(SAMPLE_SIZE):
            members.create_member(
                uow.session, facts, Actor.system("demo-seed"), status=MemberStatus.ACTIVE
            )
        uow.commit()
    ctx.report("members", "sample members created (fr/nl/de/en, 11 offices)", SAMPLE_SIZE)


def welcome_some(ctx: Any) -> None:
    from flows.member_welcome import WelcomeParameters, member_welcome

    chosen = picks.with_email_per_language(2)
    for member_id in chosen:
        member_welcome(WelcomeParameters(member_id=member_id, staff="demo.staff"))
    ctx.report("member-welcome", "welcome letters + e-mails (2 per language)", len(chosen))
