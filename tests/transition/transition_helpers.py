"""Helpers for the transition tests: a CSV of old-system members, imported for real."""

from __future__ import annotations

import csv
import io
from datetime import date

from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.use_cases.member_import import import_members
from seeding.transition import members_csv

TODAY = date(2026, 12, 1)


def import_sample(count: int, *, without_email_every: int = 5) -> None:
    """Import `count` sample members (every Nth without e-mail) through the real import."""
    text = members_csv(count, without_email_every=without_email_every)
    with UnitOfWork() as uow:
        import_members(uow, text, actor=Actor.staff("anna"))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
