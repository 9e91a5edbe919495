"""How far the convening has come: documents prepared, e-mails sent or bounced, the postal list,
chunks done (what staff watch as the progress artifact).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.assembly.use_cases.chunks import CONVOCATION, outbox_counts
from governance.db.models.assembly import AssemblyMailingChunk, AssemblyVoter
from governance.kernel.rules import mail_keys
from governance.kernel.rules.enums import OutboxStatus


@dataclass(frozen=True)
class MailingProgress:
    voters: int
    prepared: int
    postal: int
    sent: int
    bounced: int
    waiting: int
    chunks: int
    chunks_done: int

    @property
    def fraction(self) -> float:
        total = self.voters * 2  # documents, then delivery (or the postal list)
        done = self.prepared + self.sent + self.bounced + self.postal
        return min(1.0, done / total) if total else 1.0


def mailing_progress(session: Session, assembly_id: int) -> MailingProgress:
    """The convening mailing's figures: voters, documents, e-mails, the postal list, chunks."""
    voters, prepared, postal = session.execute(
        select(
            func.count(),
            func.count(AssemblyVoter.prepared_at),
            func.count().filter(AssemblyVoter.postal.is_(True)),
        ).where(AssemblyVoter.assembly_id == assembly_id)
    ).one()
    counts = outbox_counts(session, mail_keys.assembly_convocation(assembly_id))
    chunks, done = session.execute(
        select(func.count(), func.count(AssemblyMailingChunk.mail_done_at)).where(
            AssemblyMailingChunk.assembly_id == assembly_id,
            AssemblyMailingChunk.phase == CONVOCATION,
        )
    ).one()
    return MailingProgress(
        int(voters),
        int(prepared),
        int(postal),
        counts.get(OutboxStatus.SENT, 0),
        counts.get(OutboxStatus.BOUNCED, 0) + counts.get(OutboxStatus.FAILED, 0),
        counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0),
        int(chunks),
        int(done),
    )
