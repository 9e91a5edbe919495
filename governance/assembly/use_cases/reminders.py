"""The reminder before the close of the vote: one e-mail to every voter with an address who has
not voted yet, their ballot attached again.

Functions that change data take a UnitOfWork and commit once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from governance.assembly.rules.assembly import AssemblyStatus
from governance.assembly.use_cases.assembly import _assembly
from governance.assembly.use_cases.ballot_keys import ballot_document_key
from governance.db.models.assembly import AssemblyVoter
from governance.db.repositories.outbox import NewMessage
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor


def queue_reminders(
    uow: UnitOfWork, assembly_id: int, *, now: datetime, context: dict[str, dict[str, Any]]
) -> int:
    """One reminder to every voter with an e-mail address who has not voted (their ballot
    attached again: the code never travels in a database row). Safe to call twice."""
    s = uow.session
    a = _assembly(s, assembly_id)
    if a.status is not AssemblyStatus.CONVENED or now >= a.voting_closes_at:
        uow.rollback()
        return 0
    rows = s.execute(
        select(AssemblyVoter.member_id, AssemblyVoter.email, AssemblyVoter.language).where(
            AssemblyVoter.assembly_id == assembly_id,
            AssemblyVoter.voted.is_(False),
            AssemblyVoter.email.is_not(None),
            AssemblyVoter.prepared_at.is_not(None),
        )
    ).tuples()
    mails = uow.outbox.enqueue_many(
        (
            NewMessage(
                key=mail_keys.assembly_reminder_key(assembly_id, mid),
                member_id=mid,
                to=email,
                language=lang,
                template="assembly_reminder",
                context=context[str(lang)],
                attachment_keys=[ballot_document_key(assembly_id, mid)],
            )
            for mid, email, lang in rows
            if email is not None  # the query asks for addresses only
        ),
        now,
    )
    if mails:
        TimelineRepository(s).record(
            actor=Actor.system("assembly-reminders"),
            action="assembly_reminders_queued",
            subject_type="assembly",
            subject_id=assembly_id,
            details={"reminders": len(mails)},
        )
    uow.commit()
    return len(mails)
