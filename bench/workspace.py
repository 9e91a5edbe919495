"""A throw-away cooperative for a benchmark: migrated SQLite, archive, SMTP sink."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from documents.sink import MailSink
from governance.config import get_settings, reset_settings
from governance.db.engine import dispose_engines
from governance.db.migrate import upgrade


@dataclass
class Workspace:
    root: Path
    sink: MailSink

    def seed_members(self, count: int) -> list[int]:
        from governance.db.uow import UnitOfWork
        from governance.kernel.rules.actor import Actor
        from governance.kernel.rules.enums import MemberStatus
        from governance.members.use_cases import members
        from seeding.members import sample_members

        ids = []
        with UnitOfWork() as uow:
            for facts in sample_members(count):
                member = members.create_member(
                    uow.session, facts, Actor.system("bench"), status=MemberStatus.ACTIVE
                )
                ids.append(member.id)
            uow.commit()
        return ids

    def eml_count(self) -> int:
        return len(list((self.root / "mail").glob("*.eml")))


@contextmanager
def workspace(root: Path, database_url: str | None = None) -> Iterator[Workspace]:
    with MailSink(root / "mail") as sink:
        os.environ.update(
            {
                "COOP_VAR_DIR": str(root),
                "COOP_ARCHIVE_DIR": str(root / "archive"),
                "COOP_DATABASE_URL": database_url or f"sqlite:///{root / 'bench.sqlite3'}",
                "COOP_SMTP_HOST": "127.0.0.1",
                "COOP_SMTP_PORT": str(sink.port),
                "COOP_SMTP_USER": "",
            }
        )
        reset_settings()
        dispose_engines()
        upgrade(get_settings().resolved_database_url())
        yield Workspace(root, sink)
        dispose_engines()
