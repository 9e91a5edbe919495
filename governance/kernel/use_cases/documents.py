"""Recording generated documents in the archive index, linked to the member's timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Document
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these documents are archived already (a re-run renders only the others)."""
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        found.update(
            session.scalars(
                select(Document.idempotency_key).where(Document.idempotency_key.in_(chunk))
            )
        )
    return found


def record_documents(
    session: Session, documents: list[ArchivedDocument], actor: Actor | None = None
) -> int:
    """Index archived files (skipping keys already indexed) with a timeline event each."""
    already = existing_keys(session, [d.key for d in documents])
    actor = actor or Actor.system("documents")
    added = 0
    for doc in documents:
        if doc.key in already:
            continue
        session.add(
            Document(
                idempotency_key=doc.key,
                template=doc.template,
                template_version=doc.template_version,
                language=doc.language,
                format=doc.format,
                path=doc.path,
                sha256=doc.sha256,
                size_bytes=doc.size_bytes,
                member_id=doc.member_id,
                subject_type=doc.subject_type,
                subject_id=doc.subject_id,
            )
        )
        if doc.member_id is not None:
            TimelineRepository(session).record(
                actor=actor,
                action="document_generated",
                subject_type=doc.subject_type,
                subject_id=doc.subject_id,
                member_id=doc.member_id,
                details={
                    "template": doc.template,
                    "language": doc.language,
                    "sha256": doc.sha256,
                    "path": doc.path,
                },
            )
        added += 1
    return added


def index_documents(
    uow: UnitOfWork, documents: list[ArchivedDocument], actor: Actor | None = None
) -> int:
    """Index files already archived (rendered outside any transaction) and commit; returns how
    many were new (a re-run indexes the same keys once)."""
    added = record_documents(uow.session, documents, actor)
    uow.commit()
    return added


def void_documents(
    session: Session,
    subject_type: str,
    subject_id: str,
    reason: str,
    actor: Actor,
    now: datetime | None = None,
) -> int:
    """Mark a subject's documents void (they stay archived)."""
    rows = session.scalars(
        select(Document).where(
            Document.subject_type == subject_type,
            Document.subject_id == subject_id,
            Document.voided_at.is_(None),
        )
    ).all()
    for row in rows:
        row.voided_at = now or utcnow()
        row.void_reason = reason
        TimelineRepository(session).record(
            actor=actor,
            action="document_voided",
            subject_type=subject_type,
            subject_id=subject_id,
            member_id=row.member_id,
            details={"template": row.template, "reason": reason},
        )
    return len(rows)


def count_in_format(
    session: Session, subject_type: str, subject_id: str, template: str, fmt: DocumentFormat
) -> int:
    """How many of a subject's documents of one template are archived in a given format (the
    ballots left as DOCX when PDF was wanted, say)."""
    return int(
        session.scalar(
            select(func.count()).where(
                Document.subject_type == subject_type,
                Document.subject_id == subject_id,
                Document.template == template,
                Document.format == fmt,
            )
        )
        or 0
    )


def templates_in_format(session: Session, fmt: DocumentFormat) -> dict[str, int]:
    """How many documents of each template are archived in one format, voided ones left out
    (the demo's check that nothing meant as PDF stayed DOCX)."""
    rows = session.execute(
        select(Document.template, func.count())
        .where(Document.format == fmt, Document.voided_at.is_(None))
        .group_by(Document.template)
    ).tuples()
    return {str(template): int(n) for template, n in rows}


def formats_for_subjects(
    session: Session, subject_type: str, subject_ids: list[str]
) -> dict[DocumentFormat, int]:
    """How many documents the given subjects have in the archive, per format."""
    rows = session.execute(
        select(Document.format, func.count())
        .where(Document.subject_type == subject_type, Document.subject_id.in_(subject_ids))
        .group_by(Document.format)
    ).tuples()
    return {DocumentFormat(fmt): int(n) for fmt, n in rows}
