"""Produce documents: those not yet archived are rendered and archived through `documents`, then
indexed by the documents use case in a unit of work of their own. Idempotent by key."""

from __future__ import annotations

from dataclasses import dataclass

from documents.bulk import archive_fast
from documents.produce import DocumentRequest, archive_documents
from governance.config import Settings, get_settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.use_cases import documents as document_service


@dataclass(frozen=True)
class FastReport:
    added: int
    not_pdf: dict[str, str]  # archived .docx path -> why it has no checked PDF


def produce(
    requests: list[DocumentRequest], settings: Settings | None = None, want_pdf: bool | None = None
) -> int:
    """Produce the documents not yet archived; returns how many were made now."""
    settings = settings or get_settings()
    todo = _not_archived(requests, settings)
    if not todo:
        return 0
    return _index(archive_documents(todo, settings, want_pdf), settings)


def produce_fast(
    requests: list[DocumentRequest], settings: Settings | None = None, parallel: bool = True
) -> int:
    """Like `produce` (idempotent by key, archived, indexed) on the fast path; returns how many
    were made now."""
    return produce_fast_report(requests, settings, parallel).added


def produce_fast_report(
    requests: list[DocumentRequest],
    settings: Settings | None = None,
    parallel: bool = True,
    want_pdf: bool | None = None,
) -> FastReport:
    """The fast path, with PDFs through the converter pool when COOP_PDF_OUTPUT is on and
    LibreOffice is installed (the .docx archived beside each, the source of record)."""
    settings = settings or get_settings()
    todo = _not_archived(requests, settings)
    if not todo:
        return FastReport(0, {})
    batch = archive_fast(todo, settings, parallel, want_pdf)
    return FastReport(_index(batch.records, settings), batch.not_pdf)


def _not_archived(requests: list[DocumentRequest], settings: Settings) -> list[DocumentRequest]:
    with UnitOfWork(settings) as uow:
        done = document_service.existing_keys(uow.session, [r.key for r in requests])
    return [r for r in requests if r.key not in done]


def _index(records: list[ArchivedDocument], settings: Settings) -> int:
    with UnitOfWork(settings) as uow:
        return document_service.index_documents(uow, records)
