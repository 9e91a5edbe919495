"""Render, convert and archive a batch of documents; index them in one transaction."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from documents import archive, pdf
from documents.render import render_docx, template_version
from governance.config import Settings, get_settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat, Language
from governance.kernel.use_cases import documents as document_service


@dataclass(frozen=True)
class DocumentRequest:
    """One document to produce; `key` makes producing it twice a no-op."""

    key: str
    template: str
    language: Language
    context: BaseModel
    subject_type: str
    subject_id: str
    member_id: int | None = None
    images: dict[str, bytes] = field(default_factory=dict)


def _filename(request: DocumentRequest, suffix: str) -> str:
    digest = hashlib.sha256(request.key.encode()).hexdigest()[:12]
    return f"{request.template}-{request.subject_id}-{digest}.{request.language}.{suffix}"


def produce(
    requests: list[DocumentRequest], settings: Settings | None = None, want_pdf: bool | None = None
) -> int:
    """Produce the documents not yet archived; returns how many were made now."""
    settings = settings or get_settings()
    with UnitOfWork(settings) as uow:
        done = document_service.existing_keys(uow.session, [r.key for r in requests])
    todo = [r for r in requests if r.key not in done]
    if not todo:
        return 0
    use_pdf = (settings.pdf_output and pdf.available()) if want_pdf is None else want_pdf
    place = archive.Place.of(settings)
    rendered = [(r, render_docx(r.template, r.language, r.context, r.images)) for r in todo]
    records: list[ArchivedDocument] = []
    pdfs: dict[str, bytes] = {}
    if use_pdf:
        with tempfile.TemporaryDirectory(prefix="coop-pdf-") as tmp:
            sources = []
            for request, data in rendered:
                source = Path(tmp) / _filename(request, "docx")
                source.write_bytes(data)
                sources.append(source)
            converted = pdf.convert(sources, Path(tmp) / "out")
            for (request, _), source in zip(rendered, sources, strict=True):
                pdfs[request.key] = converted[source].read_bytes()
    for request, data in rendered:
        folder = f"{request.subject_type}/{request.subject_id}"
        fmt = DocumentFormat.PDF if request.key in pdfs else DocumentFormat.DOCX
        payload = pdfs.get(request.key, data)
        if fmt is DocumentFormat.PDF:  # keep the editable source beside the PDF
            archive.store(place, folder, _filename(request, "docx"), data)
        stored = archive.store(
            place,
            folder,
            _filename(request, fmt.value),
            payload,
            replace=fmt is DocumentFormat.PDF,  # converted again: a new creation date
        )
        records.append(
            ArchivedDocument(
                key=request.key,
                template=request.template,
                template_version=template_version(request.template, request.language),
                language=request.language,
                format=fmt,
                path=stored.relative_path,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
                member_id=request.member_id,
                subject_type=request.subject_type,
                subject_id=request.subject_id,
            )
        )
    with UnitOfWork(settings) as uow:
        added = document_service.record_documents(uow.session, records)
        uow.commit()
    return added
